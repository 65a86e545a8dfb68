#include "actions/action.hpp"
#include "process/subprocess.hpp"
#include "util/secrets.hpp"

namespace stash_hook {
namespace {

/// The last non-empty line of `text`, shortened, for one-line error messages.
std::string last_line(const std::string& text) {
    size_t end = text.find_last_not_of(" \t\r\n");
    if (end == std::string::npos) return "";
    size_t begin = text.find_last_of('\n', end);
    begin = begin == std::string::npos ? 0 : begin + 1;
    // Redacted before the cut, which would leave a piece of a secret unrecognisable.
    return secrets::redact_and_shorten(std::string_view(text).substr(begin, end - begin + 1), 200);
}

}  // namespace

ActionOutcome run_exec_action(const ExecAction& exec, const ActionContext& context) {
    SpawnRequest request;
    request.argv = exec.command;
    request.env = context.env;
    request.capture_output = true;
    request.timeout = context.timeout;
    request.interrupts_seen = context.interrupts_seen;
    CapturedOutput captured;
    auto result = run_process(request, &captured);

    ActionOutcome outcome;
    if (!result) {
        outcome.error = result.error().message;
        outcome.exit_code = shell_exit_code(result.error().kind);
        return outcome;
    }
    outcome.output = captured.combined.str();
    outcome.stdout_tail = captured.stdout_only.str();
    outcome.stderr_tail = captured.stderr_only.str();
    outcome.exit_code = result->exit_code;
    const std::string hint = last_line(captured.stderr_only.str());
    const std::string suffix = hint.empty() ? "" : ": " + hint;
    const std::string end = describe_end(*result, context.timeout);
    outcome.succeeded = end.empty();
    if (!end.empty()) outcome.error = end + suffix;
    return outcome;
}

}  // namespace stash_hook

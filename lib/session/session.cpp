#include "session/session.hpp"

#include <spdlog/spdlog.h>

#include <thread>

#include "actions/action.hpp"
#include "process/subprocess.hpp"
#include "session/status_writer.hpp"

namespace stash_hook {
namespace {

using Clock = std::chrono::steady_clock;
using EnvPairs = std::vector<std::pair<std::string, std::string>>;

/// What every process of the session sees, plus the per-stage variables.
struct SessionEnv {
    std::string session;
    Kind kind;
    // Post hooks only:
    std::optional<Phase> phase;
    std::string task_exit_code;
    std::string error;

    EnvPairs pairs(std::optional<Stage> stage) const {
        EnvPairs env = {{"STASH_HOOK_SESSION", session}, {"STASH_HOOK_KIND", to_string(kind)}};
        if (stage) env.emplace_back("STASH_HOOK_STAGE", to_string(*stage));
        if (phase) {
            env.emplace_back("STASH_HOOK_PHASE", to_string(*phase));
            env.emplace_back("STASH_HOOK_TASK_EXIT_CODE", task_exit_code);
            env.emplace_back("STASH_HOOK_ERROR", error);
        }
        return env;
    }
};

/// Logs the last lines of a hook's captured output, indented under its result line.
void log_output_tail(spdlog::level::level_enum level, const std::string& output) {
    constexpr size_t kMaxLines = 20;
    std::vector<std::string_view> lines;
    std::string_view rest(output);
    while (!rest.empty()) {
        const size_t nl = rest.find('\n');
        lines.push_back(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    const size_t first = lines.size() > kMaxLines ? lines.size() - kMaxLines : 0;
    for (size_t i = first; i < lines.size(); ++i) spdlog::log(level, "  | {}", lines[i]);
}

std::string capitalized(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

/// Runs one hook with its retries. Logs its start and end.
HookResult run_hook(const Hook& hook, const SessionEnv& session_env) {
    HookResult result;
    result.stage = hook.stage;
    result.name = hook.name;
    result.action = action_name(hook.action);
    const std::string label = std::string(to_string(hook.stage)) + " hook \"" + hook.name + "\"";
    spdlog::info("{} ({}) started: {}", label, result.action, action_target(hook.action));
    spdlog::debug("{}: timeout {}, {} retries, onError {}", label, format_duration(hook.timeout),
                  hook.retry.attempts, to_string(hook.on_error));

    ActionContext context;
    context.timeout = hook.timeout;
    if (std::holds_alternative<ExecAction>(hook.action))
        context.env = make_environment(session_env.pairs(hook.stage));

    const auto start = Clock::now();
    Duration delay = hook.retry.delay;
    ActionOutcome outcome;
    for (int attempt = 1; attempt <= 1 + hook.retry.attempts; ++attempt) {
        result.attempts = attempt;
        outcome = run_action(hook.action, context);
        if (outcome.succeeded || attempt == 1 + hook.retry.attempts) break;
        spdlog::warn("{} attempt {} of {} failed: {}; retrying in {}", label, attempt,
                     1 + hook.retry.attempts, outcome.error, format_duration(delay));
        std::this_thread::sleep_for(delay);
        delay *= 2;
    }
    result.duration = Clock::now() - start;
    result.exit_code = outcome.exit_code;
    result.status_code = outcome.status_code;
    result.output = outcome.output;
    result.stdout_tail = outcome.stdout_tail;
    result.stderr_tail = outcome.stderr_tail;
    if (outcome.succeeded) {
        result.phase = Phase::Succeeded;
        spdlog::info("{} ({}) succeeded in {}", label, result.action,
                     format_duration_ms(result.duration));
        if (spdlog::should_log(spdlog::level::debug)) log_output_tail(spdlog::level::debug, result.output);
    } else {
        result.phase = Phase::Failed;
        result.error = outcome.error;
        result.continued = hook.on_error == OnError::Continue;
        spdlog::error("{} ({}) failed in {}{}: {}", label, result.action,
                      format_duration_ms(result.duration),
                      result.attempts > 1 ? " after " + std::to_string(result.attempts) + " attempts" : "",
                      outcome.error);
        log_output_tail(spdlog::level::warn, result.output);
        if (result.continued) spdlog::warn("{}: onError is Continue, carrying on", label);
    }
    return result;
}

HookResult skipped(const Hook& hook, std::string reason) {
    HookResult r;
    r.stage = hook.stage;
    r.name = hook.name;
    r.action = action_name(hook.action);
    r.phase = Phase::Skipped;
    r.error = std::move(reason);
    spdlog::info("{} hook \"{}\" skipped: {}", to_string(hook.stage), hook.name, r.error);
    return r;
}

/// Runs a pre stage: in order, stopping at the first failure that counts.
/// Returns the failing hook's error, or nothing.
std::optional<std::string> run_pre_hooks(const std::vector<Hook>& hooks, const SessionEnv& env,
                                         std::vector<HookResult>& out) {
    std::optional<std::string> failure;
    for (const auto& hook : hooks) {
        if (failure) {
            out.push_back(skipped(hook, "an earlier " + std::string(to_string(hook.stage)) +
                                            " hook failed"));
            continue;
        }
        out.push_back(run_hook(hook, env));
        const auto& r = out.back();
        if (r.phase == Phase::Failed && !r.continued) failure = r.error;
    }
    return failure;
}

/// Runs a post stage: every hook that its policy allows; failures do not stop the rest.
std::optional<std::string> run_post_hooks(const std::vector<Hook>& hooks, const SessionEnv& env,
                                          Phase phase, std::vector<HookResult>& out) {
    std::optional<std::string> failure;
    for (const auto& hook : hooks) {
        if (!policy_allows(hook.policy, phase)) {
            out.push_back(skipped(hook, std::string("executionPolicy ") + to_string(hook.policy) +
                                            " and the session " +
                                            (phase == Phase::Succeeded ? "succeeded" : "failed")));
            continue;
        }
        out.push_back(run_hook(hook, env));
        const auto& r = out.back();
        if (r.phase == Phase::Failed && !r.continued && !failure) failure = r.error;
    }
    return failure;
}

Condition hook_condition(Stage stage, const std::optional<std::string>& failure) {
    // Stash's names: PreBackupHookExecutionSucceeded, SuccessfullyExecutedPreBackupHook, ...
    const std::string stage_name = capitalized(to_string(stage));
    Condition c;
    c.type = stage_name + "HookExecutionSucceeded";
    c.status = !failure.has_value();
    if (c.status) {
        c.reason = "SuccessfullyExecuted" + stage_name + "Hook";
        c.message = std::string("Successfully executed ") + to_string(stage) + " hook.";
    } else {
        c.reason = "FailedToExecute" + stage_name + "Hook";
        c.message = std::string("Failed to execute ") + to_string(stage) + " hook. Reason: " + *failure;
    }
    return c;
}

bool any_ran(const std::vector<HookResult>& results, Stage stage) {
    for (const auto& r : results)
        if (r.stage == stage && r.phase != Phase::Skipped) return true;
    return false;
}

void run_task(const Spec& spec, const SessionOptions& options, const SessionEnv& env,
              TaskResult& task) {
    task.phase = Phase::Running;
    const std::string what = std::string(to_string(spec.kind)) + " command";
    spdlog::info("{} started: {}", what, command_line(spec.command));
    SpawnRequest request;
    request.argv = spec.command;
    request.env = make_environment(env.pairs(std::nullopt));
    request.take_terminal = options.take_terminal;
    request.timeout = spec.timeout;
    request.kill_grace = options.kill_grace;
    auto result = run_process(request);
    if (!result) {
        task.phase = Phase::Failed;
        task.exit_code = shell_exit_code(result.error().kind);
        task.error = result.error().message;
        spdlog::error("{} failed: {}", what, task.error);
        return;
    }
    task.duration = result->duration;
    task.exit_code = result->exit_code;
    task.signal = result->signal;
    task.timed_out = result->timed_out;
    if (task.timed_out) {
        task.error = "timed out after " + format_duration(*spec.timeout);
    } else if (task.signal) {
        task.error = "killed by " + signal_name(*task.signal);
    } else if (task.exit_code != 0) {
        task.error = "exit code " + std::to_string(*task.exit_code);
    }
    task.phase = task.error.empty() ? Phase::Succeeded : Phase::Failed;
    if (task.phase == Phase::Succeeded)
        spdlog::info("{} succeeded in {}", what, format_duration_ms(task.duration));
    else
        spdlog::error("{} failed in {}: {}", what, format_duration_ms(task.duration), task.error);
}

void write_status(const Spec& spec, SessionResult& result) {
    if (spec.status_file.empty()) return;
    auto written = write_status_file(spec.status_file, result);
    if (written) spdlog::debug("status file {} written (phase {})", spec.status_file, to_string(result.phase));
    if (!written) {
        if (result.status_error.empty()) spdlog::error("{}", written.error());
        result.status_error = written.error();
    }
}

}  // namespace

bool policy_allows(ExecutionPolicy policy, Phase phase) {
    switch (policy) {
        case ExecutionPolicy::Always: return true;
        case ExecutionPolicy::OnSuccess: return phase == Phase::Succeeded;
        // Without session retries every failure is the final one.
        case ExecutionPolicy::OnFailure:
        case ExecutionPolicy::OnFinalRetryFailure: return phase == Phase::Failed;
    }
    return false;
}

SessionResult run_session(const Spec& spec, const SessionOptions& options) {
    SessionResult result;
    result.kind = spec.kind;
    result.start_time = std::chrono::system_clock::now();
    result.name = make_session_name(spec.name, result.start_time);
    result.task.command = spec.command;
    const auto start = Clock::now();
    spdlog::info("session {} started ({})", result.name, to_string(spec.kind));
    write_status(spec, result);

    SessionEnv env{result.name, spec.kind, std::nullopt, "", ""};
    const Stage pre = pre_stage(spec.kind);
    const Stage post = post_stage(spec.kind);

    // 1. Pre hooks; the first failure skips the rest and the task.
    const auto pre_failure = run_pre_hooks(spec.hooks_for(pre), env, result.hooks);
    if (any_ran(result.hooks, pre)) result.conditions.push_back(hook_condition(pre, pre_failure));
    if (pre_failure) {
        result.pre_hook_failed = true;
        result.error = std::string("Failed to execute ") + to_string(pre) + " hook. Reason: " + *pre_failure;
        result.task.error = "skipped: a " + std::string(to_string(pre)) + " hook failed";
        spdlog::info("{} command skipped: a {} hook failed", to_string(spec.kind), to_string(pre));
    } else {
        // 2. The task, with the terminal's stdin, stdout and stderr.
        run_task(spec, options, env, result.task);
        if (result.task.phase == Phase::Failed)
            result.error = std::string(to_string(spec.kind)) + " command failed: " + result.task.error;
    }

    // 3. Post hooks, whatever happened, filtered by policy against the phase so far.
    const Phase so_far = result.error.empty() ? Phase::Succeeded : Phase::Failed;
    env.phase = so_far;
    env.task_exit_code = result.task.exit_code ? std::to_string(*result.task.exit_code) : "";
    env.error = result.error;
    const auto post_failure = run_post_hooks(spec.hooks_for(post), env, so_far, result.hooks);
    if (any_ran(result.hooks, post)) result.conditions.push_back(hook_condition(post, post_failure));
    if (post_failure) {
        result.post_hook_failed = true;
        if (result.error.empty())
            result.error = std::string("Failed to execute ") + to_string(post) + " hook. Reason: " + *post_failure;
    }

    // 4. The outcome.
    result.phase = result.error.empty() ? Phase::Succeeded : Phase::Failed;
    result.completion_time = std::chrono::system_clock::now();
    result.duration = Clock::now() - start;
    result.exit_code = exit_code_for(result);
    write_status(spec, result);
    if (!result.status_error.empty()) {
        // The file on disk (if any) is stale; the exit code says so.
        result.exit_code = exit_code_for(result);
    }
    return result;
}

std::vector<HookResult> run_stage(const Spec& spec, Stage stage, Phase phase_so_far,
                                  const std::string& session_name, bool& failed) {
    std::vector<HookResult> results;
    SessionEnv env{session_name, spec.kind, std::nullopt, "", ""};
    if (is_pre(stage)) {
        failed = run_pre_hooks(spec.hooks_for(stage), env, results).has_value();
    } else {
        env.phase = phase_so_far;
        env.task_exit_code = phase_so_far == Phase::Succeeded ? "0" : "";
        failed = run_post_hooks(spec.hooks_for(stage), env, phase_so_far, results).has_value();
    }
    return results;
}

}  // namespace stash_hook

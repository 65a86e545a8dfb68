#include "session/plan.hpp"

#include <sstream>

namespace stash_hook {
namespace {

std::string when(ExecutionPolicy policy) {
    switch (policy) {
        case ExecutionPolicy::Always: return "always";
        case ExecutionPolicy::OnSuccess: return "only if everything before succeeded";
        case ExecutionPolicy::OnFailure: return "only if something before failed";
        case ExecutionPolicy::OnFinalRetryFailure: return "only if something before failed (final attempt)";
    }
    return "";
}

std::string hook_details(const Hook& h) {
    std::string s = "timeout " + format_duration(h.timeout);
    if (h.retry.attempts > 0)
        s += ", " + std::to_string(h.retry.attempts) + " retries from " + format_duration(h.retry.delay);
    if (h.on_error == OnError::Continue) s += ", failure ignored (onError: Continue)";
    return s;
}

}  // namespace

std::string describe_plan(const Spec& spec) {
    std::ostringstream out;
    const Stage pre = pre_stage(spec.kind);
    const Stage post = post_stage(spec.kind);
    out << "session " << spec.name << " (" << to_string(spec.kind) << ", spec " << spec.path << ")\n";
    int step = 1;
    const auto& pre_hooks = spec.hooks_for(pre);
    for (const auto& h : pre_hooks) {
        out << step++ << ". " << to_string(pre) << " \"" << h.name << "\": " << action_name(h.action)
            << " " << action_target(h.action) << "\n   " << hook_details(h)
            << (h.on_error == OnError::Fail ? "; on failure: skip the rest and the task" : "") << "\n";
    }
    out << step++ << ". task: ";
    if (spec.command.empty())
        out << "(none: give one after -- or as command: in the spec)";
    else
        out << command_line(spec.command);
    out << "\n   timeout " << (spec.timeout ? format_duration(*spec.timeout) : "none") << "\n";
    for (const auto& h : spec.hooks_for(post)) {
        out << step++ << ". " << to_string(post) << " \"" << h.name << "\": " << action_name(h.action)
            << " " << action_target(h.action) << "\n   runs " << when(h.policy) << "; "
            << hook_details(h) << "\n";
    }
    if (!spec.status_file.empty()) out << "status file: " << spec.status_file << "\n";
    return out.str();
}

}  // namespace stash_hook

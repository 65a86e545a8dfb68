#include "session/session_result.hpp"

#include "util/error.hpp"

namespace stash_hook {

const char* to_string(Phase phase) {
    switch (phase) {
        case Phase::Running: return "Running";
        case Phase::Succeeded: return "Succeeded";
        case Phase::Failed: return "Failed";
        case Phase::Skipped: return "Skipped";
    }
    return "?";
}

int task_exit_code(const TaskResult& task) {
    if (task.phase != Phase::Failed) return 0;
    if (task.timed_out) return 124;
    if (task.signal) return 128 + *task.signal;
    if (task.exit_code && *task.exit_code != 0) return *task.exit_code;
    return 1;  // failed without a code of its own
}

int exit_code_for(const SessionResult& r) {
    if (!r.status_error.empty()) return kExitUsage;
    if (r.interrupted_by != 0) return 128 + r.interrupted_by;
    if (r.task.phase == Phase::Failed) return task_exit_code(r.task);
    bool pre_failed = r.pre_hook_failed;
    bool post_failed = r.post_hook_failed;
    for (const auto& m : r.members) {
        if (m.task.phase == Phase::Failed) return task_exit_code(m.task);
        pre_failed = pre_failed || m.pre_hook_failed;
        post_failed = post_failed || m.post_hook_failed;
    }
    if (pre_failed) return 120;
    if (post_failed) return 121;
    return 0;
}

std::string session_summary(const SessionResult& r) {
    std::string s = "session " + r.name + " " + to_string(r.phase) + " in " + format_duration_ms(r.duration) +
                    ", exit code " + std::to_string(r.exit_code);
    auto first_failed_hook = [](const std::vector<HookResult>& hooks, const std::string& scope) -> std::string {
        for (const auto& h : hooks)
            if (h.phase == Phase::Failed && !h.continued)
                return "; first failed hook: " + scope + to_string(h.stage) + " \"" + h.name + "\" (" + h.error + ")";
        return "";
    };
    std::string hook = first_failed_hook(r.hooks, r.members.empty() ? "" : "global ");
    for (const auto& m : r.members) {
        if (hook.empty()) hook = first_failed_hook(m.hooks, "member " + m.name + " ");
        if (m.task.phase == Phase::Failed) s += "; member " + m.name + " task: " + m.task.error;
    }
    s += hook;
    if (r.task.phase == Phase::Failed) s += "; task: " + r.task.error;
    if (r.attempts.size() > 1) s += "; after " + std::to_string(r.attempts.size()) + " attempts";
    return s;
}

}  // namespace stash_hook

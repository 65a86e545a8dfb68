#include "session/session_result.hpp"

#include "util/error.hpp"

namespace stash_hook {

const char* to_string(Phase phase) {
    switch (phase) {
        case Phase::Running:
            return "Running";
        case Phase::Succeeded:
            return "Succeeded";
        case Phase::Failed:
            return "Failed";
        case Phase::Skipped:
            return "Skipped";
    }
    return "?";
}

namespace {

int task_exit_code(const TaskResult& task) {
    if (task.timed_out) return 124;
    if (task.signal) return 128 + *task.signal;
    if (task.exit_code && *task.exit_code != 0) return *task.exit_code;
    return 1;  // failed without a code of its own
}

ExitFacts target_facts(const TargetResult& r) {
    ExitFacts facts;
    if (r.task.phase == Phase::Failed) facts.failed_task = &r.task;
    facts.pre_hook_failed = r.pre_hook_failed;
    facts.post_hook_failed = r.post_hook_failed;
    return facts;
}

}  // namespace

int decide_exit_code(const ExitFacts& facts) {
    if (facts.report_failed) return kExitUsage;
    if (facts.interrupted_by != 0) return 128 + facts.interrupted_by;
    if (facts.failed_task) return task_exit_code(*facts.failed_task);
    if (facts.pre_hook_failed) return 120;
    if (facts.post_hook_failed) return 121;
    return 0;
}

ExitFacts exit_facts(const MemberResult& r) { return target_facts(r); }

ExitFacts exit_facts(const SessionResult& r) {
    ExitFacts facts = target_facts(r);
    facts.report_failed = !r.status_error.empty();
    facts.interrupted_by = r.interrupted_by;
    for (const auto& m : r.members) {
        const ExitFacts member = target_facts(m);
        if (!facts.failed_task) facts.failed_task = member.failed_task;
        facts.pre_hook_failed = facts.pre_hook_failed || member.pre_hook_failed;
        facts.post_hook_failed = facts.post_hook_failed || member.post_hook_failed;
    }
    return facts;
}

std::string session_summary(const SessionResult& r) {
    // Never "Succeeded" with a non-zero exit code (the status or metrics file failed).
    const char* phase =
        r.exit_code != 0 && r.phase == Phase::Succeeded ? "Failed" : to_string(r.phase);
    std::string s = "session " + r.name + " " + phase + " in " + format_duration_ms(r.duration) +
                    ", exit code " + std::to_string(r.exit_code);
    auto first_failed_hook = [](const std::vector<HookResult>& hooks,
                                const std::string& scope) -> std::string {
        for (const auto& h : hooks)
            if (h.phase == Phase::Failed && !h.continued)
                return "; first failed hook: " + scope + to_string(h.stage) + " \"" + h.name +
                       "\" (" + h.error + ")";
        return "";
    };
    std::string hook = first_failed_hook(r.hooks, r.members.empty() ? "" : "global ");
    for (const auto& m : r.members) {
        if (hook.empty()) hook = first_failed_hook(m.hooks, "member " + m.name + " ");
        if (m.task.phase == Phase::Failed) s += "; member " + m.name + " task: " + m.task.error;
    }
    s += hook;
    if (r.task.phase == Phase::Failed) s += "; task: " + r.task.error;
    for (const auto& w : r.warnings) s += "; warning: " + w;
    if (!r.status_error.empty()) s += "; " + r.status_error;
    if (r.attempts.size() > 1) s += "; after " + std::to_string(r.attempts.size()) + " attempts";
    return s;
}

}  // namespace stash_hook

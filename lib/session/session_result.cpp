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

int exit_code_for(const SessionResult& r) {
    if (!r.status_error.empty()) return kExitUsage;
    if (r.task.phase == Phase::Failed) {
        if (r.task.timed_out) return 124;
        if (r.task.signal) return 128 + *r.task.signal;
        if (r.task.exit_code && *r.task.exit_code != 0) return *r.task.exit_code;
        return 1;  // failed without a code of its own
    }
    if (r.pre_hook_failed) return 120;
    if (r.post_hook_failed) return 121;
    return 0;
}

}  // namespace stash_hook

#pragma once
// What a session did: the data behind the exit code, the status file and the logs.

#include <optional>
#include <string>
#include <vector>

#include "spec/spec.hpp"
#include "util/clock.hpp"
#include "util/duration.hpp"

namespace stash_hook {

enum class Phase { Running, Succeeded, Failed, Skipped };
const char* to_string(Phase phase);

struct HookResult {
    Stage stage = Stage::PreBackup;
    std::string name;
    std::string action;  // "exec", "httpGet", ...
    Phase phase = Phase::Skipped;
    int attempts = 0;
    Duration duration{0};
    std::optional<int> exit_code;    // exec
    std::optional<int> status_code;  // http
    std::string output;              // exec: tail of stdout and stderr, interleaved
    std::string stdout_tail;         // exec: tail of stdout alone
    std::string stderr_tail;         // exec: tail of stderr alone
    std::string error;               // when Failed; why Skipped otherwise
    bool continued = false;          // Failed, but onError: Continue
};

struct TaskResult {
    std::vector<std::string> command;
    Phase phase = Phase::Skipped;
    std::optional<int> exit_code;  // as the shell reports it: 127 not found, 126 not executable
    std::optional<int> signal;
    bool timed_out = false;
    Duration duration{0};
    std::string error;
};

/// A Stash-style condition ("PreBackupHookExecutionSucceeded", "True", ...).
struct Condition {
    std::string type;
    bool status = false;
    std::string reason;
    std::string message;
};

/// One target's run: a batch member's, or (inside SessionResult) the single target's.
struct MemberResult {
    std::string name;
    Phase phase = Phase::Skipped;
    int exit_code = 0;
    std::string error;
    TaskResult task;
    std::vector<HookResult> hooks;
    std::vector<Condition> conditions;
    bool pre_hook_failed = false;
    bool post_hook_failed = false;
    bool post_hooks_stopped = false;  // a signal stopped them
    Duration duration{0};
};

/// One finished attempt, when the session was retried.
struct AttemptSummary {
    int attempt = 1;
    Phase phase = Phase::Failed;
    int exit_code = 0;
    std::string error;
    WallTime start_time{};
    Duration duration{0};
};

struct SessionResult {
    std::string name;  // unique session name
    Kind kind = Kind::Backup;
    Phase phase = Phase::Running;
    int exit_code = 0;
    WallTime start_time{};
    std::optional<WallTime> completion_time;
    Duration duration{0};
    std::string error;  // the first reason the session failed
    std::vector<Condition> conditions;
    TaskResult task;
    std::vector<HookResult> hooks;

    bool pre_hook_failed = false;   // a pre hook of this target, or a global one, failed
    bool post_hook_failed = false;  // likewise for post hooks
    std::string status_error;  // set when the status file could not be written
    int interrupted_by = 0;           // the first SIGINT/SIGTERM/SIGHUP received, if any
    bool post_hooks_stopped = false;  // a signal stopped the post hooks

    std::vector<MemberResult> members;     // a batch's members, in spec order
    int attempt = 1;                       // which attempt this is (session retries)
    std::vector<AttemptSummary> attempts;  // every attempt so far, this one last when done
};

/// The exit code for a failed task: its own code, 124 timed out, 128+N signal N,
/// 126/127 could not start; 0 when it did not fail.
int task_exit_code(const TaskResult& task);

/// The exit code for a finished session, by CONTRACT section 6's precedence:
/// status-file failure (125), then the task's failure (for a batch, the first failed
/// member's in spec order), then 120 for a pre-hook failure, then 121 for a post-hook
/// failure, else 0.
int exit_code_for(const SessionResult& result);

/// The closing log line: "session NAME Succeeded in 1.2s, exit code 0", then the first
/// failed hook, a failed task and the attempts when there is more to say.
std::string session_summary(const SessionResult& result);

}  // namespace stash_hook

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
    bool ran = false;  // the task was started (not skipped, found and executable)
    /// capture: (man page, SPEC): the bounded tail of the task's captured output, the
    /// streams captured interleaved; and of each stream alone. Empty without capture.
    /// Raw bytes: secrets are masked where they go out (status, log, templates).
    std::string output_tail;
    std::string stdout_tail;
    std::string stderr_tail;
    std::string warning;      // it exited with one of warningExitCodes (man page, SPEC)
    std::string output_file;  // output: where its stdout went, replaced on success
    /// pipeline: how each stage ended, in order (empty for a plain command).
    struct StageEnd {
        std::vector<std::string> command;
        std::optional<int> exit_code;
        std::optional<int> signal;
    };
    std::vector<StageEnd> stages;
};

/// A Stash-style condition ("PreBackupHookExecutionSucceeded", "True", ...).
struct Condition {
    std::string type;
    bool status = false;
    std::string reason;
    std::string message;
};

/// What one target did: its task, its hooks and their conditions. A batch member's
/// result and the session's are both this, so a single target's becomes the session's
/// in one assignment, never field by field.
struct TargetResult {
    TaskResult task;
    std::vector<HookResult> hooks;
    std::vector<Condition> conditions;
    std::string error;                // the first reason it failed
    bool pre_hook_failed = false;     // a pre hook failed (a batch session: a global one)
    bool post_hook_failed = false;    // likewise for post hooks
    bool post_hooks_stopped = false;  // a signal stopped them
    bool skipped = false;             // a pre hook exited with its skipExitCode
};

/// One batch member's run.
struct MemberResult : TargetResult {
    std::string name;
    Phase phase = Phase::Skipped;
    int exit_code = 0;  // exit_code_for(*this), set when it ends
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

struct SessionResult : TargetResult {
    std::string name;  // unique session name
    Kind kind = Kind::Backup;
    Phase phase = Phase::Running;
    int exit_code = 0;  // exit_code_for(*this), set when it ends
    WallTime start_time{};
    std::optional<WallTime> completion_time;
    Duration duration{0};

    std::string status_error;  // set when the status or metrics file could not be written
    int interrupted_by = 0;    // the first SIGINT/SIGTERM/SIGHUP received, if any

    std::vector<MemberResult> members;     // a batch's members, in spec order
    int attempt = 1;                       // which attempt this is (session retries)
    std::vector<AttemptSummary> attempts;  // every attempt so far, this one last when done

    /// The task's (a batch: the members' tasks') warnings, in order (man page, SPEC:
    /// warningExitCodes); empty when none.
    std::vector<std::string> warnings;
};

/// The facts an exit code is decided from, by every command (man page, EXIT STATUS).
struct ExitFacts {
    bool report_failed = false;  // the status or metrics file was not written
    int interrupted_by = 0;      // a signal stopped the command
    const TaskResult* failed_task =
        nullptr;  // the task that failed (a batch: the first in spec order)
    bool pre_hook_failed = false;
    bool post_hook_failed = false;
};

/// The only place an exit code is decided, in the man page's precedence: 125 for a
/// report not written, 128+N for signal N, the failed task's code (its own, 124 timed
/// out, 128+N killed by signal N, 126/127 could not start), 120 for a pre-hook failure,
/// 121 for a post-hook failure, else 0. (A spec that does not load, 125, and a lock
/// held, 122, end the command before any of this: util/error.hpp.)
int decide_exit_code(const ExitFacts& facts);

/// The facts of a finished session, or of one batch member, and so its exit code.
ExitFacts exit_facts(const SessionResult& result);
ExitFacts exit_facts(const MemberResult& result);
inline int exit_code_for(const SessionResult& result) {
    return decide_exit_code(exit_facts(result));
}
inline int exit_code_for(const MemberResult& result) {
    return decide_exit_code(exit_facts(result));
}

/// The closing log line: "session NAME Succeeded in 1.2s, exit code 0", then the first
/// failed hook, a failed task and the attempts when there is more to say.
std::string session_summary(const SessionResult& result);

}  // namespace stash_hook

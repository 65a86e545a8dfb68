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

    bool pre_hook_failed = false;
    bool post_hook_failed = false;
    std::string status_error;  // set when the status file could not be written
};

/// The exit code for a finished session, by CONTRACT section 6's precedence:
/// status-file failure (125), then the task's failure (its code, 124, 126, 127,
/// 128+N), then 120 for a pre-hook failure, then 121 for a post-hook failure, else 0.
int exit_code_for(const SessionResult& result);

}  // namespace stash_hook

#pragma once
// Starting a child in its own process group, draining its output, enforcing a
// timeout on the whole group, and reaping it. Knows nothing about hooks.

#include <optional>
#include <string>
#include <vector>

#include "util/duration.hpp"
#include "util/expected.hpp"
#include "util/output_tail.hpp"

namespace stash_hook {

struct SpawnRequest {
    std::vector<std::string> argv;  // argv[0] is looked up in PATH unless it has a '/'
    std::vector<std::string> env;   // the complete environment, "NAME=value"
    /// true (hooks): stdin is /dev/null, stdout and stderr go into `output`.
    /// false (the task): stdin, stdout and stderr are inherited untouched.
    bool capture_output = false;
    /// Give the terminal's foreground to the child's group when stdin is our
    /// controlling terminal and we are in its foreground (so an interactive task can
    /// prompt), and take it back afterwards.
    bool take_terminal = false;
    std::optional<Duration> timeout;                // SIGTERM to the group when it passes
    Duration kill_grace = std::chrono::seconds(3);  // then SIGKILL after this
    /// React to signals that arrive (see interrupts.hpp) once interrupts::count()
    /// exceeds this: forward each to the group, then SIGKILL after the grace.
    /// -1: do not react.
    int interrupts_seen = -1;
    /// Descriptors of ours the child keeps, at the same numbers (FD_CLOEXEC is cleared
    /// in the child only): e.g. the run's lock, so that it is held while the task lives.
    /// Every other descriptor above 2 is closed in the child, even one that code not
    /// ours opened without O_CLOEXEC (an accepted socket, say).
    std::vector<int> inherit_fds;
    /// The task with capture or held output (man page, SPEC: capture, quietUnlessFailed):
    /// a stream given a descriptor here runs through a pipe, and what the child writes is
    /// written on, unchanged and in order, to that descriptor of ours (1 for our own
    /// stdout), its tail kept in `output`'s. -1: the stream is inherited as is.
    /// Ignored when capture_output is true.
    int forward_stdout = -1;
    int forward_stderr = -1;
    /// Without capture_output: the child's stdout is this descriptor (an output file) unless
    /// forward_stdout sends it through us; -1: inherited.
    int stdout_fd = -1;
};

/// Where captured output goes: an interleaved tail of both streams (what a terminal
/// would have shown last), and a tail of each stream alone, so that neither can push
/// the other's last words out.
struct CapturedOutput {
    OutputTail combined{8192};
    OutputTail stdout_only{4096};
    OutputTail stderr_only{4096};
};

enum class SpawnFailure { NotFound, NotExecutable, Other };

struct SpawnError {
    SpawnFailure kind = SpawnFailure::Other;
    std::string message;  // "failed to start restic: No such file or directory"
};

/// What a shell would exit with: 127 not found, 126 not executable, else 125.
int shell_exit_code(SpawnFailure failure);

struct ProcessResult {
    std::optional<int> exit_code;  // set when the process exited
    std::optional<int> signal;     // set when a signal killed it
    bool timed_out = false;        // the timeout passed and the group was stopped
    int interrupted_by = 0;        // the signal forwarded to the group, if one was
    Duration duration{0};
};

/// Runs `request` to completion. Guarantees: the child runs in a new process group
/// with default signal dispositions and an empty signal mask; none of our file
/// descriptors leak into it except 0-2 and `inherit_fds`; when this returns, the child is reaped
/// and every process left in its group has been sent SIGKILL.
expected<ProcessResult, SpawnError> run_process(const SpawnRequest& request,
                                                CapturedOutput* output = nullptr);

/// How a pipeline's stages ended (each stage's exit code or signal); timed_out and
/// interrupted_by are the whole pipeline's, and set on every stage too.
struct PipelineResult {
    std::vector<ProcessResult> stages;
    bool timed_out = false;
    int interrupted_by = 0;
    Duration duration{0};
};

/// Runs `stages` connected by pipes, each one's stdout the next one's stdin, all in one new
/// process group (the first stage leads it), so a timeout or a forwarded signal reaches every
/// stage; `request` gives the rest (its argv is unused; its stdout_fd is the last stage's
/// stdout; no job control). Returns when every stage has ended and has been reaped, and the
/// group has been sent SIGKILL. A stage that cannot start ends the others (SIGKILL).
expected<PipelineResult, SpawnError> run_pipeline(
    const std::vector<std::vector<std::string>>& stages, const SpawnRequest& request);

/// How the process ended, as the one line hooks and the task report: "interrupted by
/// SIGTERM" (a signal we forwarded), "timed out after 5s" (`timeout`), "killed by
/// SIGKILL", "exit code 3"; empty when it exited with 0.
std::string describe_end(const ProcessResult& result, Duration timeout);

/// "SIGTERM" for 15, "signal 99" for unknown numbers.
std::string signal_name(int signal);

/// The environment of this process, as "NAME=value" entries, with `overrides` applied.
std::vector<std::string> make_environment(
    const std::vector<std::pair<std::string, std::string>>& overrides);

}  // namespace stash_hook

#pragma once
// `stash-hook serve`: the sidecar model. A long-running process that runs sessions
// (the same engine as `run`) on a cron schedule or on demand over HTTP, reports them,
// and keeps going whatever they do.

#include <string>
#include <vector>

#include "util/duration.hpp"

namespace stash_hook {

struct ServeOptions {
    std::string spec_path;                  // as given to -f; empty: the default
    std::string listen = "127.0.0.1:9142";  // HOST:PORT; port 0 picks a free one
    std::string token;      // bearer token (else $STASH_HOOK_TOKEN); required off loopback
    std::string port_file;  // write the bound port here once listening
    /// Test only: the daemon's clock starts now and advances this much per 100 ms
    /// tick, so a schedule can be observed quickly. Zero: the real clock.
    Duration fake_clock_step{0};
    std::vector<std::string> command;        // the task after --, overriding the spec's
    std::string container_runtime, pod, ns;  // --container-runtime, --pod, --namespace
    std::string selector;                    // --selector
};

/// `stash-hook serve`, its command function (command/command.hpp): runs the daemon
/// until SIGTERM or SIGINT (after the running session, if any, has
/// run its post hooks). Returns the exit code: 0 then, 125 for bad options or a spec
/// that does not load at start.
int serve_sessions(const ServeOptions& options);

}  // namespace stash_hook

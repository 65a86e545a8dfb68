#pragma once
// The four hook actions. Each runs one attempt and says whether it succeeded;
// retries, policies and the session's phase are the session layer's business.

#include <optional>
#include <string>
#include <vector>

#include "spec/spec.hpp"
#include "util/duration.hpp"

namespace stash_hook {

struct ActionContext {
    Duration timeout = kDefaultHookTimeout;
    std::vector<std::string> env;  // exec: the complete environment
    /// Stop early when interrupts::count() exceeds this (a signal arrived); -1: never.
    int interrupts_seen = -1;
    /// httpPost sends the hook's own headers only, as Stash's prober does for a Stash or
    /// KubeStash manifest: no Content-Type unless httpHeaders names one (man page, STASH
    /// MANIFESTS).
    bool stash_headers = false;
};

struct ActionOutcome {
    bool succeeded = false;
    std::string error;               // why it failed, one line: "HTTP status 503"
    std::optional<int> exit_code;    // exec
    std::optional<int> status_code;  // httpGet, httpPost: the last response's status
    std::string output;              // exec: tail of stdout and stderr, interleaved
    std::string stdout_tail;         // exec: tail of stdout alone
    std::string stderr_tail;         // exec: tail of stderr alone
};

ActionOutcome run_exec_action(const ExecAction& exec, const ActionContext& context);
ActionOutcome run_http_action(const HttpAction& http, const ActionContext& context);
ActionOutcome run_tcp_action(const TcpAction& tcp, const ActionContext& context);

/// Dispatches on the action's type.
ActionOutcome run_action(const Action& action, const ActionContext& context);

}  // namespace stash_hook

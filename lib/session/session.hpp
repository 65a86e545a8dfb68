#pragma once
// A session: pre hooks, the task, post hooks (man page, SESSION), and its outcome.

#include <functional>
#include <string>
#include <vector>

#include "actions/action.hpp"
#include "session/session_result.hpp"
#include "spec/spec.hpp"

namespace stash_hook {

/// One attempt of a hook, as the session hands it to its action runner: the hook, the
/// batch member it belongs to (nullptr: the session's own), the action rendered and
/// wrapped for its container, and the attempt's context.
struct HookCall {
    const Hook& hook;
    const Member* member;
    const Action& action;
    const ActionContext& context;
};

/// Runs one hook attempt; the default is the real run_action. Unit tests give fake
/// actions here to drive the session engine.
using ActionRunner = std::function<ActionOutcome(const HookCall&)>;

struct SessionOptions {
    /// Give the terminal to the task when we hold it (interactive runs).
    bool take_terminal = true;
    /// Grace between SIGTERM and SIGKILL when a task or hook times out.
    Duration kill_grace = std::chrono::seconds(3);
    /// The session's name; empty: made from the spec's name and the time.
    std::string session_name;
    /// Descriptors every task inherits (the run's lock, so a task left running by a
    /// killed stash-hook keeps the next run out until it ends).
    std::vector<int> inherit_fds;
    /// What runs each hook attempt; empty: run_action.
    ActionRunner run_action;
};

/// Runs one session of `spec` (whose kind, command, timeout and statusFile already
/// include the command line's overrides). Writes the status file at start and end.
/// Never throws for hook or task failures: they are in the result.
SessionResult run_session(const Spec& spec, const SessionOptions& options = {});

/// Runs one stage's hooks alone (`stash-hook hook STAGE`): the spec's (in a batch, the
/// global ones), or `member`'s when given. Pre stages stop at the first failure; post
/// stages filter by executionPolicy against `phase_so_far`. Returns the hooks'
/// results; `failed` tells whether the stage failed.
std::vector<HookResult> run_stage(const Spec& spec, Stage stage, Phase phase_so_far,
                                  const std::string& session_name, const Member* member,
                                  bool& failed);

/// Whether a post hook with `policy` runs when the session so far is `phase`;
/// `final_attempt` is false while session retries are left (OnFinalRetryFailure).
bool policy_allows(ExecutionPolicy policy, Phase phase, bool final_attempt);

}  // namespace stash_hook

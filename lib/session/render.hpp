#pragma once
// `stash-hook render`: what each templated string of a spec renders to for a given
// outcome, with secrets masked, sending and running nothing (man page, RENDER).

#include <optional>
#include <string>
#include <vector>

#include "session/session_result.hpp"
#include "spec/spec.hpp"
#include "util/duration.hpp"

namespace stash_hook {

/// The session the templates are rendered for: post hooks see `phase` and what goes with
/// it; pre hooks see phase Running. Unset fields take plausible values for the phase.
struct RenderOptions {
    Phase phase = Phase::Succeeded;    // Succeeded, Failed or Skipped
    std::optional<Stage> stage;        // only this stage's hooks
    std::optional<int> exit_code;      // the task's; Failed: 1 unless given, else 0
    std::optional<std::string> error;  // .Status.Error for Failed ("backup command failed: ...")
    std::string output;                // .Task.Output (and .Task.Stdout)
    std::optional<Duration> duration;  // .Status.Duration in post hooks; 0s unless given
};

struct RenderReport {
    std::string text;  // one block per hook, in plan's order and numbering; redacted
    /// The strings that failed to render, one line each: "failed to render the template in WHERE of
    /// STAGE hook \"NAME\": ...".
    std::vector<std::string> errors;
};

/// Renders every templated string of every hook of `spec` (call register_secrets(spec)
/// first). Runs no action and sends nothing; the values of secrets are masked as run masks
/// them in its logs.
RenderReport render_spec(const Spec& spec, const RenderOptions& options);

}  // namespace stash_hook

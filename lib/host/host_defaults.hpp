#pragma once
// What the host gives a run: the status and metrics folders from the environment
// ($STASH_HOOK_STATUS_DIR, $STASH_HOOK_METRICS_DIR; man page, ENVIRONMENT).

#include "spec/spec.hpp"

namespace stash_hook {

/// A spec without statusFile (and no --status-file) writes $STASH_HOOK_STATUS_DIR/NAME.json,
/// one without metricsFile $STASH_HOOK_METRICS_DIR/NAME.prom, NAME being the spec's name.
/// Call after the command line's overrides.
void apply_host_defaults(Spec& spec);

}  // namespace stash_hook

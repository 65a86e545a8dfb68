#pragma once
// What the host gives a run: the status and metrics folders from the environment
// ($STASH_HOOK_STATUS_DIR, $STASH_HOOK_METRICS_DIR; man page, ENVIRONMENT), and the
// spec's nice and ionice.

#include "spec/spec.hpp"

namespace stash_hook {

/// A spec without statusFile (and no --status-file) writes $STASH_HOOK_STATUS_DIR/NAME.json,
/// one without metricsFile $STASH_HOOK_METRICS_DIR/NAME.prom, NAME being the spec's name.
/// Call after the command line's overrides.
void apply_host_defaults(Spec& spec);

/// Sets the calling thread's niceness and I/O class from the spec's nice and ionice,
/// which every thread and process started after inherits; a refusal (a negative
/// nice without CAP_SYS_NICE) is a warning, and the run goes on.
void apply_run_priority(const Spec& spec);

}  // namespace stash_hook

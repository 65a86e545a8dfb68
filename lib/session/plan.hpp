#pragma once
// `stash-hook plan`: what a session of a spec would run, in order, under which outcome.

#include <string>

#include "spec/spec.hpp"

namespace stash_hook {

/// A human-readable plan, one line per step, ending in a newline; with `colour`,
/// ANSI colours set off the session, the stages and the conditions. Redacted like
/// the logs: call register_secrets(spec) first.
std::string describe_plan(const Spec& spec, bool colour = false);

/// "schedule \"0 3 * * *\" (serve), next runs: <3 times> (Europe/Berlin)", for plan and validate.
std::string schedule_line(const Spec& spec);

}  // namespace stash_hook

#pragma once
// `stash-hook plan`: what a session of a spec would run, in order, under which outcome.

#include <string>

#include "spec/spec.hpp"

namespace stash_hook {

/// A human-readable plan, one line per step, ending in a newline.
std::string describe_plan(const Spec& spec);

}  // namespace stash_hook

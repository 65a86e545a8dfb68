#pragma once
// `stash-hook plan`: what a session of a spec would run, in order, under which outcome.

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "spec/spec.hpp"

namespace stash_hook {

/// One step a session of the spec runs, in the order it runs them (a batch's members
/// listed one after another; with parallelism above 1 their steps interleave).
struct PlanStep {
    const Member* member = nullptr;    // a batch member's step; nullptr: the session's own
    const Hook* hook = nullptr;        // nullptr: the task
    std::vector<std::string> command;  // the task's command
    std::optional<Duration> timeout;   // the task's timeout
};

/// The steps of one attempt, as data: what describe_plan prints and what run runs.
std::vector<PlanStep> plan_steps(const Spec& spec);

/// Walks plan_steps(spec) as plan numbers them (render prints the same numbers): writes on
/// `out` the lines that open a batch's members ("2. members, 2 at a time:") and each member
/// ("   member db:", its name in bold with `colour`), and calls `step(step, number, indent)`
/// for each step, `indent` the spaces its lines start with (a member's steps are numbered
/// from 1, and the session's go on after the members).
void walk_plan(const Spec& spec, std::ostream& out, bool colour,
               const std::function<void(const PlanStep&, int, const std::string&)>& step);

/// A human-readable plan, one line per step, ending in a newline; with `colour`,
/// ANSI colours set off the session, the stages and the conditions. Redacted like
/// the logs: call register_secrets(spec) first.
std::string describe_plan(const Spec& spec, bool colour = false);

/// "schedule \"0 3 * * *\" (serve), next runs: <3 times> (Europe/Berlin)", for plan and validate.
std::string schedule_line(const Spec& spec);

}  // namespace stash_hook

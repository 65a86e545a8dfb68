#include "command/command.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "host/host_defaults.hpp"
#include "net/http_backend.hpp"
#include "process/interrupts.hpp"
#include "process/orphans.hpp"
#include "session/plan.hpp"
#include "session/session.hpp"
#include "spec/hook_template.hpp"
#include "spec/runnable.hpp"
#include "spec/spec_loader.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/lock_file.hpp"
#include "util/log_context.hpp"

namespace stash_hook {

CommandScope::CommandScope(bool hangup_interrupts) {
    interrupts::install(hangup_interrupts);
    orphans::become_subreaper();
}

CommandScope::~CommandScope() { sweep(); }

void CommandScope::sweep(const std::string& when) {
    if (const int stray = orphans::kill_all_children(); stray > 0)
        spdlog::warn("killed {} leftover process{} started {}", stray, stray == 1 ? "" : "es",
                     when);
}

Spec load_spec_with(const std::string& path, const Overrides& overrides) {
    Spec spec = load_spec_or_throw(default_spec_path(path));
    if (overrides.kind) spec.kind = *overrides.kind;
    if (!overrides.command.empty()) spec.command = overrides.command;
    if (!overrides.status_file.empty()) spec.status_file = overrides.status_file;
    if (!overrides.metrics_file.empty()) spec.metrics_file = overrides.metrics_file;
    apply_host_defaults(spec);  // $STASH_HOOK_STATUS_DIR, $STASH_HOOK_METRICS_DIR
    if (overrides.timeout) spec.timeout = *overrides.timeout;
    if (overrides.container_runtime) spec.container_runtime = *overrides.container_runtime;
    apply_container_flags(spec, "", overrides.pod, overrides.ns, overrides.selector);
    if (!overrides.lock.empty()) spec.lock = overrides.lock;
    if (overrides.lock_wait) spec.lock_wait = *overrides.lock_wait;
    if (overrides.capture) spec.capture.stderr_tail = true;
    if (overrides.quiet_unless_failed) spec.quiet_unless_failed = true;
    if (overrides.strict_warnings) spec.strict_warnings = true;
    if (!overrides.output.empty()) spec.output = overrides.output;
    select_members_or_throw(spec, overrides.members);
    return spec;
}

Spec load_runnable_spec(const std::string& path, const Overrides& overrides) {
    Spec spec = load_spec_with(path, overrides);
    register_secrets(spec);  // before any message can name one
    check_runnable_or_throw(spec);
    if (spec.uses_http()) net::http_backend();  // loaded before anything runs, or exit 125
    return spec;
}

bool stdout_wants_colour() {
    const char* no_colour = std::getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && (no_colour == nullptr || *no_colour == '\0');
}

int run_command(const RunSettings& settings) {
    CommandScope scope;  // before any thread starts
    if (settings.dry_run) {
        const Spec spec = load_spec_with(settings.spec_path, settings.overrides);
        register_secrets(spec);  // the plan is redacted too
        std::cout << describe_plan(spec, stdout_wants_colour());
        return 0;
    }
    const Spec spec = load_runnable_spec(settings.spec_path, settings.overrides);
    apply_run_priority(spec);  // nice, ionice: inherited by every hook and the task
    std::optional<LockFile> lock;
    if (!spec.lock.empty()) {
        interrupts::Watch signals(0);  // any signal so far or while waiting ends the wait
        auto taken = LockFile::acquire(spec.lock, spec.lock_wait, [&signals](Duration step) {
            return !signals.fired() && signals.sleep_for(step);
        });
        if (!taken) {
            if (interrupts::count() > 0)
                return decide_exit_code({.interrupted_by = interrupts::first_signal()});
            throw Error(taken.error().message, taken.error().held ? kExitLocked : kExitUsage);
        }
        lock.emplace(std::move(*taken));
    }
    SessionOptions session_options;
    if (lock) session_options.inherit_fds.push_back(lock->fd());  // the task holds the lock too
    const SessionResult result = run_session(spec, session_options);
    scope.sweep();
    log_context::Fields fields;  // the closing line's fields in JSON logs
    fields.session = result.name;
    fields.phase = result.exit_code == 0 ? to_string(result.phase) : "Failed";
    fields.duration_seconds = std::chrono::duration<double>(result.duration).count();
    fields.exit_code = result.exit_code;
    log_context::Scope log_scope(fields);
    spdlog::log(result.phase != Phase::Failed && result.exit_code == 0 ? spdlog::level::info
                                                                       : spdlog::level::err,
                "{}", session_summary(result));
    return result.exit_code;
}

int hook_command(const HookSettings& settings) {
    CommandScope scope;
    Overrides overrides = settings.container;
    overrides.kind = settings.stage == Stage::PreRestore || settings.stage == Stage::PostRestore
                         ? Kind::Restore
                         : Kind::Backup;
    if (!settings.member.empty()) overrides.members = {settings.member};
    const Spec spec = load_spec_with(settings.spec_path, overrides);
    const Member* member = settings.member.empty() ? nullptr : &spec.members.front();
    if ((member ? member->hooks_for(settings.stage) : spec.hooks_for(settings.stage)).empty())
        spdlog::warn("{} has no {} hooks", member ? "member " + member->name : "the spec",
                     to_string(settings.stage));
    register_secrets(spec);
    apply_run_priority(spec);  // as run does: the hooks inherit it
    bool failed = false;
    run_stage(spec, settings.stage, settings.phase,
              make_session_name(spec.name, std::chrono::system_clock::now()), member, failed);
    scope.sweep();
    return decide_exit_code(
        {.interrupted_by = interrupts::count() > 0 ? interrupts::first_signal() : 0,
         .pre_hook_failed = failed && is_pre(settings.stage),
         .post_hook_failed = failed && !is_pre(settings.stage)});
}

int validate_command(const std::string& spec_path, const Overrides& overrides) {
    const std::string file = default_spec_path(spec_path);
    auto result = load_spec_file(file);
    for (const auto& p : result.problems) std::cerr << p.str() << "\n";
    if (!result.spec) return 1;
    // What run would refuse for the same flags (man page, COMMANDS: validate).
    if (overrides.container_runtime) result.spec->container_runtime = *overrides.container_runtime;
    apply_container_flags(*result.spec, "", overrides.pod, overrides.ns, overrides.selector);
    const auto container = container_problems(*result.spec);
    for (const auto& p : container) std::cerr << p << "\n";
    if (!container.empty()) return 1;
    for (const auto& w : template_warnings(*result.spec)) std::cerr << w << "\n";
    size_t hooks = 0;
    for (const auto& [stage, list] : result.spec->hooks) hooks += list.size();
    for (const auto& m : result.spec->members)
        for (const auto& [stage, list] : m.hooks) hooks += list.size();
    std::string shown = file;  // several -f: a path a line
    std::replace(shown.begin(), shown.end(), '\n', ' ');
    std::cout << shown << ": valid (" << to_string(result.spec->kind) << ", " << hooks
              << (hooks == 1 ? " hook" : " hooks");
    if (result.spec->is_batch()) std::cout << ", " << result.spec->members.size() << " members";
    std::cout << ")\n";
    if (!result.spec->schedule.empty()) std::cout << schedule_line(*result.spec) << "\n";
    return 0;
}

int plan_command(const std::string& spec_path, const Overrides& overrides) {
    const Spec spec = load_spec_with(spec_path, overrides);
    register_secrets(spec);
    std::cout << describe_plan(spec, stdout_wants_colour());
    return 0;
}

}  // namespace stash_hook

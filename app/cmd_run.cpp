// stash-hook run: one session (pre hooks, task, post hooks).

#include <spdlog/spdlog.h>

#include <iostream>

#include "commands.hpp"
#include "session/plan.hpp"
#include "session/session.hpp"
#include "net/http_backend.hpp"
#include "process/interrupts.hpp"
#include "process/orphans.hpp"
#include "spec/run_checks.hpp"
#include "util/lock_file.hpp"
#include "spec/spec_loader.hpp"
#include "util/error.hpp"

namespace stash_hook::app {
namespace {

struct RunOptions {
    std::string spec_path;
    std::string kind;
    std::string status_file;
    std::string timeout;
    bool dry_run = false;
    std::vector<std::string> members;
    ContainerFlags container;
    std::string lock;
    std::string lock_wait;
    std::string metrics_file;
    std::vector<std::string> command;
};

std::string session_summary(const SessionResult& r) {
    std::string s = "session " + r.name + " " + to_string(r.phase) + " in " +
                    format_duration_ms(r.duration) + ", exit code " + std::to_string(r.exit_code);
    auto first_failed_hook = [](const std::vector<HookResult>& hooks, const std::string& scope) -> std::string {
        for (const auto& h : hooks)
            if (h.phase == Phase::Failed && !h.continued)
                return "; first failed hook: " + scope + to_string(h.stage) + " \"" + h.name + "\" (" + h.error + ")";
        return "";
    };
    std::string hook = first_failed_hook(r.hooks, r.members.empty() ? "" : "global ");
    for (const auto& m : r.members) {
        if (hook.empty()) hook = first_failed_hook(m.hooks, "member " + m.name + " ");
        if (m.task.phase == Phase::Failed) s += "; member " + m.name + " task: " + m.task.error;
    }
    s += hook;
    if (r.task.phase == Phase::Failed) s += "; task: " + r.task.error;
    if (r.attempts.size() > 1) s += "; after " + std::to_string(r.attempts.size()) + " attempts";
    return s;
}

int run(const RunOptions& options) {
    // Before any thread starts: signals are collected, not delivered (interrupts.hpp),
    // and orphaned grandchildren come to us to be reaped.
    interrupts::install();
    orphans::become_subreaper();
    Spec spec = load_spec_or_throw(default_spec_path(options.spec_path));
    if (auto kind = kind_from_string(options.kind)) spec.kind = *kind;
    if (!options.command.empty()) spec.command = options.command;
    if (!options.status_file.empty()) spec.status_file = options.status_file;
    if (!options.metrics_file.empty()) spec.metrics_file = options.metrics_file;
    if (!options.timeout.empty()) {
        auto d = parse_duration(options.timeout);
        if (!d) throw Error("invalid --timeout: " + d.error() + " (write e.g. 30s, 1m30s, 2h)");
        if (d->count() <= 0) throw Error("invalid --timeout: it must be more than zero");
        spec.timeout = *d;
    }
    apply_container_flags(spec, options.container.runtime, options.container.pod, options.container.ns);
    select_members_or_throw(spec, options.members);
    register_secrets(spec);  // the plan is redacted too
    if (options.dry_run) {
        std::cout << describe_plan(spec, stdout_wants_colour());
        return 0;
    }
    check_runnable_or_throw(spec);
    if (spec.uses_http()) net::http_backend();  // loaded before anything runs, or exit 125
    if (!options.lock.empty()) spec.lock = options.lock;
    if (!options.lock_wait.empty()) {
        auto d = parse_duration(options.lock_wait);
        if (!d || d->count() < 0) throw Error("invalid --lock-wait: " + (d ? "it must not be negative" : d.error()));
        spec.lock_wait = *d;
    }
    std::optional<LockFile> lock;
    if (!spec.lock.empty()) {
        auto taken = LockFile::acquire(spec.lock, spec.lock_wait, [] { return interrupts::count() == 0; });
        if (!taken) {
            if (interrupts::count() > 0) return 128 + interrupts::first_signal();
            throw Error(taken.error().message, taken.error().held ? kExitLocked : kExitUsage);
        }
        lock.emplace(std::move(*taken));
    }

    SessionOptions session_options;
    if (lock) session_options.inherit_fds.push_back(lock->fd());  // the task holds the lock too
    const SessionResult result = run_session(spec, session_options);
    if (const int stray = orphans::kill_all_children(); stray > 0)
        spdlog::warn("killed {} leftover process{} started during the session", stray, stray == 1 ? "" : "es");
    if (result.phase == Phase::Succeeded)
        spdlog::info("{}", session_summary(result));
    else
        spdlog::error("{}", session_summary(result));
    return result.exit_code;
}

}  // namespace

void add_spec_option(CLI::App& command, std::string& path) {
    command.add_option("-f,--spec", path,
                       "Spec file ('-' for stdin); default $STASH_HOOK_SPEC, else ./stash-hook.yaml");
}

void add_container_options(CLI::App& command, ContainerFlags& flags) {
    command.add_option("--container-runtime", flags.runtime, "Runtime for hooks with containerName (overrides the spec)")
        ->check(CLI::IsMember({"docker", "podman", "kubectl"}));
    command.add_option("--pod", flags.pod, "kubectl: the pod (or TYPE/NAME) hooks with containerName run in");
    command.add_option("--namespace", flags.ns, "kubectl: the namespace (overrides the spec's)");
}

void register_run(CLI::App& app, Action& action) {
    auto options = std::make_shared<RunOptions>();
    CLI::App* cmd = app.add_subcommand("run", "Run one session: pre hooks, the task, post hooks");
    cmd->footer("Example:\n  stash-hook run -f hooks.yaml --status-file /var/lib/stash-hook/db.json "
                "-- restic backup /data");
    add_spec_option(*cmd, options->spec_path);
    cmd->add_option("--kind", options->kind, "backup or restore (overrides the spec's kind)")
        ->check(CLI::IsMember({"backup", "restore"}));
    cmd->add_option("--status-file", options->status_file, "Write the session's status JSON here");
    cmd->add_option("--metrics-file", options->metrics_file,
                    "Write Prometheus metrics here (node_exporter textfile collector)");
    cmd->add_option("--timeout", options->timeout, "The task's timeout (Go duration: 30s, 1m30s, 2h)");
    cmd->add_option("--member", options->members, "Run only this batch member (repeatable)");
    add_container_options(*cmd, options->container);
    cmd->add_option("--lock", options->lock, "Hold an exclusive lock on FILE for the run; another run exits 122");
    cmd->add_option("--lock-wait", options->lock_wait, "Wait this long for the lock before giving up (Go duration)");
    cmd->add_flag("--dry-run", options->dry_run, "Print the plan and run nothing (same as plan)");
    cmd->add_option("command", options->command, "The task, after --; overrides the spec's command");
    cmd->callback([options, &action] { action = [options] { return run(*options); }; });
}

}  // namespace stash_hook::app

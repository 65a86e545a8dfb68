// stash-hook run: one session (pre hooks, the task, post hooks).

#include "command/command.hpp"
#include "commands.hpp"

namespace stash_hook::app {

void add_spec_option(CLI::App& command, std::string& path) {
    // Several -f reach the loader as one value, a path a line (spec_loader.cpp).
    command
        .add_option_function<std::vector<std::string>>(
            "-f,--spec",
            [&path](const std::vector<std::string>& paths) {
                path.clear();
                for (const auto& p : paths) path += (path.empty() ? "" : "\n") + p;
            },
            "Spec file ('-' for stdin); default $STASH_HOOK_SPEC, else ./stash-hook.yaml; "
            "several: a KubeStash manifest and its HookTemplates")
        ->type_name("FILE")
        ->allow_extra_args(false);
}

CLI::Option* add_duration_option(CLI::App& command, const std::string& name,
                                 std::optional<Duration>& out, const std::string& help,
                                 DurationRule rule) {
    return command
        .add_option_function<std::string>(
            name,
            [&out, name, rule](const std::string& text) {
                auto d = parse_duration(text);
                if (!d) throw CLI::ValidationError("invalid " + name + ": " + d.error());
                if (rule == DurationRule::Positive && d->count() <= 0)
                    throw CLI::ValidationError("invalid " + name + ": it must be more than zero");
                if (rule == DurationRule::NotNegative && d->count() < 0)
                    throw CLI::ValidationError("invalid " + name + ": it must not be negative");
                out = *d;
            },
            help)
        ->type_name("DURATION");
}

void add_container_options(CLI::App& command, ContainerFlags& flags) {
    command
        .add_option("--container-runtime", flags.runtime,
                    "Runtime for hooks with containerName (overrides the spec)")
        ->check(CLI::IsMember({"docker", "podman", "kubectl"}))
        ->type_name("RUNTIME");
    command
        .add_option("--pod", flags.pod,
                    "kubectl: the pod (or TYPE/NAME) hooks with containerName run in")
        ->type_name("POD");
    command.add_option("--namespace", flags.ns, "kubectl: the namespace (overrides the spec's)")
        ->type_name("NAMESPACE");
    command
        .add_option("-l,--selector", flags.selector,
                    "kubectl: labels picking the pod hooks with containerName run in (the first)")
        ->type_name("LABELS");
}

void apply_container_flags(Overrides& overrides, const ContainerFlags& flags) {
    overrides.container_runtime = container_runtime_from_string(flags.runtime);
    overrides.pod = flags.pod;
    overrides.ns = flags.ns;
    overrides.selector = flags.selector;
}

void register_run(CLI::App& app, Invocation& chosen) {
    auto settings = std::make_shared<RunSettings>();
    auto kind = std::make_shared<std::string>();
    auto container = std::make_shared<ContainerFlags>();
    Overrides& o = settings->overrides;
    CLI::App* cmd = app.add_subcommand("run", "Run one session: pre hooks, the task, post hooks");
    cmd->footer(
        "Example:\n  stash-hook run -f hooks.yaml --status-file /var/lib/stash-hook/db.json "
        "-- restic backup /data");
    add_spec_option(*cmd, settings->spec_path);
    cmd->add_option("--kind", *kind, "backup or restore (overrides the spec's kind)")
        ->check(CLI::IsMember({"backup", "restore"}))
        ->type_name("KIND");
    cmd->add_option("--status-file", o.status_file, "Write the session's status JSON here")
        ->type_name("FILE");
    cmd->add_option("--metrics-file", o.metrics_file,
                    "Write Prometheus metrics here (node_exporter textfile collector)")
        ->type_name("FILE");
    add_duration_option(*cmd, "--timeout", o.timeout,
                        "The task's timeout (Go duration: 30s, 1m30s, 2h)", DurationRule::Positive);
    cmd->add_option("--member", o.members, "Run only this batch member (repeatable)")
        ->type_name("NAME");
    add_container_options(*cmd, *container);
    cmd->add_option("--lock", o.lock,
                    "Hold an exclusive lock on FILE for the run; another run exits 122")
        ->type_name("FILE");
    add_duration_option(*cmd, "--lock-wait", o.lock_wait,
                        "Wait this long for the lock before giving up (Go duration)",
                        DurationRule::NotNegative);
    cmd->add_flag("--capture", o.capture,
                  "Keep a tail of the task's stderr for templates, the status and the log");
    cmd->add_flag("--quiet-unless-failed", o.quiet_unless_failed,
                  "Hold the task's output; print it only if the session fails (for cron)");
    cmd->add_option("--output", o.output,
                    "Write the task's stdout to FILE, replaced atomically only on success")
        ->type_name("FILE");
    cmd->add_flag("--strict-warnings", o.strict_warnings,
                  "A warning exit code of the task fails the session with that code");
    cmd->add_flag("--dry-run", settings->dry_run, "Print the plan and run nothing (same as plan)");
    cmd->add_option("command", o.command, "The task, after --; overrides the spec's command")
        ->type_name("COMMAND");
    cmd->callback([settings, kind, container, &chosen] {
        settings->overrides.kind = kind_from_string(*kind);
        apply_container_flags(settings->overrides, *container);
        chosen = [settings] { return run_command(*settings); };
    });
}

}  // namespace stash_hook::app

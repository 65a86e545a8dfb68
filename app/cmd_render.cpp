// stash-hook render: what each hook's templates render to for a phase; sends and runs nothing.

#include "command/command.hpp"
#include "commands.hpp"

namespace stash_hook::app {

void register_render(CLI::App& app, Invocation& chosen) {
    struct Options {
        RenderSettings settings;
        std::string kind;
        std::string phase = "Succeeded";
        std::string stage;
        ContainerFlags container;
    };
    auto options = std::make_shared<Options>();
    RenderOptions& r = options->settings.options;
    Overrides& o = options->settings.overrides;
    CLI::App* cmd = app.add_subcommand(
        "render", "Print what each hook's templates render to, secrets masked; send nothing");
    cmd->footer(
        "Exit status: 0, or 1 when a template failed to render (each on stderr), 125 for an "
        "invalid spec.\nExample:\n  stash-hook render -f hooks.yaml --phase Failed");
    add_spec_option(*cmd, options->settings.spec_path);
    cmd->add_option("--phase", options->phase, "The session's phase that post hooks see")
        ->check(CLI::IsMember({"Succeeded", "Failed", "Skipped"}))
        ->type_name("PHASE");
    cmd->add_option("--stage", options->stage, "Only this stage's hooks")
        ->check(CLI::IsMember({"preBackup", "postBackup", "preRestore", "postRestore"}))
        ->type_name("STAGE");
    cmd->add_option("--exit-code", r.exit_code,
                    "The task's exit code post hooks see (Failed: 1, else 0)")
        ->check(CLI::Range(0, 255))
        ->type_name("CODE");
    cmd->add_option("--error", r.error,
                    "The error post hooks see when Failed (default: the task's exit code)")
        ->type_name("TEXT");
    cmd->add_option("--output", r.output, "The task's captured output (.Task.Output)")
        ->type_name("TEXT");
    add_duration_option(*cmd, "--duration", r.duration,
                        "How long the session took, for post hooks (Go duration)",
                        DurationRule::NotNegative);
    cmd->add_option("--kind", options->kind, "backup or restore (overrides the spec's kind)")
        ->check(CLI::IsMember({"backup", "restore"}))
        ->type_name("KIND");
    cmd->add_option("--member", o.members, "Only this batch member (repeatable)")
        ->type_name("NAME");
    add_container_options(*cmd, options->container);
    cmd->add_option("command", o.command, "The task, after --; overrides the spec's command")
        ->type_name("COMMAND");
    cmd->callback([options, &chosen] {
        RenderSettings& s = options->settings;
        s.overrides.kind = kind_from_string(options->kind);
        apply_container_flags(s.overrides, options->container);
        s.options.phase = options->phase == "Failed"    ? Phase::Failed
                          : options->phase == "Skipped" ? Phase::Skipped
                                                        : Phase::Succeeded;
        s.options.stage = stage_from_string(options->stage);
        chosen = [options] { return render_command(options->settings); };
    });
}

}  // namespace stash_hook::app

// stash-hook hook STAGE: run one stage's hooks alone, e.g. to test a notification.

#include "command/command.hpp"
#include "commands.hpp"

namespace stash_hook::app {

void register_hook(CLI::App& app, Invocation& chosen) {
    struct Options {
        HookSettings settings;
        std::string stage;
        std::string phase = "Succeeded";
        ContainerFlags container;
    };
    auto options = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("hook", "Run one stage's hooks alone");
    cmd->footer(
        "Exit status: 0 when every hook succeeded, 120 when a pre hook failed, 121 when a "
        "post hook failed.\nExample:\n  stash-hook hook -f hooks.yaml postBackup --phase Failed");
    add_spec_option(*cmd, options->settings.spec_path);
    cmd->add_option("stage", options->stage, "preBackup, postBackup, preRestore or postRestore")
        ->required()
        ->check(CLI::IsMember({"preBackup", "postBackup", "preRestore", "postRestore"}))
        ->type_name("STAGE");
    cmd->add_option("--phase", options->phase,
                    "Session phase that post hooks' executionPolicy is checked against")
        ->check(CLI::IsMember({"Succeeded", "Failed"}))
        ->type_name("PHASE");
    cmd->add_option("--member", options->settings.member,
                    "Run this batch member's hooks instead of the global ones")
        ->type_name("NAME");
    add_container_options(*cmd, options->container);
    cmd->callback([options, &chosen] {
        HookSettings& s = options->settings;
        s.stage = *stage_from_string(options->stage);  // checked above
        s.phase = options->phase == "Failed" ? Phase::Failed : Phase::Succeeded;
        apply_container_flags(s.container, options->container);
        chosen = [options] { return hook_command(options->settings); };
    });
}

}  // namespace stash_hook::app

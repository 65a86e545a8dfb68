// stash-hook validate: load and check a spec; run nothing.

#include "command/command.hpp"
#include "commands.hpp"

namespace stash_hook::app {

void register_validate(CLI::App& app, Invocation& chosen) {
    struct Options {
        std::string path;
        ContainerFlags container;
    };
    auto options = std::make_shared<Options>();
    CLI::App* cmd =
        app.add_subcommand("validate", "Check a spec and print each problem; run nothing");
    cmd->footer("Exit status: 0 valid, 1 invalid.\nExample:\n  stash-hook validate -f hooks.yaml");
    add_spec_option(*cmd, options->path);
    add_container_options(*cmd, options->container);
    cmd->callback([options, &chosen] {
        chosen = [options] {
            Overrides overrides;
            apply_container_flags(overrides, options->container);
            return validate_command(options->path, overrides);
        };
    });
}

}  // namespace stash_hook::app

// stash-hook validate: load and check a spec; run nothing.

#include "command/command.hpp"
#include "commands.hpp"

namespace stash_hook::app {

void register_validate(CLI::App& app, Invocation& chosen) {
    auto path = std::make_shared<std::string>();
    CLI::App* cmd = app.add_subcommand("validate", "Check a spec and print each problem; run nothing");
    cmd->footer("Exit status: 0 valid, 1 invalid.\nExample:\n  stash-hook validate -f hooks.yaml");
    add_spec_option(*cmd, *path);
    cmd->callback([path, &chosen] { chosen = [path] { return validate_command(*path); }; });
}

}  // namespace stash_hook::app

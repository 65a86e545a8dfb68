// stash-hook version (also: stash-hook --version).

#include <iostream>

#include "commands.hpp"

namespace stash_hook::app {

void register_version(CLI::App& app, Invocation& chosen) {
    CLI::App* cmd = app.add_subcommand("version", "Print the version");
    cmd->callback([&chosen] {
        chosen = [] {
            std::cout << "stash-hook " << STASH_HOOK_VERSION_LONG << "\n";
            return 0;
        };
    });
}

}  // namespace stash_hook::app

// stash-hook list: the specs found by name, validated (lib/host/spec_list).

#include <iostream>

#include "commands.hpp"
#include "host/spec_list.hpp"
#include "spec/spec_search.hpp"

namespace stash_hook::app {

void register_list(CLI::App& app, Invocation& action) {
    CLI::App* cmd =
        app.add_subcommand("list", "List the specs found by name (-f NAME), each validated");
    cmd->footer(
        "Searched: $STASH_HOOK_SPEC_PATH, else /etc/stash-hook, then (not root) "
        "$XDG_CONFIG_HOME/stash-hook.\nExit status: 0 all valid, 1 any invalid.\n"
        "Example:\n  stash-hook list");
    cmd->callback([&action] {
        action = [] {
            const auto specs = list_specs();
            if (specs.empty()) {
                std::string dirs;
                for (const auto& d : spec_search_dirs()) dirs += (dirs.empty() ? "" : ", ") + d;
                std::cerr << "no specs in " << dirs << "\n";
                return 0;
            }
            std::cout << format_spec_list(specs);
            for (const auto& s : specs)
                if (!s.valid()) return 1;
            return 0;
        };
    });
}

}  // namespace stash_hook::app

// stash-hook validate: load and check a spec; run nothing.

#include <iostream>

#include "commands.hpp"
#include "session/plan.hpp"
#include "spec/run_checks.hpp"
#include "spec/spec_loader.hpp"

namespace stash_hook::app {

void register_validate(CLI::App& app, Action& action) {
    struct Options {
        std::string path;
        ContainerFlags container;
    };
    auto options = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("validate", "Check a spec and print each problem; run nothing");
    cmd->footer("Exit status: 0 valid, 1 invalid.\nExample:\n  stash-hook validate -f hooks.yaml");
    add_spec_option(*cmd, options->path);
    add_container_options(*cmd, options->container);
    cmd->callback([options, &action] {
        action = [options] {
            const std::string file = default_spec_path(options->path);
            auto result = load_spec_file(file);
            for (const auto& p : result.problems) std::cerr << p.str() << "\n";
            if (!result.spec) return 1;
            // What run would refuse for the same flags (man page, COMMANDS: validate).
            apply_container_flags(*result.spec, options->container.runtime, options->container.pod,
                                  options->container.ns);
            const auto container = container_problems(*result.spec);
            for (const auto& p : container) std::cerr << p << "\n";
            if (!container.empty()) return 1;
            size_t hooks = 0;
            for (const auto& [stage, list] : result.spec->hooks) hooks += list.size();
            for (const auto& m : result.spec->members)
                for (const auto& [stage, list] : m.hooks) hooks += list.size();
            std::cout << file << ": valid (" << to_string(result.spec->kind) << ", " << hooks
                      << (hooks == 1 ? " hook" : " hooks");
            if (result.spec->is_batch()) std::cout << ", " << result.spec->members.size() << " members";
            std::cout << ")\n";
            if (!result.spec->schedule.empty()) std::cout << schedule_line(*result.spec) << "\n";
            return 0;
        };
    });
}

}  // namespace stash_hook::app

// stash-hook plan: print what a session would run, in order, under which outcome.

#include "command/command.hpp"
#include "commands.hpp"

namespace stash_hook::app {

void register_plan(CLI::App& app, Invocation& chosen) {
    struct Options {
        std::string path;
        std::string kind;
        ContainerFlags container;
    };
    auto options = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("plan", "Print what a session would run, in order");
    cmd->footer("Example:\n  stash-hook plan -f hooks.yaml --kind restore");
    add_spec_option(*cmd, options->path);
    cmd->add_option("--kind", options->kind, "backup or restore (overrides the spec's kind)")
        ->check(CLI::IsMember({"backup", "restore"}))
        ->type_name("KIND");
    add_container_options(*cmd, options->container);
    cmd->callback([options, &chosen] {
        chosen = [options] {
            Overrides overrides;
            apply_container_flags(overrides, options->container);
            overrides.kind = kind_from_string(options->kind);
            return plan_command(options->path, overrides);
        };
    });
}

}  // namespace stash_hook::app

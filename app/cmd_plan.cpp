// stash-hook plan: print what a session would run, in order, under which outcome.

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "commands.hpp"
#include "session/plan.hpp"
#include "spec/run_checks.hpp"
#include "spec/spec_loader.hpp"

namespace stash_hook::app {

bool stdout_wants_colour() {
    const char* no_colour = std::getenv("NO_COLOR");
    return isatty(STDOUT_FILENO) && (no_colour == nullptr || *no_colour == '\0');
}

void register_plan(CLI::App& app, Action& action) {
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
        ->check(CLI::IsMember({"backup", "restore"}));
    add_container_options(*cmd, options->container);
    cmd->callback([options, &action] {
        action = [options] {
            Spec spec = load_spec_or_throw(default_spec_path(options->path));
            if (auto kind = kind_from_string(options->kind)) spec.kind = *kind;
            apply_container_flags(spec, options->container.runtime, options->container.pod, options->container.ns);
            register_secrets(spec);
            std::cout << describe_plan(spec, stdout_wants_colour());
            return 0;
        };
    });
}

}  // namespace stash_hook::app

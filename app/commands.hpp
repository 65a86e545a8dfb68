#pragma once
// One register_* function per subcommand (one file each). Each adds its options
// to `app` and sets `action` to the library call it wires up; main() runs it.

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace stash_hook::app {

/// Options every subcommand accepts.
struct GlobalOptions {
    bool verbose = false;
    bool quiet = false;
    std::string log_format = "text";
};

/// The chosen subcommand's work; returns the process exit code.
using Action = std::function<int()>;

void register_run(CLI::App& app, Action& action);
void register_validate(CLI::App& app, Action& action);
void register_plan(CLI::App& app, Action& action);
void register_hook(CLI::App& app, Action& action);
void register_version(CLI::App& app, Action& action);
void register_serve(CLI::App& app, Action& action);

/// Whether to colour what goes to standard output: a terminal, and NO_COLOR unset or
/// empty (no-color.org).
bool stdout_wants_colour();

/// Adds -f/--spec to `command`, storing into `path`.
void add_spec_option(CLI::App& command, std::string& path);

/// Where hooks with containerName run: --container-runtime, --pod, --namespace.
struct ContainerFlags {
    std::string runtime;
    std::string pod;
    std::string ns;
};
void add_container_options(CLI::App& command, ContainerFlags& flags);

}  // namespace stash_hook::app

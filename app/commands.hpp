#pragma once
// One register_* function per subcommand (one file each). Each declares its options on
// `app` and sets `chosen` to the one library call (command/command.hpp) they feed;
// main() runs it.

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>

#include "command/command.hpp"
#include "util/duration.hpp"

namespace stash_hook::app {

/// Options every subcommand accepts.
struct GlobalOptions {
    bool verbose = false;
    bool quiet = false;
    std::string log_format;  // empty: $STASH_HOOK_LOG_FORMAT, else text
    std::string log_level;   // empty: -v/-q, else $STASH_HOOK_LOG_LEVEL, else info
};

/// The chosen subcommand's library call; returns the process exit code.
using Invocation = std::function<int()>;

void register_run(CLI::App& app, Invocation& chosen);
void register_validate(CLI::App& app, Invocation& chosen);
void register_plan(CLI::App& app, Invocation& chosen);
void register_render(CLI::App& app, Invocation& chosen);
void register_hook(CLI::App& app, Invocation& chosen);
void register_version(CLI::App& app, Invocation& chosen);
void register_serve(CLI::App& app, Invocation& chosen);
void register_list(CLI::App& app, Invocation& chosen);
void register_generate(CLI::App& app, Invocation& chosen);

/// Adds -f/--spec to `command`, storing into `path`.
void add_spec_option(CLI::App& command, std::string& path);

/// Where hooks with containerName run: --container-runtime, --pod, --namespace, --selector.
struct ContainerFlags {
    std::string runtime;
    std::string pod;
    std::string ns;
    std::string selector;
};
void add_container_options(CLI::App& command, ContainerFlags& flags);
void apply_container_flags(Overrides& overrides, const ContainerFlags& flags);

/// Which durations an option accepts.
enum class DurationRule { Positive, NotNegative };

/// Adds an option taking a Go duration (30s, 1m30s, 2h), parsed while the command line
/// is: a bad one is a usage error naming the option.
CLI::Option* add_duration_option(CLI::App& command, const std::string& name,
                                 std::optional<Duration>& out, const std::string& help,
                                 DurationRule rule);

}  // namespace stash_hook::app

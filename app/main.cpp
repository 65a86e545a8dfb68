// stash-hook: wires the subcommands, configures logging once, and turns errors into
// exit codes in one place. All behaviour lives in lib/.

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "logging.hpp"
#include "util/error.hpp"

namespace {

void log_error(const std::string& message) {
    std::istringstream lines(message);
    for (std::string line; std::getline(lines, line);) spdlog::error("{}", line);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace stash_hook;
    CLI::App app{
        "stash-hook: run pre and post hooks around a backup or restore, and report one result.\n\n"
        "  stash-hook run -f hooks.yaml -- restic backup /data\n",
        "stash-hook"};
    app.set_version_flag("--version", std::string("stash-hook ") + STASH_HOOK_VERSION);
    app.require_subcommand(1);
    app.fallthrough();

    app::GlobalOptions global;
    app.add_flag("-v,--verbose", global.verbose, "Log more, with timestamps");
    app.add_flag("-q,--quiet", global.quiet, "Log only warnings and errors");
    app.add_option("--log-format", global.log_format, "Log format on stderr")
        ->check(CLI::IsMember({"text", "json"}));

    app::Action action;
    app::register_run(app, action);
    app::register_validate(app, action);
    app::register_plan(app, action);
    app::register_hook(app, action);
    app::register_serve(app, action);
    app::register_version(app, action);
    app::register_list(app, action);
    app::register_generate(app, action);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);  // prints help, version or the usage error
        return code == 0 ? 0 : kExitUsage;
    }
    app::configure_logging(global);
    try {
        return action ? action() : kExitUsage;
    } catch (const Error& e) {
        log_error(e.what());
        return e.exit_code();
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return kExitUsage;
    }
}

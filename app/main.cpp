// stash-hook: wires the subcommands, configures logging once, and turns errors into
// exit codes in one place. All behaviour lives in lib/.

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "logging.hpp"
#include "util/edit_distance.hpp"
#include "util/error.hpp"

namespace {

void log_error(const std::string& message) {
    std::istringstream lines(message);
    for (std::string line; std::getline(lines, line);) spdlog::error("{}", line);
}

/// When the first word that is not an option is no subcommand: says so, with the
/// closest subcommand if one is near ("rnu" -> run).
std::optional<std::string> unknown_subcommand(const CLI::App& app, int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--log-format" || arg == "--log-level") ++i;  // its value
        if (arg.starts_with("-")) continue;
        std::vector<std::string_view> names;
        for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
            names.push_back(sub->get_name());
        if (std::find(names.begin(), names.end(), arg) != names.end()) return std::nullopt;
        std::string message = "unknown subcommand \"" + std::string(arg) + "\"";
        if (auto guess = stash_hook::closest_match(arg, names))
            message += "; did you mean '" + *guess + "'?";
        return message;
    }
    return std::nullopt;
}

/// `stash-hook run -f x.yaml restic backup --host x`: the task's options were taken for
/// ours. Says how to write it.
std::optional<std::string> task_without_dashes(CLI::App& app, const CLI::ParseError& e, int argc,
                                               char** argv) {
    if (dynamic_cast<const CLI::ExtrasError*>(&e) == nullptr || !app.got_subcommand("run"))
        return std::nullopt;
    CLI::App* run = app.get_subcommand("run");
    const auto& words = run->get_option("command")->results();
    if (words.empty()) return std::nullopt;
    auto takes_value = [&](const std::string& arg) {
        for (const CLI::Option* opt : run->get_options())
            if (opt->get_type_size() != 0 && opt->nonpositional() && opt->check_name(arg))
                return true;
        return arg == "--log-format" || arg == "--log-level";
    };
    int first = 1;
    while (first < argc && std::string_view(argv[first]) != "run") ++first;
    for (++first; first < argc; ++first)
        if (argv[first] == words.front() && !takes_value(argv[first - 1])) break;
    std::string task;
    for (int i = first; i < argc; ++i) task += std::string(" ") + argv[i];
    return "put -- before the task's command: stash-hook run [OPTIONS] --" + task;
}

int run_main(int argc, char** argv) {
    using namespace stash_hook;
    CLI::App app{
        "stash-hook: run pre and post hooks around a backup or restore, and report one result.\n\n"
        "  stash-hook run -f hooks.yaml -- restic backup /data\n",
        "stash-hook"};
    app.set_version_flag("--version", std::string("stash-hook ") + STASH_HOOK_VERSION_LONG);
    app.require_subcommand(1);
    app.fallthrough();

    app::GlobalOptions global;
    app.add_flag("-v,--verbose", global.verbose, "Log more, with timestamps");
    app.add_flag("-q,--quiet", global.quiet, "Log only warnings and errors");
    app.add_option("--log-format", global.log_format, "Log format on stderr")
        ->check(CLI::IsMember({"text", "json"}))
        ->type_name("FORMAT");
    app.add_option("--log-level", global.log_level,
                   "Log this level and above (default $STASH_HOOK_LOG_LEVEL, else info)")
        ->check(CLI::IsMember({"error", "warn", "info", "debug"}))
        ->type_name("LEVEL");

    app::Invocation chosen;
    app::register_run(app, chosen);
    app::register_validate(app, chosen);
    app::register_plan(app, chosen);
    app::register_render(app, chosen);
    app::register_hook(app, chosen);
    app::register_serve(app, chosen);
    app::register_version(app, chosen);
    app::register_list(app, chosen);
    app::register_generate(app, chosen);
    // The global options work after the subcommand too (fallthrough): say so in its help.
    for (CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        sub->footer(sub->get_footer() + (sub->get_footer().empty() ? "" : "\n\n") +
                    "Global options (also after the subcommand):\n"
                    "  -v,--verbose                Log more, with timestamps\n"
                    "  -q,--quiet                  Log only warnings and errors\n"
                    "  --log-format FORMAT:{text,json}\n"
                    "                              Log format on stderr\n"
                    "  --log-level LEVEL:{error,warn,info,debug}\n"
                    "                              Log this level and above");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() != 0 && app.get_subcommands().empty())
            if (auto unknown = unknown_subcommand(app, argc, argv)) {
                std::cerr << *unknown << "\nRun with --help for more information.\n";
                return kExitUsage;
            }
        const int code = app.exit(e);  // prints help, version or the usage error
        if (auto hint = task_without_dashes(app, e, argc, argv)) std::cerr << *hint << "\n";
        return code == 0 ? 0 : kExitUsage;
    }
    if (const std::string problem = app::configure_logging(global); !problem.empty()) {
        spdlog::error("{}", problem);
        return kExitUsage;
    }
    try {
        return chosen ? chosen() : kExitUsage;
    } catch (const Error& e) {
        log_error(e.what());
        return e.exit_code();
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return kExitUsage;
    }
}

}  // namespace

int main(int argc, char** argv) {
    // Nothing escapes main: a throw while reporting a failure (a logger that cannot
    // write) still ends with the usage exit code, not std::terminate.
    try {
        return run_main(argc, argv);
    } catch (...) {
        return stash_hook::kExitUsage;
    }
}

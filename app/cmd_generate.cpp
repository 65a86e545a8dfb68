// stash-hook generate: the host scheduler's units from a spec's schedule (lib/host/timers).

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "host/timers.hpp"
#include "spec/spec_loader.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace stash_hook::app {
namespace {

struct GenerateFlags {
    std::string target;
    std::string spec_path;
    bool user = false;
    bool install = false;
    std::string unit_dir;
    GenerateOptions options;
};

std::string user_unit_dir() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg == '/')
        return std::string(xdg) + "/systemd/user";
    const char* home = std::getenv("HOME");
    if (!home || *home != '/')
        throw Error("failed to find the user unit folder: HOME is not set (give --unit-dir)");
    return std::string(home) + "/.config/systemd/user";
}

void install_file(const std::string& path, const std::string& text) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    if (auto written = write_file_atomically(path, text); !written)
        throw Error("failed to install " + path + ": " + written.error());
    std::cerr << "installed " << path << "\n";
}

int generate(GenerateFlags flags) {
    const std::string path = default_spec_path(flags.spec_path);
    if (path == "-")
        throw Error(
            "failed to generate units: the spec must be a file the scheduler can read, not stdin");
    flags.options.spec_path = std::filesystem::absolute(path).lexically_normal().string();
    const Spec spec = load_spec_or_throw(path);
    if (flags.options.binary.find('/') == std::string::npos)
        throw Error("failed to generate units: --binary " + flags.options.binary +
                    " must be a path (systemd and cron "
                    "need one), e.g. /usr/bin/stash-hook");
    flags.options.binary =
        std::filesystem::absolute(flags.options.binary).lexically_normal().string();
    const bool user = flags.user || geteuid() != 0;
    flags.options.user = user;
    if (flags.target == "systemd") {
        auto units = systemd_units(spec, flags.options);
        if (!units) throw Error(units.error());
        if (!flags.install) {
            std::cout << units->service << "\n" << units->timer;
            return 0;
        }
        const std::string dir = !flags.unit_dir.empty() ? flags.unit_dir
                                : user                  ? user_unit_dir()
                                                        : "/etc/systemd/system";
        install_file(dir + "/" + units->name + ".service", units->service);
        install_file(dir + "/" + units->name + ".timer", units->timer);
        const std::string systemctl = user ? "systemctl --user" : "systemctl";
        std::cerr << "enable with: " << systemctl << " daemon-reload && " << systemctl
                  << " enable --now " << units->name << ".timer\n";
        return 0;
    }
    if (flags.target == "cron") {
        auto entry = crontab_entry(spec, flags.options);
        if (!entry) throw Error(entry.error());
        if (!flags.install) {
            std::cout << *entry;
            return 0;
        }
        if (user)
            throw Error(
                "failed to install a crontab line: a user's crontab belongs to crontab(1); run: "
                "stash-hook generate cron --user | crontab -  (this replaces it) or add it with "
                "crontab -e");
        const std::string dir = flags.unit_dir.empty() ? "/etc/cron.d" : flags.unit_dir;
        std::string file;  // cron.d names: letters, digits, - and _ only
        for (char c : spec.name)
            file += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '-';
        install_file(dir + "/stash-hook-" + file, *entry);
        return 0;
    }
    auto manifest = cronjob_manifest(spec, flags.options);
    if (!manifest) throw Error(manifest.error());
    if (flags.install)
        throw Error("failed to install the CronJob: apply it with kubectl apply -f -");
    std::cout << *manifest;
    return 0;
}

}  // namespace

void register_generate(CLI::App& app, Invocation& action) {
    auto flags = std::make_shared<GenerateFlags>();
    CLI::App* cmd =
        app.add_subcommand("generate",
                           "Print (or install) a systemd timer, a crontab line or a CronJob "
                           "that runs the spec on its schedule");
    cmd->footer(
        "Examples:\n  stash-hook generate systemd -f nightly-db --install\n"
        "  stash-hook generate cron -f /etc/stash-hook/nightly-db.yaml\n"
        "  stash-hook generate kubernetes -f nightly-db --image "
        "registry.example.org/stash-hook:0.1.0 "
        "| kubectl apply -f -");
    cmd->add_option("target", flags->target, "systemd, cron or kubernetes")
        ->required()
        ->check(CLI::IsMember({"systemd", "cron", "kubernetes"}));
    add_spec_option(*cmd, flags->spec_path);
    cmd->add_flag("--user", flags->user,
                  "Units for the user's systemd or crontab (the default when not root)");
    cmd->add_flag(
        "--install", flags->install,
        "Write the units to /etc/systemd/system (--user: ~/.config/systemd/user) or /etc/cron.d");
    cmd->add_option("--unit-dir", flags->unit_dir, "Install into this folder instead");
    cmd->add_option("--binary", flags->options.binary, "The stash-hook the units run")
        ->capture_default_str();
    cmd->add_option("--image", flags->options.image,
                    "The CronJob's container image (default: the Containerfile's, "
                    "registry.example.org/stash-hook-restic:VERSION)");
    cmd->callback([flags, &action] { action = [flags] { return generate(*flags); }; });
}

}  // namespace stash_hook::app

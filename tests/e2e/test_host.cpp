// The host: specs found by name, `list`, the status and metrics folders from the
// environment (man page, FILES and ENVIRONMENT).

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "test_support.hpp"

using test::run_cli;

TEST_CASE("-f NAME finds NAME.yaml in the search path, first folder first, and says where it looked") {
    test::TempDir dir;
    std::filesystem::create_directories(dir / "etc");
    std::filesystem::create_directories(dir / "user");
    test::write_file(dir / "etc/nightly-db.yaml", "name: nightly-db\nhooks:\n  preBackup: {exec: {command: [sh, -c, 'echo etc >> " +
                                                     (dir / "log") + "']}}\n");
    test::write_file(dir / "user/nightly-db.yaml", "name: shadowed\n");
    test::write_file(dir / "user/weekly.yaml", "name: weekly\nhooks:\n  preBackup: {exec: {command: [sh, -c, 'echo user >> " +
                                                  (dir / "log") + "']}}\n");
    test::CliOptions options;
    options.cwd = dir.path();
    options.env = {{"STASH_HOOK_SPEC_PATH", (dir / "etc") + ":" + (dir / "user")}};
    CHECK(run_cli({"run", "-f", "nightly-db", "--", "true"}, options).exit_code == 0);
    CHECK(run_cli({"run", "-f", "weekly", "--", "true"}, options).exit_code == 0);
    CHECK(test::read_lines(dir / "log") == std::vector<std::string>{"etc", "user"});

    auto missing = run_cli({"validate", "-f", "monthly"}, options);
    CHECK(missing.exit_code == 125);
    CHECK(missing.err.find("failed to find spec monthly: no " + (dir / "etc/monthly.yaml") + ", " +
                           (dir / "user/monthly.yaml")) != std::string::npos);

    // A file of that name here is a file, not a name.
    test::write_file(dir / "monthly", "name: here\n");
    CHECK(run_cli({"validate", "-f", "monthly"}, options).exit_code == 0);
}

namespace {

/// `stash-hook validate -f NAME` with only HOME and XDG_CONFIG_HOME set, as a user who is
/// not root (under setpriv as nobody when the tests run as root); its exit code.
int validate_as_user(const std::string& name, const std::string& home, const std::string& xdg) {
    std::string command = "env -i HOME=" + home + " XDG_CONFIG_HOME=" + xdg + " ";
    if (geteuid() == 0) command = "setpriv --reuid=65534 --regid=65534 --clear-groups " + command;
    command += test::binary() + " validate -f " + name + " >/dev/null 2>&1";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("without STASH_HOOK_SPEC_PATH a user's specs are found in $XDG_CONFIG_HOME/stash-hook, else ~/.config") {
    test::TempDir dir;
    std::filesystem::permissions(dir.path(), std::filesystem::perms::all);  // nobody reads it too
    std::filesystem::create_directories(dir / "xdg/stash-hook");
    std::filesystem::create_directories(dir / "home/.config/stash-hook");
    test::write_file(dir / "xdg/stash-hook/a.yaml", "name: a\n");
    test::write_file(dir / "home/.config/stash-hook/b.yaml", "name: b\n");
    CHECK(validate_as_user("a", dir / "home", dir / "xdg") == 0);
    CHECK(validate_as_user("b", dir / "home", dir / "xdg") == 125);  // XDG_CONFIG_HOME replaces ~/.config
    CHECK(validate_as_user("b", dir / "home", "") == 0);
}

TEST_CASE("list shows every spec found by name, validated, and exits 1 if one is invalid") {
    test::TempDir dir;
    std::filesystem::create_directories(dir / "etc");
    std::filesystem::create_directories(dir / "user");
    test::write_file(dir / "etc/nightly-db.yaml", "kind: backup\nschedule: \"0 3 * * *\"\n");
    test::write_file(dir / "etc/restore-web.yaml", "kind: restore\n");
    test::write_file(dir / "user/broken.yaml", "kind: backpu\n");
    test::write_file(dir / "user/nightly-db.yaml", "kind: backup\n");
    test::write_file(dir / "user/notes.txt", "not a spec\n");
    test::CliOptions options;
    options.env = {{"STASH_HOOK_SPEC_PATH", (dir / "etc") + ":" + (dir / "user")}};
    auto r = run_cli({"list"}, options);
    CHECK(r.exit_code == 1);
    const auto lines = [&] {
        std::vector<std::string> out;
        std::istringstream in(r.out);
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    }();
    REQUIRE(lines.size() == 5);
    CHECK(lines[0].starts_with("NAME "));
    CHECK(lines[1].starts_with("nightly-db "));
    CHECK(lines[1].find(dir / "etc/nightly-db.yaml") != std::string::npos);
    CHECK(lines[1].find("0 3 * * *") != std::string::npos);
    CHECK(lines[1].ends_with("valid"));
    CHECK(lines[2].starts_with("restore-web "));
    CHECK(lines[2].find(" restore ") != std::string::npos);
    CHECK(lines[3].starts_with("broken "));
    CHECK(lines[3].find(dir / "user/broken.yaml:1:7: kind must be backup or restore") != std::string::npos);
    CHECK(lines[4].find("shadowed") != std::string::npos);
    CHECK(r.out.find("notes") == std::string::npos);

    std::filesystem::remove(dir / "user/broken.yaml");
    std::filesystem::remove(dir / "user/nightly-db.yaml");
    CHECK(run_cli({"list"}, options).exit_code == 0);
}

TEST_CASE("STASH_HOOK_STATUS_DIR and STASH_HOOK_METRICS_DIR give a spec without statusFile or metricsFile its files") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: nightly-db\n");
    test::write_file(dir / "own.yaml", "name: own\nstatusFile: " + (dir / "own-status.json") + "\n");
    test::CliOptions options;
    options.env = {{"STASH_HOOK_STATUS_DIR", dir / "status/"}, {"STASH_HOOK_METRICS_DIR", dir.path()}};
    std::filesystem::create_directories(dir / "status");
    CHECK(run_cli({"run", "-f", dir / "s.yaml", "--", "true"}, options).exit_code == 0);
    CHECK(test::read_json(dir / "status/nightly-db.json")["phase"] == "Succeeded");
    CHECK(test::read_file(dir / "nightly-db.prom").find("stash_hook_") != std::string::npos);

    CHECK(run_cli({"run", "-f", dir / "own.yaml", "--", "true"}, options).exit_code == 0);
    CHECK(std::filesystem::exists(dir / "own-status.json"));
    CHECK_FALSE(std::filesystem::exists(dir / "status/own.json"));
    CHECK(run_cli({"run", "-f", dir / "own.yaml", "--status-file", dir / "flag.json", "--", "true"}, options).exit_code == 0);
    CHECK(std::filesystem::exists(dir / "flag.json"));
    CHECK_FALSE(std::filesystem::exists(dir / "status/own.json"));
}

// The host: specs found by name, `list`, the status and metrics folders from the
// environment (man page, FILES and ENVIRONMENT).

#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <thread>

#include "test_support.hpp"

using test::run_cli;

TEST_CASE(
    "-f NAME finds NAME.yaml in the search path, first folder first, and says where it looked") {
    test::TempDir dir;
    std::filesystem::create_directories(dir / "etc");
    std::filesystem::create_directories(dir / "user");
    test::write_file(
        dir / "etc/nightly-db.yaml",
        "name: nightly-db\nhooks:\n  preBackup: {exec: {command: [sh, -c, 'echo etc >> " +
            (dir / "log") + "']}}\n");
    test::write_file(dir / "user/nightly-db.yaml", "name: shadowed\n");
    test::write_file(dir / "user/weekly.yaml",
                     "name: weekly\nhooks:\n  preBackup: {exec: {command: [sh, -c, 'echo user >> " +
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

TEST_CASE(
    "without STASH_HOOK_SPEC_PATH a user's specs are found in $XDG_CONFIG_HOME/stash-hook, else "
    "~/.config") {
    test::TempDir dir;
    std::filesystem::permissions(dir.path(), std::filesystem::perms::all);  // nobody reads it too
    std::filesystem::create_directories(dir / "xdg/stash-hook");
    std::filesystem::create_directories(dir / "home/.config/stash-hook");
    test::write_file(dir / "xdg/stash-hook/a.yaml", "name: a\n");
    test::write_file(dir / "home/.config/stash-hook/b.yaml", "name: b\n");
    CHECK(validate_as_user("a", dir / "home", dir / "xdg") == 0);
    CHECK(validate_as_user("b", dir / "home", dir / "xdg") ==
          125);  // XDG_CONFIG_HOME replaces ~/.config
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
    CHECK(lines[3].find(dir / "user/broken.yaml:1:7: kind must be backup or restore") !=
          std::string::npos);
    CHECK(lines[4].find("shadowed") != std::string::npos);
    CHECK(r.out.find("notes") == std::string::npos);

    std::filesystem::remove(dir / "user/broken.yaml");
    std::filesystem::remove(dir / "user/nightly-db.yaml");
    CHECK(run_cli({"list"}, options).exit_code == 0);
}

TEST_CASE(
    "STASH_HOOK_STATUS_DIR and STASH_HOOK_METRICS_DIR give a spec without statusFile or "
    "metricsFile its files") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: nightly-db\n");
    test::write_file(dir / "own.yaml",
                     "name: own\nstatusFile: " + (dir / "own-status.json") + "\n");
    test::CliOptions options;
    options.env = {{"STASH_HOOK_STATUS_DIR", dir / "status/"},
                   {"STASH_HOOK_METRICS_DIR", dir.path()}};
    std::filesystem::create_directories(dir / "status");
    CHECK(run_cli({"run", "-f", dir / "s.yaml", "--", "true"}, options).exit_code == 0);
    CHECK(test::read_json(dir / "status/nightly-db.json")["phase"] == "Succeeded");
    CHECK(test::read_file(dir / "nightly-db.prom").find("stash_hook_") != std::string::npos);

    CHECK(run_cli({"run", "-f", dir / "own.yaml", "--", "true"}, options).exit_code == 0);
    CHECK(std::filesystem::exists(dir / "own-status.json"));
    CHECK_FALSE(std::filesystem::exists(dir / "status/own.json"));
    CHECK(run_cli({"run", "-f", dir / "own.yaml", "--status-file", dir / "flag.json", "--", "true"},
                  options)
              .exit_code == 0);
    CHECK(std::filesystem::exists(dir / "flag.json"));
    CHECK_FALSE(std::filesystem::exists(dir / "status/own.json"));
}

TEST_CASE("nice and ionice in the spec set the run's priority, which hooks and the task inherit") {
    test::TempDir dir;
    test::write_file(
        dir / "s.yaml",
        "nice: 7\nionice: idle\nhooks:\n  preBackup: {exec: {command: [sh, -c, 'nice > " +
            (dir / "hook") + "']}}\n");
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c",
                      "nice > " + (dir / "task") + "; ionice -p $$ >> " + (dir / "task")});
    CHECK(r.exit_code == 0);
    CHECK(test::read_lines(dir / "hook") == std::vector<std::string>{"7"});
    CHECK(test::read_lines(dir / "task") == std::vector<std::string>{"7", "idle"});

    test::write_file(dir / "be.yaml", "ionice: best-effort:6\n");
    CHECK(
        run_cli({"run", "-f", dir / "be.yaml", "--", "sh", "-c", "ionice -p $$ > " + (dir / "be")})
            .exit_code == 0);
    CHECK(test::read_lines(dir / "be") == std::vector<std::string>{"best-effort: prio 6"});

    test::write_file(dir / "bad.yaml", "nice: 40\nionice: realtime\n");
    auto bad = run_cli({"validate", "-f", dir / "bad.yaml"});
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.find("bad.yaml:1:7: nice") != std::string::npos);
    CHECK(bad.err.find("bad.yaml:2:9: ionice must be idle, best-effort or best-effort:N") !=
          std::string::npos);
}

TEST_CASE("stash-hook hook applies the spec's nice and ionice to the hooks it runs") {
    test::TempDir dir;
    // Field 19 of /proc/self/stat is the niceness of the process reading it: the hook's own.
    test::write_file(dir / "s.yaml",
                     "nice: 6\nionice: idle\nhooks:\n  preBackup: {exec: {command: [sh, -c, "
                     "'read -r l < /proc/self/stat; set -- ${l##*) }; echo ${17} > " +
                         (dir / "hook") + "; ionice -p $$ >> " + (dir / "hook") + "']}}\n");
    auto r = run_cli({"hook", "-f", dir / "s.yaml", "preBackup"});
    CHECK(r.exit_code == 0);
    CHECK(test::read_lines(dir / "hook") == std::vector<std::string>{"6", "idle"});
}

namespace {

/// An AF_UNIX datagram socket bound at `path`, as systemd's notification socket.
struct NotifySocket {
    int fd = -1;
    explicit NotifySocket(const std::string& path) {
        fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~NotifySocket() { ::close(fd); }
    /// The next datagram within `seconds`, or nullopt.
    std::optional<std::string> next(double seconds = 20) const {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(seconds * 1000)) <= 0) return std::nullopt;
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        return n < 0 ? std::nullopt
                     : std::optional<std::string>(std::string(buf, static_cast<size_t>(n)));
    }
    /// Datagrams until one contains `wanted` (true) or `seconds` pass (false); every
    /// datagram seen is appended to `seen`.
    bool until(const std::string& wanted, std::vector<std::string>& seen,
               double seconds = 20) const {
        const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (std::chrono::steady_clock::now() < end) {
            auto m =
                next(std::chrono::duration<double>(end - std::chrono::steady_clock::now()).count());
            if (!m) return false;
            seen.push_back(*m);
            if (m->find(wanted) != std::string::npos) return true;
        }
        return false;
    }
};

}  // namespace

TEST_CASE(
    "serve speaks sd_notify: READY=1, STATUS= with the last session, WATCHDOG=1, STOPPING=1") {
    test::TempDir dir;
    NotifySocket socket(dir / "notify");
    test::write_file(dir / "s.yaml",
                     "name: nightly\nhooks:\n  preBackup: {exec: {command: [sh, -c, 'env > " +
                         (dir / "hook-env") + "']}}\ncommand: [true]\n");
    test::CliOptions options;
    options.env = {{"NOTIFY_SOCKET", dir / "notify"}, {"WATCHDOG_USEC", "400000"}};
    test::BackgroundCli serve(
        {"serve", "-f", dir / "s.yaml", "--listen", "127.0.0.1:0", "--port-file", dir / "port"},
        options);
    std::vector<std::string> seen;
    REQUIRE(socket.until("READY=1", seen));
    CHECK(seen.back().find("STATUS=") != std::string::npos);
    REQUIRE(test::wait_for_file(dir / "port"));
    for (int i = 0; i < 100 && test::read_file(dir / "port").empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    httplib::Client client("127.0.0.1", std::stoi(test::read_file(dir / "port")));
    auto res = client.Post("/sessions", "", "text/plain");
    REQUIRE(res);
    CHECK(res->status == 202);
    REQUIRE(socket.until("STATUS=last session nightly-", seen));
    CHECK(seen.back().find("Succeeded") != std::string::npos);
    // WATCHDOG_USEC 400 ms: a ping every 200 ms or so; at least 3 in 2 s, bounded generously.
    int pings = 0;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < end)
        if (auto m = socket.next(1); m && *m == "WATCHDOG=1") ++pings;
    CHECK(pings >= 3);
    serve.signal(SIGTERM);
    CHECK(socket.until("STOPPING=1", seen));
    CHECK(serve.wait().exit_code == 0);
    // The hooks do not speak for the daemon.
    const std::string env = test::read_file(dir / "hook-env");
    CHECK(env.find("NOTIFY_SOCKET") == std::string::npos);
    CHECK(env.find("WATCHDOG_USEC") == std::string::npos);
}

TEST_CASE("serve without NOTIFY_SOCKET sends nothing and a bad NOTIFY_SOCKET is harmless") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: quiet\ncommand: [true]\n");
    test::CliOptions options;
    options.env = {{"NOTIFY_SOCKET", dir / "nobody-listens"}, {"WATCHDOG_USEC", "garbage"}};
    test::BackgroundCli serve(
        {"serve", "-f", dir / "s.yaml", "--listen", "127.0.0.1:0", "--port-file", dir / "port"},
        options);
    REQUIRE(test::wait_for_file(dir / "port"));
    serve.signal(SIGTERM);
    CHECK(serve.wait().exit_code == 0);
}

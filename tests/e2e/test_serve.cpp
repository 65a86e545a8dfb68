// stash-hook serve: sessions on a schedule and on demand, reports, and a daemon that
// survives its sessions' failures and shuts down cleanly.

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "test_support.hpp"

using test::fill;

namespace {

/// A daemon on a free loopback port, with an HTTP client for it.
struct Daemon {
    test::TempDir io;
    std::unique_ptr<test::BackgroundCli> cli;
    int port = 0;

    Daemon(const std::string& spec, std::vector<std::string> extra = {},
           const test::CliOptions& options = {}) {
        std::vector<std::string> args = {"serve",       "-f",          spec,       "--listen",
                                         "127.0.0.1:0", "--port-file", io / "port"};
        args.insert(args.end(), extra.begin(), extra.end());
        cli = std::make_unique<test::BackgroundCli>(args, options);
        REQUIRE(test::wait_for_file(io / "port"));
        for (int i = 0; i < 100 && test::read_file(io / "port").empty(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        port = std::stoi(test::read_file(io / "port"));
    }
    httplib::Client client(const std::string& token = "") const {
        httplib::Client c("127.0.0.1", port);
        c.set_read_timeout(std::chrono::seconds(10));
        if (!token.empty()) c.set_bearer_token_auth(token);
        return c;
    }
    httplib::Result trigger(const std::string& token = "") const {
        return client(token).Post("/sessions", "", "text/plain");
    }
    /// Waits until the named session has ended; returns its status document.
    nlohmann::json wait_for(const std::string& name, double seconds = 30) const {
        const auto until =
            std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (std::chrono::steady_clock::now() < until) {
            auto res = client().Get("/sessions/" + name);
            if (res && res->status == 200) {
                auto j = nlohmann::json::parse(res->body);
                if (j["phase"] != "Running") return j;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        FAIL("session " << name << " did not end");
        return {};
    }
};

/// A raw TCP connection to 127.0.0.1:port, for clients that misbehave.
struct RawConnection {
    int fd = -1;
    explicit RawConnection(int port) {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        const timeval send_timeout{2, 0};  // a peer that stops reading does not hang the test
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    }
    ~RawConnection() { ::close(fd); }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;
    /// False once the peer has closed or reset the connection.
    bool send_text(const std::string& text) const {
        return ::send(fd, text.data(), text.size(), MSG_NOSIGNAL) ==
               static_cast<ssize_t>(text.size());
    }
    /// What the peer sends until it closes, or until `seconds` pass.
    std::string receive(double seconds = 20) const {
        std::string got;
        const auto until =
            std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
        while (std::chrono::steady_clock::now() < until) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            char buf[4096];
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            got.append(buf, static_cast<size_t>(n));
        }
        return got;
    }
};

/// Sends `total` bytes of `fill` in the background, until the peer stops taking them.
struct Flood {
    std::atomic<bool> stop{false};
    std::thread thread;
    Flood(const RawConnection& conn, size_t total) {
        thread = std::thread([this, &conn, total] {
            const std::string block(1 << 20, 'a');
            for (size_t sent = 0; sent < total && !stop; sent += block.size())
                if (!conn.send_text(block)) break;
        });
    }
    ~Flood() {
        stop = true;
        thread.join();
    }
};

/// The first line of an HTTP response.
std::string status_line(const std::string& response) {
    return response.substr(0, response.find("\r\n"));
}

std::string name_of(const httplib::Result& res) {
    REQUIRE(res);
    return nlohmann::json::parse(res->body)["name"];
}

}  // namespace

TEST_CASE("serve runs sessions on its cron schedule, observed with a fast clock") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(schedule: "*/2 * * * *"
command: [sh, -c, "echo tick >> {DIR}/log"]
)",
                                          {{"DIR", dir.path()}}));
    // Each 100 ms tick advances the daemon's clock one minute: a session every 200 ms.
    Daemon d(dir / "s.yaml", {"--fake-clock-step", "1m"});
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    d.cli->signal(SIGTERM);
    CHECK(d.cli->wait().exit_code == 0);
    const auto ticks = test::read_lines(dir / "log").size();
    CHECK(ticks >= 3);
    CHECK(ticks <= 9);  // every other minute, not every tick
}

TEST_CASE("a trigger while a session runs gets 409, and the session's status is served") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(name: db
command: [sh, -c, "touch {DIR}/started; while [ ! -e {DIR}/go ]; do sleep 0.02; done"]
)",
                                          {{"DIR", dir.path()}}));
    Daemon d(dir / "s.yaml");
    auto first = d.trigger();
    REQUIRE(first);
    CHECK(first->status == 202);
    const std::string name = name_of(first);
    CHECK(name.rfind("db-", 0) == 0);
    REQUIRE(test::wait_for_file(dir / "started"));
    auto second = d.trigger();
    REQUIRE(second);
    CHECK(second->status == 409);
    CHECK(nlohmann::json::parse(second->body)["running"] == name);
    CHECK(nlohmann::json::parse(d.client().Get("/sessions/latest")->body)["phase"] == "Running");
    test::write_file(dir / "go", "");
    auto status = d.wait_for(name);
    CHECK(status["phase"] == "Succeeded");
    CHECK(status["kind"] == "BackupSession");
    CHECK(d.client().Get("/sessions/no-such")->status == 404);
    d.cli->signal(SIGTERM);
    CHECK(d.cli->wait().exit_code == 0);
}

TEST_CASE("serve applies the spec's nice to each session's processes, not to the daemon") {
    test::TempDir dir;
    // After "(comm) ", field 19 of /proc/self/stat (niceness) is the 17th word.
    test::write_file(dir / "s.yaml", fill(R"(name: db
nice: 5
hooks:
  preBackup: {exec: {command: [sh, -c, 'read -r l < /proc/self/stat; set -- ${l##*) }; echo ${17} > {DIR}/hook']}}
command: [sh, -c, 'read -r l < /proc/self/stat; set -- ${l##*) }; echo ${17} > {DIR}/task']
)",
                                          {{"DIR", dir.path()}}));
    Daemon d(dir / "s.yaml");
    auto first = d.trigger();
    REQUIRE(first);
    CHECK(d.wait_for(name_of(first))["phase"] == "Succeeded");
    CHECK(test::read_lines(dir / "hook") == std::vector<std::string>{"5"});
    CHECK(test::read_lines(dir / "task") == std::vector<std::string>{"5"});
    // The daemon's main thread keeps the niceness it was started with (ours).
    std::string stat = test::read_file("/proc/" + std::to_string(d.cli->pid()) + "/stat");
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));
    std::vector<std::string> fields{std::istream_iterator<std::string>(rest), {}};
    REQUIRE(fields.size() > 17);
    CHECK(std::stoi(fields[16]) == getpriority(PRIO_PROCESS, 0));
    d.cli->signal(SIGTERM);
    CHECK(d.cli->wait().exit_code == 0);
}

TEST_CASE("the daemon survives a failing pre hook and a task killed by a signal, and counts them") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(name: app
command: [sh, -c, "kill -KILL $$"]
hooks:
  preBackup: {exec: {command: [sh, -c, "[ ! -e {DIR}/fail-pre ]"]}}
)",
                                          {{"DIR", dir.path()}}));
    test::write_file(dir / "fail-pre", "");
    Daemon d(dir / "s.yaml");
    auto pre_failed = d.wait_for(name_of(d.trigger()));
    CHECK(pre_failed["phase"] == "Failed");
    CHECK(pre_failed["exitCode"] == 120);
    CHECK(d.client().Get("/healthz")->status == 200);
    std::filesystem::remove(dir / "fail-pre");
    auto killed = d.wait_for(name_of(d.trigger()));
    CHECK(killed["exitCode"] == 137);
    CHECK(d.client().Get("/healthz")->body == "ok\n");

    const std::string metrics = d.client().Get("/metrics")->body;
    CHECK(metrics.find("stash_hook_serve_sessions_total{phase=\"Failed\"} 2\n") !=
          std::string::npos);
    CHECK(metrics.find("stash_hook_serve_sessions_total{phase=\"Succeeded\"} 0\n") !=
          std::string::npos);
    CHECK(metrics.find("stash_hook_last_exit_code{target=\"app\",kind=\"backup\"} 137") !=
          std::string::npos);
    test::write_file(dir / "metrics.prom", metrics);
    const std::string parse =
        "/usr/bin/python3 -c \"import sys; from prometheus_client.parser import "
        "text_string_to_metric_families as p; list(p(open(sys.argv[1]).read()))\" " +
        (dir / "metrics.prom");
    CHECK(std::system(parse.c_str()) == 0);
    d.cli->signal(SIGTERM);
    CHECK(d.cli->wait().exit_code == 0);
}

TEST_CASE("SIGTERM mid-session stops the task, runs the post hooks and exits 0") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(command: [sh, -c, "touch {DIR}/started; sleep 300"]
hooks:
  postBackup: {exec: {command: [sh, -c, "echo $STASH_HOOK_ERROR > {DIR}/post"]}}
)",
                                          {{"DIR", dir.path()}}));
    Daemon d(dir / "s.yaml");
    REQUIRE(d.trigger());
    REQUIRE(test::wait_for_file(dir / "started"));
    d.cli->signal(SIGTERM);
    auto r = d.cli->wait();
    CHECK(r.exit_code == 0);
    CHECK(r.seconds < 30);
    CHECK(test::read_file(dir / "post") == "interrupted by SIGTERM\n");
}

TEST_CASE("SIGHUP reloads the spec, and a broken one is logged while the old one stays") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill("command: [sh, -c, \"echo first >> {DIR}/log\"]\n",
                                          {{"DIR", dir.path()}}));
    Daemon d(dir / "s.yaml");
    d.wait_for(name_of(d.trigger()));
    test::write_file(dir / "s.yaml",
                     "command: [sh, -c, \"echo second\"]\ntimeout: 30\n");  // broken
    d.cli->signal(SIGHUP);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    d.wait_for(name_of(d.trigger()));
    test::write_file(dir / "s.yaml", fill("command: [sh, -c, \"echo third >> {DIR}/log\"]\n",
                                          {{"DIR", dir.path()}}));
    d.cli->signal(SIGHUP);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    d.wait_for(name_of(d.trigger()));
    d.cli->signal(SIGTERM);
    auto r = d.cli->wait();
    CHECK(r.exit_code == 0);
    CHECK(test::read_lines(dir / "log") == std::vector<std::string>{"first", "first", "third"});
    CHECK(r.err.find("SIGHUP: the spec does not load; keeping the current one") !=
          std::string::npos);
    CHECK(r.err.find("missing unit in duration \"30\"") != std::string::npos);
}

TEST_CASE("with a token, requests without it get 401, except /healthz") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "command: [true]\n");
    Daemon d(dir / "s.yaml", {"--token", "s3cret-token"});
    CHECK(d.trigger()->status == 401);
    CHECK(d.client("wrong-token").Get("/metrics")->status == 401);
    CHECK(d.client().Get("/healthz")->status == 200);
    auto ok = d.trigger("s3cret-token");
    CHECK(ok->status == 202);
    d.cli->signal(SIGTERM);
    CHECK(d.cli->wait().exit_code == 0);

    test::CliOptions no_token;
    no_token.env = {{"STASH_HOOK_TOKEN", ""}};
    auto refused =
        test::run_cli({"serve", "-f", dir / "s.yaml", "--listen", "0.0.0.0:0"}, no_token);
    CHECK(refused.exit_code == 125);
    CHECK(refused.err.find("is not loopback: give --token or STASH_HOOK_TOKEN") !=
          std::string::npos);
}

TEST_CASE("serve authenticates before reading a body, and bounds the request head and body") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "command: [true]\n");
    Daemon d(dir / "s.yaml", {"--token", "s3cret-token"});
    {
        // 384 MiB announced without the token: refused on the head alone, the body never read.
        RawConnection conn(d.port);
        REQUIRE(conn.send_text(
            "POST /sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 402653184\r\n\r\n"));
        Flood flood(conn, 256u << 20);
        CHECK(status_line(conn.receive(20)).find(" 401 ") != std::string::npos);
    }
    {
        // An endless chunked body without the token: refused likewise.
        RawConnection conn(d.port);
        REQUIRE(
            conn.send_text("POST /sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                           "chunked\r\n\r\n10000000\r\n"));
        Flood flood(conn, 256u << 20);
        CHECK(status_line(conn.receive(20)).find(" 401 ") != std::string::npos);
    }
    {
        // With the token, a body over the limit is refused before it is read.
        RawConnection conn(d.port);
        REQUIRE(conn.send_text(
            "POST /sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret-token\r\n"
            "Content-Length: 402653184\r\n\r\n"));
        Flood flood(conn, 256u << 20);
        CHECK(status_line(conn.receive(20)).find(" 413 ") != std::string::npos);
    }
    {
        // A header line that never ends.
        RawConnection conn(d.port);
        REQUIRE(conn.send_text("GET /healthz HTTP/1.1\r\nX-Endless: "));
        Flood flood(conn, 256u << 20);
        CHECK(status_line(conn.receive(20)).find(" 431 ") != std::string::npos);
    }
    {
        // A request line that never ends.
        RawConnection conn(d.port);
        REQUIRE(conn.send_text("GET /"));
        Flood flood(conn, 256u << 20);
        CHECK(status_line(conn.receive(20)).find(" 431 ") != std::string::npos);
    }
    // A small body with the token is fine.
    auto ok = d.client("s3cret-token").Post("/sessions", "{}", "application/json");
    REQUIRE(ok);
    CHECK(ok->status == 202);
    CHECK(d.client().Get("/healthz")->status == 200);
    d.cli->signal(SIGTERM);
    const auto r = d.cli->wait();
    CHECK(r.exit_code == 0);
    CHECK(r.max_rss_kib < test::modest_rss_kib());
}

TEST_CASE("slow clients do not starve serve: /healthz and POST /sessions still answer") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "command: [true]\n");
    Daemon d(dir / "s.yaml");
    // More slowloris connections than the daemon keeps (64): each sends a byte a second
    // and never ends its headers.
    std::atomic<bool> stop{false};
    std::vector<std::unique_ptr<RawConnection>> slow;
    for (int i = 0; i < 80; ++i) slow.push_back(std::make_unique<RawConnection>(d.port));
    std::thread drip([&] {
        for (auto& c : slow) c->send_text("GET /healthz HTTP/1.1\r\nX-Slow: ");
        while (!stop) {
            for (auto& c : slow) c->send_text("a");
            for (int i = 0; i < 10 && !stop; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
    std::this_thread::sleep_for(std::chrono::seconds(2));
    auto client = d.client();
    client.set_connection_timeout(std::chrono::seconds(5));
    client.set_read_timeout(std::chrono::seconds(5));
    auto health = client.Get("/healthz");
    CHECK(health);
    if (health) CHECK(health->status == 200);
    auto trigger = client.Post("/sessions", "", "text/plain");
    CHECK(trigger);
    if (trigger) CHECK(trigger->status == 202);
    // The newest slow client is cut off when its 10 s for the headers are up.
    CHECK(status_line(slow.back()->receive(20)).find(" 408 ") != std::string::npos);
    stop = true;
    drip.join();
    d.cli->signal(SIGTERM);
    CHECK(d.cli->wait().exit_code == 0);
}

TEST_CASE("sockets do not leak into the task while a request is in flight") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(command: [sh, -c, "ls -l /proc/$$/fd > {DIR}/fds"]
)",
                                          {{"DIR", dir.path()}}));
    Daemon d(dir / "s.yaml");
    RawConnection in_flight(d.port);
    REQUIRE(in_flight.send_text("GET /healthz HTTP/1.1\r\n"));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    d.wait_for(name_of(d.trigger()));
    const std::string fds = test::read_file(dir / "fds");
    CHECK(fds.find("socket:") == std::string::npos);
    INFO(fds);
    d.cli->signal(SIGTERM);
    CHECK(d.cli->wait().exit_code == 0);
}

TEST_CASE("between sessions, processes a task daemonised are killed and reaped") {
    test::TempDir dir;
    test::write_file(
        dir / "s.yaml",
        fill(R"(command: [sh, -c, "setsid sleep 300 > /dev/null 2>&1 & echo $! > {DIR}/pid"]
)",
             {{"DIR", dir.path()}}));
    Daemon d(dir / "s.yaml");
    d.wait_for(name_of(d.trigger()));
    const std::string pid = test::read_lines(dir / "pid").at(0);
    bool gone = false;  // neither running nor a zombie
    for (int i = 0; i < 100 && !gone; ++i) {
        gone = !std::filesystem::exists("/proc/" + pid);
        if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(gone);
    CHECK(test::process_alive(d.cli->pid()));
    d.cli->signal(SIGTERM);
    CHECK(d.cli->wait().exit_code == 0);
}

TEST_CASE("--listen is loopback by the address it binds, not by its spelling") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "command: [true]\n");
    test::CliOptions no_token;
    no_token.env = {{"STASH_HOOK_TOKEN", ""}};
    for (const std::string spelling : {"0x7f000001:0", "[::ffff:127.0.0.1]:0", "2130706433:0"}) {
        CAPTURE(spelling);
        test::TempDir io;
        test::BackgroundCli cli(
            {"serve", "-f", dir / "s.yaml", "--listen", spelling, "--port-file", io / "port"},
            no_token);
        CHECK(test::wait_for_file(io / "port", 10));
        cli.signal(SIGTERM);
        CHECK(cli.wait().exit_code == 0);
    }
    for (const std::string spelling : {"0:0", "0.0.0.0:0", "[::]:0", "[::ffff:0.0.0.0]:0"}) {
        CAPTURE(spelling);
        auto refused =
            test::run_cli({"serve", "-f", dir / "s.yaml", "--listen", spelling}, no_token);
        CHECK(refused.exit_code == 125);
        CHECK(refused.err.find("is not loopback: give --token or STASH_HOOK_TOKEN") !=
              std::string::npos);
    }
}

TEST_CASE("HEAD /healthz answers 200 and a wrong method 405") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "command: [true]\n");
    Daemon d(dir / "s.yaml");
    auto head = d.client().Head("/healthz");
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->body.empty());
    auto put = d.client().Put("/healthz", "", "text/plain");
    REQUIRE(put);
    CHECK(put->status == 405);
    CHECK(put->get_header_value("Allow") == "GET, HEAD");
    auto del = d.client().Delete("/sessions");
    REQUIRE(del);
    CHECK(del->status == 405);
    CHECK(del->get_header_value("Allow") == "GET, HEAD, POST");
    CHECK(d.client().Patch("/sessions/latest", "", "text/plain")->status == 405);
    CHECK(d.client().Head("/metrics")->status == 200);
    d.cli->signal(SIGTERM);
    CHECK(d.cli->wait().exit_code == 0);
}

TEST_CASE("a second daemon cannot listen on a port the first one holds") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "command: [true]\n");
    Daemon d(dir / "s.yaml");
    test::BackgroundCli cli(
        {"serve", "-f", dir / "s.yaml", "--listen", "127.0.0.1:" + std::to_string(d.port)});
    for (int i = 0; i < 100 && test::process_alive(cli.pid()); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cli.signal(SIGTERM);  // still serving: it shares the port (SO_REUSEPORT)
    const auto second = cli.wait();
    CHECK(second.exit_code == 125);
    CHECK(second.err.find("failed to listen on 127.0.0.1:") != std::string::npos);
    d.cli->signal(SIGTERM);
    CHECK(d.cli->wait().exit_code == 0);
}

TEST_CASE(
    "SIGHUP with a spec holding 20,000 nested parentheses in a template keeps the daemon and the "
    "old spec") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill("command: [sh, -c, \"echo first >> {DIR}/log\"]\n",
                                          {{"DIR", dir.path()}}));
    Daemon d(dir / "s.yaml");
    d.wait_for(name_of(d.trigger()));
    const std::string deep = std::string(20'000, '(') + ".Name" + std::string(20'000, ')');
    test::write_file(dir / "s.yaml",
                     "command: [true]\nhooks:\n  preBackup: {exec: {command: [echo, \"{{ " + deep +
                         " }}\"]}}\n");
    d.cli->signal(SIGHUP);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    d.wait_for(name_of(d.trigger()));
    d.cli->signal(SIGTERM);
    auto r = d.cli->wait();
    CHECK(r.exit_code == 0);
    CHECK(test::read_lines(dir / "log") == std::vector<std::string>{"first", "first"});
    CHECK(r.err.find("template nesting deeper than 100") != std::string::npos);
}

TEST_CASE("serve shows when the next scheduled session runs: in the log and in /metrics") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     "schedule: \"0 3 * * *\"\ntimeZone: Europe/Berlin\ncommand: [true]\n");
    Daemon d(dir / "s.yaml");
    auto res = d.client().Get("/metrics");
    REQUIRE(res);
    const std::string key = "stash_hook_next_run_timestamp_seconds ";
    const size_t at = res->body.find("\n" + key);
    REQUIRE(at != std::string::npos);
    const long long next = std::stoll(res->body.substr(at + 1 + key.size()));
    const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
    CHECK(next > now);
    CHECK(next <= now + 25 * 3600);
    CHECK(next % 3600 == 0);  // 03:00 in Berlin is a whole hour in UTC
    // The sessions endpoint says it too.
    auto overview = d.client().Get("/sessions");
    REQUIRE(overview);
    CHECK(overview->status == 200);
    const auto o = nlohmann::json::parse(overview->body);
    CHECK(o["sessions"] == nlohmann::json::array());
    CHECK(o["running"].is_null());
    CHECK(o["nextRun"]["unixSeconds"] == next);
    CHECK(o["nextRun"]["timeZone"] == "Europe/Berlin");
    CHECK(o["nextRun"]["time"].get<std::string>().find(" 03:00:00 CE") != std::string::npos);
    d.cli->signal(SIGTERM);
    auto result = d.cli->wait();
    CHECK(result.exit_code == 0);
    CHECK(result.err.find("next scheduled session: ") != std::string::npos);
    CHECK(result.err.find(" 03:00:00 CE") != std::string::npos);
    CHECK(result.err.find("(Europe/Berlin)") != std::string::npos);
}

// Debian's faketime (make test installs it): serve on a clock that starts before a DST
// change and runs 600 times faster, so 8 s cover 80 minutes of the night.
TEST_CASE("serve on a faked clock across DST nights starts the sessions the man page promises") {
    const std::string lib = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
    if (!std::filesystem::exists(lib)) {
        MESSAGE("faketime is not installed: skipped (make test installs it)");
        return;
    }
    test::TempDir dir;
    struct Night {
        const char* name;
        const char* schedule;
        const char* start;           // UTC
        size_t at_least;             // sessions that must have started in the 8 s
        std::vector<long long> due;  // what may have started, in order
    };
    const std::vector<Night> nights = {
        // America/New_York, 2024-11-03: 02:00 EDT -> 01:00 EST at 06:00 UTC.
        {"fixed", "30 1 * * *", "2024-11-03 05:28:00", 1, {1730611800}},  // 01:30 EDT only
        {"step",
         "*/20 * * * *",
         "2024-11-03 05:28:00",
         4,  // both passes of 01:xx
         {1730612400, 1730613600, 1730614800, 1730616000, 1730617200}},
        // 2024-03-10: 02:00 EST -> 03:00 EDT at 07:00 UTC; 02:30 does not exist.
        {"skipped", "30 2 * * *", "2024-03-10 06:48:00", 1, {1710054000}},  // at the transition
    };
    std::vector<std::unique_ptr<Daemon>> daemons;
    for (const auto& n : nights) {
        test::write_file(dir / (std::string(n.name) + ".yaml"), fill(R"(schedule: "{S}"
timeZone: America/New_York
command: [true]
)",
                                                                     {{"S", n.schedule}}));
        test::CliOptions options;
        options.env = {
            {"LD_PRELOAD", lib}, {"FAKETIME", std::string("@") + n.start + " x600"}, {"TZ", "UTC"}};
#ifdef STASH_HOOK_SANITIZED
        // ASan wants its runtime first among the preloaded libraries; libfaketime is first here.
        options.env.emplace_back("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=0");
#endif
        daemons.push_back(std::make_unique<Daemon>(dir / (std::string(n.name) + ".yaml"),
                                                   std::vector<std::string>{}, options));
    }
    std::this_thread::sleep_for(std::chrono::seconds(8));
    for (size_t k = 0; k < nights.size(); ++k) {
        const Night& n = nights[k];
        daemons[k]->cli->signal(SIGTERM);
        const auto result = daemons[k]->cli->wait();
        CHECK(result.exit_code == 0);
        // "session <name>-20241103-053000-1a2b starting (schedule)": the daemon's (faked) UTC
        // start.
        std::vector<long long> ran;
        std::istringstream lines(result.err);
        for (std::string line; std::getline(lines, line);) {
            const size_t at = line.find(" starting (schedule)");
            if (at == std::string::npos || at < 21) continue;
            std::tm tm{};
            REQUIRE(strptime(line.substr(at - 20, 15).c_str(), "%Y%m%d-%H%M%S", &tm) != nullptr);
            ran.push_back(static_cast<long long>(timegm(&tm)));
        }
        INFO(std::string(n.name) << ": " << ran.size() << " sessions\n" << result.err);
        REQUIRE(ran.size() >= n.at_least);
        REQUIRE(ran.size() <= n.due.size());
        for (size_t i = 0; i < ran.size(); ++i) {
            CHECK(ran[i] >= n.due[i]);
            CHECK(ran[i] < n.due[i] + 120);  // a 100 ms tick is a minute here
        }
    }
}

TEST_CASE(
    "serve runs a Stash BackupConfiguration on its spec.schedule with the -- command, unless "
    "spec.paused") {
    test::TempDir dir;
    const std::string manifest = R"(apiVersion: stash.appscode.com/v1beta1
kind: BackupConfiguration
metadata: {name: sidecar, namespace: demo}
spec:
  schedule: "*/2 * * * *"
  paused: {PAUSED}
  target: {ref: {apiVersion: apps/v1, kind: Deployment, name: app}}
  hooks:
    preBackup:
      exec: {command: [sh, -c, "echo pre >> {DIR}/log"]}
)";
    test::write_file(dir / "bc.yaml", fill(manifest, {{"DIR", dir.path()}, {"PAUSED", "false"}}));
    test::write_file(dir / "paused.yaml",
                     fill(manifest, {{"DIR", dir.path() + "/p"}, {"PAUSED", "true"}}));
    std::filesystem::create_directories(dir / "p");
    const std::vector<std::string> task = {"--fake-clock-step",          "1m", "--", "sh", "-c",
                                           "echo task >> " + dir / "log"};
    {
        Daemon d(dir / "bc.yaml", task);
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        d.cli->signal(SIGTERM);
        CHECK(d.cli->wait().exit_code == 0);
    }
    const auto lines = test::read_lines(dir / "log");
    REQUIRE(lines.size() >= 4);
    CHECK(lines[0] == "pre");
    CHECK(lines[1] == "task");
    {
        Daemon d(dir / "paused.yaml", task);
        std::this_thread::sleep_for(std::chrono::milliseconds(1000));
        d.cli->signal(SIGTERM);
        CHECK(d.cli->wait().exit_code == 0);
    }
    CHECK(!std::filesystem::exists(dir / "p/log"));
}

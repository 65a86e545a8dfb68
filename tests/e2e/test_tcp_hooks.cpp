// tcpSocket hooks against a real listening port and a real closed one.

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>

#include "test_support.hpp"

using test::fill;
using test::run_cli;

namespace {

/// A socket listening on 127.0.0.1 that never accepts: the kernel completes handshakes.
struct Listener {
    int port = 0;
    int fd = test::listen_loopback(port);
    ~Listener() { close(fd); }
};

}  // namespace

TEST_CASE("tcpSocket succeeds on a listening port and fails on a closed one") {
    Listener listener;
    const int closed = test::closed_port();
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup:
    - {name: open, tcpSocket: {host: 127.0.0.1, port: {OPEN}}}
    - {name: localhost-default, tcpSocket: {port: {OPEN}}}
    - {name: closed, tcpSocket: {host: 127.0.0.1, port: {CLOSED}}}
)",
                                          {{"OPEN", std::to_string(listener.port)},
                                           {"CLOSED", std::to_string(closed)}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 120);
    auto hooks = test::read_json(dir / "st.json")["hooks"];
    CHECK(hooks[0]["phase"] == "Succeeded");
    CHECK(hooks[1]["phase"] == "Succeeded");
    CHECK(hooks[2]["phase"] == "Failed");
    CHECK(hooks[2]["error"] ==
          "failed to connect to 127.0.0.1:" + std::to_string(closed) + ": Connection refused");
}

TEST_CASE("tcpSocket: name resolution is bounded by the hook's timeout and by signals") {
    const int dns = test::silent_dns_server();
    if (dns < 0) {
        MESSAGE("skipped: cannot bind 127.0.0.1:53");
        return;
    }
    test::TempDir dir;
    test::write_file(dir / "resolv.conf", "nameserver 127.0.0.1\noptions timeout:5 attempts:2\n");
    test::write_file(dir / "s.yaml", R"(hooks:
  preBackup: {name: unresolved, timeout: 1s, tcpSocket: {host: db.stash-hook-test.example, port: 5432}}
)");
    test::write_file(dir / "long.yaml", R"(hooks:
  preBackup: {name: unresolved, timeout: 60s, tcpSocket: {host: db.stash-hook-test.example, port: postgresql}}
)");
    auto pid = test::spawn_with_resolv_conf(
        dir / "resolv.conf",
        {"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"}, dir / "log");
    if (!pid) {
        ::close(dns);
        MESSAGE("skipped: needs root and unshare -m for a private /etc/resolv.conf");
        return;
    }
    double seconds = 0;
    CHECK(test::wait_exit(*pid, seconds) == 120);
    MESSAGE("1s tcpSocket hook, silent DNS server: " << seconds << " s");
    CHECK(seconds < 4);  // glibc alone waits 2 x 5 s
    CHECK(test::read_json(dir / "st.json")["hooks"][0]["error"] ==
          "failed to resolve db.stash-hook-test.example: timed out after 1s");

    // SIGTERM while resolving ends the run promptly.
    char drain[512];
    while (::recv(dns, drain, sizeof drain, MSG_DONTWAIT) > 0) {
    }
    pid = test::spawn_with_resolv_conf(
        dir / "resolv.conf",
        {"run", "-f", dir / "long.yaml", "--status-file", dir / "st2.json", "--", "true"},
        dir / "log2");
    REQUIRE(pid);
    // Wait for the query to reach the silent server, so the signal lands during resolution.
    pollfd p{dns, POLLIN, 0};
    CHECK(::poll(&p, 1, 10000) == 1);
    ::kill(*pid, SIGTERM);
    const int code = test::wait_exit(*pid, seconds);
    MESSAGE("SIGTERM during resolution: ended " << seconds << " s later, exit " << code);
    CHECK(seconds < 3);
    CHECK(code != 0);
    CHECK(test::read_json(dir / "st2.json")["hooks"][0]["error"] == "interrupted by SIGTERM");
    ::close(dns);
}

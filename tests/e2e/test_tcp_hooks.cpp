// tcpSocket hooks against a real listening port and a real closed one.

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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
    CHECK(hooks[2]["error"] == "failed to connect to 127.0.0.1:" + std::to_string(closed) +
                                   ": Connection refused");
}

// httpGet and httpPost hooks against a real HTTP server on loopback: what it
// received, which statuses count as success, redirects, TLS and proxies.

#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>

#include "test_support.hpp"

using test::fill;
using test::run_cli;

namespace {

void status_route(test::TestHttpServer& server, const std::string& path, int status,
                  const std::string& location = "") {
    server.route(path, [status, location](const httplib::Request&, httplib::Response& res) {
        res.status = status;
        if (!location.empty()) res.set_header("Location", location);
        res.set_content("status " + std::to_string(status), "text/plain");
    });
}

std::vector<test::ReceivedRequest> with_path(const std::vector<test::ReceivedRequest>& all,
                                             const std::string& prefix) {
    std::vector<test::ReceivedRequest> out;
    for (const auto& r : all)
        if (r.path.rfind(prefix, 0) == 0) out.push_back(r);
    return out;
}

}  // namespace

TEST_CASE(
    "HTTP statuses 200-399 succeed and others fail, and redirects follow the same host only") {
    test::TestHttpServer server;
    status_route(server, "/ok", 200);
    status_route(server, "/r399", 399);
    status_route(server, "/r400", 400);
    status_route(server, "/r404", 404);
    status_route(server, "/r500", 500);
    status_route(server, "/cross", 302, "http://other-host.invalid/elsewhere");
    status_route(server, "/same", 302, "/r500?from=same");
    status_route(server, "/loop", 302, "/loop");
    server.start();
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup:
    - {name: ok, httpGet: {host: 127.0.0.1, port: {PORT}, path: /ok}}
    - {name: r399, httpGet: {host: 127.0.0.1, port: {PORT}, path: /r399}}
    - {name: r400, httpGet: {host: 127.0.0.1, port: {PORT}, path: /r400}}
    - {name: r404, httpGet: {host: 127.0.0.1, port: {PORT}, path: /r404}}
    - {name: r500, httpPost: {host: 127.0.0.1, port: {PORT}, path: /r500}}
    - {name: cross, httpGet: {host: 127.0.0.1, port: {PORT}, path: /cross}}
    - {name: same, httpGet: {host: 127.0.0.1, port: {PORT}, path: /same}}
    - {name: loop, httpGet: {host: 127.0.0.1, port: {PORT}, path: /loop}}
)",
                                          {{"PORT", std::to_string(server.port())}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 121);
    std::map<std::string, nlohmann::json> hooks;
    const auto status = test::read_json(dir / "st.json");
    for (const auto& h : status["hooks"]) hooks[h["name"].get<std::string>()] = h;
    CHECK(hooks["ok"]["phase"] == "Succeeded");
    CHECK(hooks["ok"]["statusCode"] == 200);
    CHECK(hooks["r399"]["phase"] == "Succeeded");
    CHECK(hooks["r400"]["phase"] == "Failed");
    CHECK(hooks["r400"]["error"] == "HTTP status 400");
    CHECK(hooks["r404"]["error"] == "HTTP status 404");
    CHECK(hooks["r500"]["error"] == "HTTP status 500");
    CHECK(hooks["cross"]["phase"] == "Succeeded");
    CHECK(hooks["cross"]["statusCode"] == 302);
    CHECK(hooks["same"]["phase"] == "Failed");
    CHECK(hooks["same"]["statusCode"] == 500);
    CHECK(hooks["loop"]["phase"] == "Failed");
    CHECK(hooks["loop"]["error"] == "stopped after 10 redirects");

    const auto received = server.requests();
    CHECK(with_path(received, "/cross").size() == 1);  // not followed to the other host
    auto followed = with_path(received, "/r500?from=same");
    REQUIRE(followed.size() == 1);
    CHECK(followed[0].method == "GET");
    CHECK(with_path(received, "/loop").size() == 11);
}

TEST_CASE("the server receives the method, path with query, headers and body") {
    test::TestHttpServer server;
    status_route(server, "/.*", 200);
    server.start();
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup:
    name: get
    httpGet:
      host: 127.0.0.1
      port: {PORT}
      path: /ping?x=1&y=two
      httpHeaders: [{name: X-Trace, value: abc-123}, {name: Authorization, value: Bearer t0k3n}]
  postBackup:
    - name: json
      httpPost: {host: 127.0.0.1, port: {PORT}, path: /json, body: '{"text": "backup done"}'}
    - name: text
      httpPost: {host: 127.0.0.1, port: {PORT}, path: /text, body: 'backup done'}
    - name: typed
      httpPost:
        host: 127.0.0.1
        port: {PORT}
        path: /typed
        body: 'a,b'
        httpHeaders: [{name: Content-Type, value: text/csv}]
    - name: form
      httpPost:
        host: 127.0.0.1
        port: {PORT}
        path: /form
        form: [{key: status, values: [ok]}, {key: tag, values: [daily, "db & files"]}]
    - name: host-header
      httpGet:
        host: 127.0.0.1
        port: {PORT}
        path: /vhost
        httpHeaders: [{name: Host, value: backup.example.org}]
)",
                                          {{"PORT", std::to_string(server.port())}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "true"});
    CHECK(r.exit_code == 0);
    const auto received = server.requests();
    REQUIRE(received.size() == 6);
    CHECK(received[0].method == "GET");
    CHECK(received[0].path == "/ping?x=1&y=two");
    CHECK(received[0].header("X-Trace") == "abc-123");
    CHECK(received[0].header("Authorization") == "Bearer t0k3n");
    CHECK(received[0].body.empty());

    CHECK(received[1].method == "POST");
    CHECK(received[1].path == "/json");
    CHECK(received[1].body == R"({"text": "backup done"})");
    CHECK(received[1].header("Content-Type") == "application/json");
    CHECK(received[2].body == "backup done");
    CHECK(received[2].header("Content-Type") == "text/plain");
    CHECK(received[3].header("Content-Type") == "text/csv");
    CHECK(received[3].headers.count("Content-Type") == 1);
    CHECK(received[4].header("Content-Type") == "application/x-www-form-urlencoded");
    CHECK(received[4].body == "status=ok&tag=daily&tag=db+%26+files");
    CHECK(received[5].header("Host") == "backup.example.org");
    CHECK(received[5].headers.count("Host") == 1);
}

TEST_CASE("a POST redirected with 303 becomes a GET, and with 307 it is repeated") {
    test::TestHttpServer server;
    status_route(server, "/see-other", 303, "/landing");
    status_route(server, "/temporary", 307, "/landing-post");
    status_route(server, "/landing.*", 200);
    server.start();
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup:
    - httpPost: {host: 127.0.0.1, port: {PORT}, path: /see-other, body: hello}
    - httpPost: {host: 127.0.0.1, port: {PORT}, path: /temporary, body: again}
)",
                                          {{"PORT", std::to_string(server.port())}}));
    CHECK(run_cli({"run", "-f", dir / "s.yaml", "--", "true"}).exit_code == 0);
    auto landing = with_path(server.requests(), "/landing");
    REQUIRE(landing.size() == 2);
    CHECK(landing[0].method == "GET");
    CHECK(landing[0].body.empty());
    CHECK(landing[1].method == "POST");
    CHECK(landing[1].body == "again");
}

TEST_CASE("a dead endpoint fails the hook with a clear reason") {
    test::TempDir dir;
    const int port = test::closed_port();
    test::write_file(dir / "s.yaml",
                     fill("hooks:\n  preBackup: {httpGet: {host: 127.0.0.1, port: {PORT}}}\n",
                          {{"PORT", std::to_string(port)}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 120);
    CHECK(test::read_json(dir / "st.json")["hooks"][0]["error"] ==
          "failed to connect to 127.0.0.1:" + std::to_string(port));
}

TEST_CASE("HTTP_PROXY is honoured for other hosts") {
    test::TestHttpServer proxy;
    status_route(proxy, ".*", 200);
    proxy.start();
    test::TempDir dir;
    test::write_file(dir / "s.yaml", R"(hooks:
  preBackup:
    - {name: via-proxy, httpGet: {host: hooks.example.invalid, port: 8080, path: /via}}
)");
    test::CliOptions opts;
    opts.env = {{"HTTP_PROXY", "http://127.0.0.1:" + std::to_string(proxy.port())},
                {"NO_PROXY", ""}};
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "true"}, opts);
    CHECK(r.exit_code == 0);
    auto got = proxy.requests();
    REQUIRE(got.size() == 1);
    CHECK(got[0].header("Host") == "hooks.example.invalid:8080");
    CHECK(got[0].path.find("/via") != std::string::npos);
}

TEST_CASE("TLS certificates are verified, and caFile and insecureSkipVerify adjust it") {
    test::TempDir dir;
    const std::string gen =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -keyout " + (dir / "key.pem") +
        " -out " + (dir / "cert.pem") +
        " -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null";
    REQUIRE(std::system(gen.c_str()) == 0);
    httplib::SSLServer server((dir / "cert.pem").c_str(), (dir / "key.pem").c_str());
    REQUIRE(server.is_valid());
    server.Get("/secure", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("ok", "text/plain");
    });
    const int port = server.bind_to_any_port("127.0.0.1");
    std::thread thread([&] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup:
    - {name: default, httpGet: {scheme: HTTPS, host: 127.0.0.1, port: {PORT}, path: /secure}}
    - {name: ca, httpGet: {scheme: HTTPS, host: 127.0.0.1, port: {PORT}, path: /secure, tls: {caFile: {DIR}/cert.pem}}}
    - {name: insecure, httpGet: {scheme: HTTPS, host: 127.0.0.1, port: {PORT}, path: /secure, tls: {insecureSkipVerify: true}}}
)",
                                          {{"PORT", std::to_string(port)}, {"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    server.stop();
    thread.join();
    CHECK(r.exit_code == 121);
    auto hooks = test::read_json(dir / "st.json")["hooks"];
    CHECK(hooks[0]["phase"] == "Failed");
    CHECK(hooks[0]["error"].get<std::string>().find("not trusted") != std::string::npos);
    CHECK(hooks[1]["phase"] == "Succeeded");
    CHECK(hooks[2]["phase"] == "Succeeded");
}

TEST_CASE("the hook's timeout bounds the whole request, even when the server never answers") {
    test::TestHttpServer server;
    std::atomic<bool> release{false};
    server.route("/hang", [&](const httplib::Request&, httplib::Response& res) {
        for (int i = 0; i < 600 && !release; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        res.set_content("too late", "text/plain");
    });
    server.start();
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup: {name: slow, timeout: 1s, httpGet: {host: 127.0.0.1, port: {PORT}, path: /hang}}
)",
                                          {{"PORT", std::to_string(server.port())}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    release = true;
    CHECK(r.exit_code == 120);
    CHECK(r.seconds < 15);  // the handler would hold it for 30 s
    CHECK(test::read_json(dir / "st.json")["hooks"][0]["error"] ==
          "timed out after 1s waiting for 127.0.0.1:" + std::to_string(server.port()));
}

namespace {

void make_cert(const test::TempDir& dir, const std::string& name,
               const std::string& subject_alt_name) {
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -keyout " +
                            (dir / (name + ".key")) + " -out " + (dir / (name + ".pem")) +
                            " -subj /CN=" + name + " -addext subjectAltName=" + subject_alt_name +
                            " 2>/dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
}

}  // namespace

TEST_CASE("client certificates and host names are checked over TLS") {
    test::TempDir dir;
    make_cert(dir, "server", "IP:127.0.0.1");
    make_cert(dir, "wrong", "DNS:other.example");
    make_cert(dir, "client", "DNS:client");
    // A server that demands a client certificate signed by client.pem.
    httplib::SSLServer server((dir / "server.pem").c_str(), (dir / "server.key").c_str(),
                              (dir / "client.pem").c_str());
    httplib::SSLServer wrong((dir / "wrong.pem").c_str(), (dir / "wrong.key").c_str());
    REQUIRE(server.is_valid());
    REQUIRE(wrong.is_valid());
    auto ok = [](const httplib::Request&, httplib::Response& res) {
        res.set_content("ok", "text/plain");
    };
    server.Get("/", ok);
    wrong.Get("/", ok);
    const int port = server.bind_to_any_port("127.0.0.1");
    const int wrong_port = wrong.bind_to_any_port("127.0.0.1");
    std::thread t1([&] { server.listen_after_bind(); });
    std::thread t2([&] { wrong.listen_after_bind(); });
    while (!server.is_running() || !wrong.is_running())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));

    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup:
    - {name: with-cert, httpGet: {scheme: HTTPS, host: 127.0.0.1, port: {PORT}, tls: {caFile: {DIR}/server.pem, certFile: {DIR}/client.pem, keyFile: {DIR}/client.key}}}
    - {name: without-cert, httpGet: {scheme: HTTPS, host: 127.0.0.1, port: {PORT}, tls: {caFile: {DIR}/server.pem}}}
    - {name: wrong-host, httpGet: {scheme: HTTPS, host: 127.0.0.1, port: {WRONG}, tls: {caFile: {DIR}/wrong.pem}}}
)",
                                          {{"PORT", std::to_string(port)},
                                           {"WRONG", std::to_string(wrong_port)},
                                           {"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    server.stop();
    wrong.stop();
    t1.join();
    t2.join();
    CHECK(r.exit_code == 121);
    const auto status = test::read_json(dir / "st.json");
    CHECK(status["hooks"][0]["phase"] == "Succeeded");
    CHECK(status["hooks"][1]["phase"] == "Failed");
    CHECK(status["hooks"][2]["phase"] == "Failed");
    CHECK(status["hooks"][2]["error"].get<std::string>().find("not trusted") != std::string::npos);
}

TEST_CASE("the HTTP module is loaded only for HTTP hooks, and its absence is a clear exit 125") {
    test::TempDir dir;
    test::CliOptions no_module;
    no_module.env = {{"STASH_HOOK_HTTP_MODULE", dir / "missing/stash-hook-http.so"}};

    // Exec and tcpSocket hooks never need it: the run succeeds without it.
    test::write_file(dir / "exec.yaml",
                     "hooks:\n  preBackup:\n    exec: {command: [touch, " + dir / "ran" + "]}\n");
    auto exec_only = run_cli({"run", "-f", dir / "exec.yaml", "--", "true"}, no_module);
    CHECK(exec_only.exit_code == 0);
    CHECK(std::filesystem::exists(dir / "ran"));

    // An HTTP hook needs it: exit 125 before any hook or the task runs.
    test::write_file(dir / "http.yaml",
                     "hooks:\n  preBackup:\n    - exec: {command: [touch, " + dir / "pre" +
                         "]}\n  postBackup:\n    - httpGet: {host: 127.0.0.1, port: 9, path: /}\n");
    auto http = run_cli({"run", "-f", dir / "http.yaml", "--", "touch", dir / "task"}, no_module);
    CHECK(http.exit_code == 125);
    CHECK(http.err.find("HTTP module") != std::string::npos);
    CHECK(http.err.find(dir / "missing/stash-hook-http.so") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "pre"));
    CHECK_FALSE(std::filesystem::exists(dir / "task"));

    // `hook` runs the stage and reports the hook as failed, naming the module.
    auto hook = run_cli({"hook", "postBackup", "-f", dir / "http.yaml"}, no_module);
    CHECK(hook.exit_code == 121);
    CHECK(hook.err.find("HTTP module") != std::string::npos);

    // serve needs it for its endpoints.
    test::write_file(dir / "serve.yaml", "command: [\"true\"]\nhooks: {}\n");
    auto serve = run_cli({"serve", "-f", dir / "serve.yaml", "--listen", "127.0.0.1:0"}, no_module);
    CHECK(serve.exit_code == 125);
    CHECK(serve.err.find("HTTP module") != std::string::npos);

    // A file that is not the module is refused by name.
    test::write_file(dir / "bogus.so", "not an ELF file\n");
    test::CliOptions bogus_module;
    bogus_module.env = {{"STASH_HOOK_HTTP_MODULE", dir / "bogus.so"}};
    auto bogus = run_cli({"run", "-f", dir / "http.yaml", "--", "true"}, bogus_module);
    CHECK(bogus.exit_code == 125);
    CHECK(bogus.err.find("bogus.so") != std::string::npos);
}

namespace {

/// A raw TCP server on 127.0.0.1 for hostile peers: for each connection it reads the
/// request head (recorded) and then calls `speak` with the socket until it returns
/// false or the peer goes away. Stops on destruction.
class RawServer {
  public:
    using Speak = std::function<bool(int fd, int round)>;
    explicit RawServer(Speak speak, bool read_request = true)
        : speak_(std::move(speak)), read_request_(read_request) {
        listen_fd_ = test::listen_loopback(port_);
        thread_ = std::thread([this] { serve(); });
    }
    ~RawServer() {
        stop_ = true;
        ::shutdown(listen_fd_, SHUT_RDWR);
        thread_.join();
        ::close(listen_fd_);
    }
    int port() const { return port_; }
    std::string request() const {
        std::lock_guard lock(mutex_);
        return request_;
    }
    int connections() const { return connections_; }

  private:
    void serve() {
        while (!stop_) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            const int fd = ::accept(listen_fd_, nullptr, nullptr);
            if (fd < 0) continue;
            ++connections_;
            if (read_request_) {
                std::string head;
                char buf[4096];
                while (head.find("\r\n\r\n") == std::string::npos) {
                    pollfd q{fd, POLLIN, 0};
                    if (::poll(&q, 1, 5000) <= 0) break;
                    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
                    if (n <= 0) break;
                    head.append(buf, static_cast<size_t>(n));
                }
                std::lock_guard lock(mutex_);
                request_ = head;
            }
            for (int round = 0; !stop_ && speak_(fd, round); ++round) {
            }
            ::close(fd);
        }
    }

    Speak speak_;
    bool read_request_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    mutable std::mutex mutex_;
    std::string request_;
    std::thread thread_;
};

bool send_all(int fd, const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
        const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return false;
        off += static_cast<size_t>(n);
    }
    return true;
}

/// `size` zero bytes, gzip-compressed.
std::string gzip_zeros(size_t size) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string in(1 << 20, '\0');
    std::string out;
    char buf[1 << 16];
    for (size_t left = size; left > 0 || z.avail_in > 0;) {
        if (z.avail_in == 0) {
            const size_t n = std::min(left, in.size());
            z.next_in = reinterpret_cast<Bytef*>(in.data());
            z.avail_in = static_cast<uInt>(n);
            left -= n;
        }
        do {
            z.next_out = reinterpret_cast<Bytef*>(buf);
            z.avail_out = sizeof buf;
            deflate(&z, Z_NO_FLUSH);
            out.append(buf, sizeof buf - z.avail_out);
        } while (z.avail_out == 0);
    }
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = deflate(&z, Z_FINISH);
        out.append(buf, sizeof buf - z.avail_out);
    }
    deflateEnd(&z);
    return out;
}

std::map<std::string, nlohmann::json> hooks_by_name(const nlohmann::json& status) {
    std::map<std::string, nlohmann::json> hooks;
    for (const auto& h : status["hooks"]) hooks[h["name"].get<std::string>()] = h;
    return hooks;
}

}  // namespace

TEST_CASE("an endless body is read up to a limit, and no compressed encoding is asked for") {
    RawServer server([](int fd, int round) {
        if (round == 0) return send_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n");
        return send_all(fd, std::string(1 << 16, 'x'));
    });
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup: {name: endless, timeout: 2s, httpGet: {host: 127.0.0.1, port: {PORT}, path: /}}
)",
                                          {{"PORT", std::to_string(server.port())}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 0);
    CHECK(r.seconds < 20);
    CHECK(r.max_rss_kib < test::modest_rss_kib());
    MESSAGE("endless body: peak RSS " << r.max_rss_kib << " KiB in " << r.seconds << " s");
    auto hooks = hooks_by_name(test::read_json(dir / "st.json"));
    CHECK(hooks["endless"]["phase"] == "Succeeded");
    CHECK(hooks["endless"]["statusCode"] == 200);
    const std::string request = server.request();
    CHECK(request.find("GET / HTTP/1.1") == 0);
    CHECK(request.find("gzip") == std::string::npos);
    CHECK(request.find("br\r\n") == std::string::npos);
}

TEST_CASE("a gzip bomb is not inflated") {
    const std::string bomb = gzip_zeros(size_t{128} << 20);
    RawServer server([&](int fd, int) {
        send_all(fd,
                 "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: "
                 "text/plain\r\nContent-Length: " +
                     std::to_string(bomb.size()) + "\r\n\r\n" + bomb);
        return false;
    });
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup: {name: bomb, timeout: 5s, httpGet: {host: 127.0.0.1, port: {PORT}, path: /}}
)",
                                          {{"PORT", std::to_string(server.port())}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    MESSAGE("gzip bomb of " << bomb.size() / 1024 << " KiB: peak RSS " << r.max_rss_kib
                            << " KiB in " << r.seconds << " s");
    CHECK(r.exit_code == 0);
    CHECK(r.seconds < 20);
    CHECK(r.max_rss_kib < test::modest_rss_kib());
    CHECK(hooks_by_name(test::read_json(dir / "st.json"))["bomb"]["statusCode"] == 200);
}

TEST_CASE("a header flood fails the hook within its timeout, with modest memory") {
    std::string lines;
    for (int i = 0; i < 8192; ++i)
        lines += "X-Flood-" + std::to_string(i) + ": " + std::string(100, 'a') + "\r\n";
    RawServer server([&](int fd, int round) {
        if (round == 0) return send_all(fd, "HTTP/1.1 200 OK\r\n");
        return send_all(fd, lines);
    });
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup: {name: flood, timeout: 2s, httpGet: {host: 127.0.0.1, port: {PORT}, path: /}}
)",
                                          {{"PORT", std::to_string(server.port())}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    MESSAGE("header flood: peak RSS " << r.max_rss_kib << " KiB in " << r.seconds << " s");
    CHECK(r.exit_code == 120);
    CHECK(r.seconds < 20);
    CHECK(r.max_rss_kib < test::modest_rss_kib());
    const std::string error = hooks_by_name(test::read_json(dir / "st.json"))["flood"]["error"];
    CHECK(error == "failed to read the response from 127.0.0.1:" + std::to_string(server.port()) +
                       ": its headers exceed 64 KiB or 100 lines");

    // Exactly at the limits is fine: 100 header lines, then 101.
    auto head_of = [](int fields, size_t value_size) {
        std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n";
        for (int i = 1; i < fields; ++i)
            head += "X-F" + std::to_string(i) + ": " + std::string(value_size, 'a') + "\r\n";
        return head + "\r\nok";
    };
    RawServer at_limit([&](int fd, int) { return send_all(fd, head_of(100, 600)), false; });
    RawServer over_limit([&](int fd, int) { return send_all(fd, head_of(101, 10)), false; });
    test::write_file(dir / "t.yaml", fill(R"(hooks:
  postBackup:
    - {name: at, httpGet: {host: 127.0.0.1, port: {AT}, path: /}}
    - {name: over, httpGet: {host: 127.0.0.1, port: {OVER}, path: /}}
)",
                                          {{"AT", std::to_string(at_limit.port())},
                                           {"OVER", std::to_string(over_limit.port())}}));
    run_cli({"run", "-f", dir / "t.yaml", "--status-file", dir / "st.json", "--", "true"});
    auto hooks = hooks_by_name(test::read_json(dir / "st.json"));
    CHECK(hooks["at"]["phase"] == "Succeeded");
    CHECK(hooks["over"]["phase"] == "Failed");
}

TEST_CASE("a TLS peer that never finishes the handshake is cut at the hook's timeout") {
    RawServer server(
        [](int fd, int) {
            char buf[4096];
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 100) > 0 && ::recv(fd, buf, sizeof buf, 0) == 0) return false;
            return true;  // read the ClientHello, never answer
        },
        false);
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup: {name: silent, timeout: 1s, httpGet: {scheme: HTTPS, host: 127.0.0.1, port: {PORT}, path: /}}
)",
                                          {{"PORT", std::to_string(server.port())}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    MESSAGE("silent TLS peer, 1s hook: " << r.seconds << " s");
    CHECK(r.exit_code == 120);
    CHECK(r.seconds <
          1.8);  // the hook's 1 s plus start-up; it took the client's 1 s margin more before
    CHECK(hooks_by_name(test::read_json(dir / "st.json"))["silent"]["error"] ==
          "timed out after 1s waiting for 127.0.0.1:" + std::to_string(server.port()));
}

TEST_CASE("header values with CR or LF are refused, not sent") {
    test::TestHttpServer server;
    status_route(server, ".*", 200);
    server.start();
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup:
    name: injected
    httpGet:
      host: 127.0.0.1
      port: {PORT}
      path: /
      httpHeaders: [{name: X-Note, value: "a\r\nX-Injected: 1"}]
)",
                                          {{"PORT", std::to_string(server.port())}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 120);
    CHECK(server.requests().empty());
    const std::string error = hooks_by_name(test::read_json(dir / "st.json"))["injected"]["error"];
    CHECK(error.find("X-Note") != std::string::npos);
    CHECK(error.find("CR or LF") != std::string::npos);
}

TEST_CASE(
    "redirects to another scheme or port are not followed, and credentials stay with the origin") {
    test::TempDir dir;
    make_cert(dir, "server", "IP:127.0.0.1");
    test::TestHttpServer plain;
    status_route(plain, ".*", 200);
    plain.start();
    const std::string plain_url = "http://127.0.0.1:" + std::to_string(plain.port());
    httplib::SSLServer secure((dir / "server.pem").c_str(), (dir / "server.key").c_str());
    REQUIRE(secure.is_valid());
    secure.Post("/to-plain", [&](const httplib::Request&, httplib::Response& res) {
        res.status = 307;
        res.set_header("Location", plain_url + "/leaked");
    });
    const int secure_port = secure.bind_to_any_port("127.0.0.1");
    std::thread thread([&] { secure.listen_after_bind(); });
    while (!secure.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    test::TestHttpServer other;
    status_route(other, "/start", 302, plain_url + "/other-port");
    status_route(other, "/wrap", 302,
                 "http://127.0.0.1:" + std::to_string(65536 + plain.port()) + "/wrapped");
    other.start();

    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup:
    - name: downgrade
      httpPost:
        scheme: HTTPS
        host: 127.0.0.1
        port: {SECURE}
        path: /to-plain
        body: secret-body
        tls: {caFile: {DIR}/server.pem}
        httpHeaders: [{name: Authorization, value: Bearer s3cr3t}]
    - name: other-port
      httpGet: {host: 127.0.0.1, port: {OTHER}, path: /start, httpHeaders: [{name: Authorization, value: Bearer s3cr3t}]}
    - name: wrap
      httpGet: {host: 127.0.0.1, port: {OTHER}, path: /wrap}
)",
                                          {{"SECURE", std::to_string(secure_port)},
                                           {"OTHER", std::to_string(other.port())},
                                           {"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    secure.stop();
    thread.join();
    CHECK(plain.requests()
              .empty());  // nothing reached the plain server: no Authorization, no body in clear
    auto hooks = hooks_by_name(test::read_json(dir / "st.json"));
    CHECK(hooks["downgrade"]["phase"] == "Succeeded");
    CHECK(hooks["downgrade"]["statusCode"] == 307);
    CHECK(hooks["other-port"]["phase"] == "Succeeded");
    CHECK(hooks["other-port"]["statusCode"] == 302);
    CHECK(hooks["wrap"]["phase"] == "Failed");
    CHECK(hooks["wrap"]["error"].get<std::string>().find("port") != std::string::npos);
    CHECK(r.exit_code == 121);
}

TEST_CASE("name resolution is bounded by the hook's timeout and by signals") {
    const int dns = test::silent_dns_server();
    if (dns < 0) {
        MESSAGE("skipped: cannot bind 127.0.0.1:53");
        return;
    }
    test::TempDir dir;
    test::write_file(dir / "resolv.conf", "nameserver 127.0.0.1\noptions timeout:5 attempts:2\n");
    test::write_file(dir / "s.yaml", R"(hooks:
  preBackup: {name: unresolved, timeout: 1s, httpGet: {host: hooks.stash-hook-test.example, port: 80, path: /}}
)");
    test::write_file(dir / "long.yaml", R"(hooks:
  preBackup: {name: unresolved, timeout: 60s, httpGet: {host: hooks.stash-hook-test.example, port: 80, path: /}}
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
    MESSAGE("1s hook, silent DNS server: " << seconds << " s");
    CHECK(seconds < 4);  // glibc alone waits 2 x 5 s
    const std::string error = test::read_json(dir / "st.json")["hooks"][0]["error"];
    CHECK(error == "timed out after 1s resolving hooks.stash-hook-test.example");

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
    ::close(dns);
}

TEST_CASE("over TLS too, a long body is cut at the limit and too many headers fail the hook") {
    test::TempDir dir;
    make_cert(dir, "server", "IP:127.0.0.1");
    httplib::SSLServer server((dir / "server.pem").c_str(), (dir / "server.key").c_str());
    REQUIRE(server.is_valid());
    server.Get("/long", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(std::string(8 << 20, 'x'), "text/plain");
    });
    server.Get("/many", [](const httplib::Request&, httplib::Response& res) {
        for (int i = 0; i < 2000; ++i)
            res.set_header("X-Many-" + std::to_string(i), std::string(100, 'a'));
        res.set_content("ok", "text/plain");
    });
    const int port = server.bind_to_any_port("127.0.0.1");
    std::thread thread([&] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup:
    - {name: long, httpGet: {scheme: HTTPS, host: 127.0.0.1, port: {PORT}, path: /long, tls: {caFile: {DIR}/server.pem}}}
    - {name: many, httpGet: {scheme: HTTPS, host: 127.0.0.1, port: {PORT}, path: /many, tls: {caFile: {DIR}/server.pem}}}
)",
                                          {{"PORT", std::to_string(port)}, {"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    server.stop();
    thread.join();
    CHECK(r.exit_code == 121);
    auto hooks = hooks_by_name(test::read_json(dir / "st.json"));
    CHECK(hooks["long"]["phase"] == "Succeeded");
    CHECK(hooks["many"]["phase"] == "Failed");
    CHECK(hooks["many"]["error"] ==
          "failed to read the response from 127.0.0.1:" + std::to_string(port) +
              ": its headers exceed 64 KiB or 100 lines");
}

TEST_CASE("HTTP hooks send User-Agent: stash-hook/VERSION unless the spec sets one") {
    test::TestHttpServer server;
    status_route(server, "/.*", 200);
    server.start();
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup: {name: ours, httpGet: {host: 127.0.0.1, port: {PORT}, path: /ours}}
  postBackup:
    name: theirs
    httpPost:
      host: 127.0.0.1
      port: {PORT}
      path: /theirs
      httpHeaders: [{name: user-agent, value: my-monitor/2}]
)",
                                          {{"PORT", std::to_string(server.port())}}));
    auto r = test::run_cli({"run", "-f", dir / "s.yaml", "--", "true"});
    CHECK(r.exit_code == 0);
    std::string version = test::run_cli({"version"}).out.substr(11);  // "stash-hook 0.1.0..."
    version = version.substr(0, version.find_first_of(" \n"));
    const auto reqs = server.requests();
    REQUIRE(reqs.size() == 2);
    CHECK(reqs[0].header("User-Agent") == "stash-hook/" + version);
    CHECK(reqs[1].header("User-Agent") == "my-monitor/2");
    CHECK(reqs[1].headers.count("User-Agent") == 1);
}

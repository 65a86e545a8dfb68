// httpGet and httpPost hooks against a real HTTP server on loopback: what it
// received, which statuses count as success, redirects, TLS and proxies.

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

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

TEST_CASE("HTTP statuses 200-399 succeed and others fail, and redirects follow the same host only") {
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
    test::write_file(dir / "s.yaml", fill("hooks:\n  preBackup: {httpGet: {host: 127.0.0.1, port: {PORT}}}\n",
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
    opts.env = {{"HTTP_PROXY", "http://127.0.0.1:" + std::to_string(proxy.port())}, {"NO_PROXY", ""}};
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
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -keyout " + (dir / "key.pem") + " -out " +
        (dir / "cert.pem") + " -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null";
    REQUIRE(std::system(gen.c_str()) == 0);
    httplib::SSLServer server((dir / "cert.pem").c_str(), (dir / "key.pem").c_str());
    REQUIRE(server.is_valid());
    server.Get("/secure", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
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
        for (int i = 0; i < 600 && !release; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
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

void make_cert(const test::TempDir& dir, const std::string& name, const std::string& subject_alt_name) {
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -keyout " + (dir / (name + ".key")) +
                            " -out " + (dir / (name + ".pem")) + " -subj /CN=" + name +
                            " -addext subjectAltName=" + subject_alt_name + " 2>/dev/null";
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
    auto ok = [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); };
    server.Get("/", ok);
    wrong.Get("/", ok);
    const int port = server.bind_to_any_port("127.0.0.1");
    const int wrong_port = wrong.bind_to_any_port("127.0.0.1");
    std::thread t1([&] { server.listen_after_bind(); });
    std::thread t2([&] { wrong.listen_after_bind(); });
    while (!server.is_running() || !wrong.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

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
    test::write_file(dir / "exec.yaml", "hooks:\n  preBackup:\n    exec: {command: [touch, " + dir / "ran" + "]}\n");
    auto exec_only = run_cli({"run", "-f", dir / "exec.yaml", "--", "true"}, no_module);
    CHECK(exec_only.exit_code == 0);
    CHECK(std::filesystem::exists(dir / "ran"));

    // An HTTP hook needs it: exit 125 before any hook or the task runs.
    test::write_file(dir / "http.yaml", "hooks:\n  preBackup:\n    - exec: {command: [touch, " + dir / "pre" +
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

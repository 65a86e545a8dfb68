// Secrets (man page, SECURITY): header values, URL passwords and secretEnv values
// read *** in logs at every verbosity, in errors, captured output and the status file.

#include <doctest/doctest.h>
#include <signal.h>

#include <thread>

#include "test_support.hpp"

using test::fill;

TEST_CASE("secrets never reach the logs or the status file") {
    test::TestHttpServer server;
    server.route(".*", [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
    server.start();
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(secretEnv: [BACKUP_TOKEN]
hooks:
  preBackup:
    - name: leaky
      onError: Continue
      exec:
        command: [sh, -c, 'echo "token=$BACKUP_TOKEN url=https://admin:pa55w0rd-x@db.example/x bearer=Bearer-hdr-s3cret" >&2; exit 1']
  postBackup:
    - name: notify
      httpPost:
        host: 127.0.0.1
        port: {PORT}
        path: /hook
        httpHeaders: [{name: Authorization, value: Bearer-hdr-s3cret}, {name: Content-Type, value: application/json}]
        body: '{"ok": true}'
)",
                                          {{"PORT", std::to_string(server.port())}}));
    test::CliOptions opts;
    opts.env = {{"BACKUP_TOKEN", "env-t0ken-value"}};
    for (const char* verbosity : {"-v", "-q", "--log-format=json"}) {
        CAPTURE(verbosity);
        auto r = test::run_cli({"run", verbosity, "-f", dir / "s.yaml", "--status-file",
                                dir / "st.json", "--", "sh", "-c", "exit 3"},
                               opts);
        CHECK(r.exit_code == 3);
        const std::string status = test::read_file(dir / "st.json");
        for (const char* secret : {"env-t0ken-value", "pa55w0rd-x", "Bearer-hdr-s3cret"}) {
            CAPTURE(secret);
            CHECK(r.err.find(secret) == std::string::npos);
            CHECK(status.find(secret) == std::string::npos);
        }
        CHECK(status.find("token=*** url=https://admin:***@db.example/x bearer=***") !=
              std::string::npos);
    }
    // The server still received the real header.
    CHECK(server.requests().back().header("Authorization") == "Bearer-hdr-s3cret");
}

namespace {

/// True if any of `texts` contains `needle`.
bool leaks(const std::vector<std::string>& texts, const std::string& needle) {
    for (const auto& t : texts)
        if (t.find(needle) != std::string::npos) return true;
    return false;
}

/// `serve` on a free loopback port; stopped by SIGTERM when the test is done.
struct ServeDaemon {
    test::TempDir io;
    std::unique_ptr<test::BackgroundCli> cli;
    int port = 0;
    std::string token;

    ServeDaemon(const std::string& spec, const test::CliOptions& options, std::string bearer)
        : token(std::move(bearer)) {
        cli = std::make_unique<test::BackgroundCli>(
            std::vector<std::string>{"serve", "-f", spec, "--listen", "127.0.0.1:0", "--port-file",
                                     io / "port"},
            options);
        REQUIRE(test::wait_for_file(io / "port"));
        for (int i = 0; i < 100 && test::read_file(io / "port").empty(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        port = std::stoi(test::read_file(io / "port"));
    }
    httplib::Result get(const std::string& path) const {
        httplib::Client c("127.0.0.1", port);
        c.set_read_timeout(std::chrono::seconds(10));
        if (!token.empty()) c.set_bearer_token_auth(token);
        return c.Get(path);
    }
    /// Starts a session and waits (up to 30 s) until it ends; returns its name.
    std::string run_session() const {
        httplib::Client c("127.0.0.1", port);
        if (!token.empty()) c.set_bearer_token_auth(token);
        auto started = c.Post("/sessions", "", "text/plain");
        REQUIRE(started);
        REQUIRE(started->status == 202);
        const std::string name = nlohmann::json::parse(started->body)["name"];
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < until) {
            auto res = get("/sessions/" + name);
            if (res && res->status == 200 && nlohmann::json::parse(res->body)["phase"] != "Running")
                return name;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        FAIL("session " << name << " did not end");
        return name;
    }
};

}  // namespace

TEST_CASE("serve: the session endpoints and the metrics are redacted like the status file") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(name: db
secretEnv: [BACKUP_TOKEN]
statusFile: {DIR}/st.json
command: [sh, -c, 'exit 0']
hooks:
  preBackup:
    - name: leaky
      onError: Continue
      exec: {command: [sh, -c, 'echo "token=$BACKUP_TOKEN"; echo "token=$BACKUP_TOKEN" >&2; exit 1']}
)",
                                          {{"DIR", dir.path()}}));
    test::CliOptions opts;
    opts.env = {{"BACKUP_TOKEN", "env-t0ken-value"}};
    ServeDaemon d(dir / "s.yaml", opts, "");
    const std::string name = d.run_session();
    const std::string latest = d.get("/sessions/latest")->body;
    const std::string named = d.get("/sessions/" + name)->body;
    const std::string metrics = d.get("/metrics")->body;
    d.cli->signal(SIGTERM);
    const auto r = d.cli->wait();
    CHECK(r.exit_code == 0);
    const std::string file = test::read_file(dir / "st.json");
    CHECK(file.find("token=***") != std::string::npos);
    CHECK(latest.find("token=***") != std::string::npos);
    CHECK_FALSE(leaks({latest, named, metrics, file, r.err}, "env-t0ken-value"));
    // The endpoint serves the same document as the file.
    CHECK(nlohmann::json::parse(latest) == nlohmann::json::parse(file));
}

TEST_CASE("serve: the token is not in the environment of hooks or the task, and never logged") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(name: db
command: [sh, -c, 'env > {DIR}/task-env; echo "task sees $STASH_HOOK_TOKEN" >&2']
hooks:
  preBackup:
    - name: envdump
      exec: {command: [sh, -c, 'env > {DIR}/hook-env; echo "{TOKEN}"; echo "hook knows {TOKEN}" >&2']}
)",
                                          {{"DIR", dir.path()}, {"TOKEN", "serve-t0ken-abcdef"}}));
    test::CliOptions opts;
    opts.env = {{"STASH_HOOK_TOKEN", "serve-t0ken-abcdef"}};
    ServeDaemon d(dir / "s.yaml", opts, "serve-t0ken-abcdef");
    const std::string name = d.run_session();
    const std::string latest = d.get("/sessions/" + name)->body;
    d.cli->signal(SIGTERM);
    const auto r = d.cli->wait();
    CHECK(r.exit_code == 0);
    const std::string hook_env = test::read_file(dir / "hook-env");
    const std::string task_env = test::read_file(dir / "task-env");
    CHECK(hook_env.find("PATH=") != std::string::npos);
    CHECK_FALSE(leaks({hook_env, task_env}, "STASH_HOOK_TOKEN"));
    // A hook that knows the token anyway (here: written into the spec) has it masked.
    CHECK(latest.find("hook knows ***") != std::string::npos);
    CHECK_FALSE(leaks({hook_env, task_env, latest, r.err}, "serve-t0ken-abcdef"));
}

TEST_CASE("multi-line secrets are redacted whole, line by line and JSON-escaped") {
    const std::string pem =
        "-----BEGIN PRIVATE KEY-----\n"
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n"
        "AKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n"
        "-----END PRIVATE KEY-----\n";
    test::TempDir dir;
    // The key's lines with "\n" between them (as in a JSON service-account key), and a
    // secret with quotes as JSON spells it.
    test::write_file(dir / "escaped.sh", R"SH(#!/bin/sh
printf '%s' "$PEM_KEY" | awk '{printf "%s\\n", $0}'
echo
printf '{"q": "%s"}\n' "$(printf '%s' "$QUOTED" | sed 's/"/\\"/g')"
exit 1
)SH",
                     true);
    test::write_file(dir / "s.yaml", fill(R"YAML(secretEnv: [PEM_KEY, QUOTED]
hooks:
  preBackup:
    - name: whole
      onError: Continue
      exec: {command: [sh, -c, 'printf "%s" "$PEM_KEY"; printf "%s" "$PEM_KEY" >&2; exit 1']}
    - name: one-line
      onError: Continue
      exec: {command: [sh, -c, 'echo "line: $(echo "$PEM_KEY" | sed -n 3p)" >&2; exit 1']}
    - name: escaped
      onError: Continue
      exec: {command: [{DIR}/escaped.sh]}
)YAML",
                                          {{"DIR", dir.path()}}));
    test::CliOptions opts;
    opts.env = {{"PEM_KEY", pem}, {"QUOTED", "pa\"ss\"w0rd-42"}};
    for (const char* verbosity : {"-v", "--log-format=json", "-q"}) {
        CAPTURE(verbosity);
        auto r = test::run_cli({"run", verbosity, "-f", dir / "s.yaml", "--status-file",
                                dir / "st.json", "--", "sh", "-c", "exit 0"},
                               opts);
        CHECK(r.exit_code == 0);
        const std::string status = test::read_file(dir / "st.json");
        const auto doc = nlohmann::json::parse(status);
        CHECK(doc["hooks"][2]["output"].get<std::string>().rfind("***", 0) == 0);
        for (const std::string piece :
             {"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "AKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
              "BEGIN PRIVATE KEY", "w0rd-42", "ss\\\"w0rd"}) {
            CAPTURE(piece);
            CHECK_FALSE(leaks({status, r.err}, piece));
        }
        CHECK(status.find("line: ***") != std::string::npos);
    }
}

TEST_CASE(
    "a secret cut by the 4 KiB output tail or the 200-character error hint leaves no visible "
    "piece") {
    const std::string secret = "STRADDLE-0123456789-abcdefghij-SECRET-xyz";  // 41 bytes
    test::TempDir dir;
    // stdout: the secret, then filler so that only the secret's last 21 bytes are in
    // the 4096-byte stdout tail; stderr: 190 bytes then the secret, cut at 200 in the hint.
    test::write_file(dir / "s.yaml", R"(secretEnv: [CUT_SECRET]
hooks:
  preBackup:
    - name: straddle
      onError: Continue
      exec: {command: [sh, -c, 'printf "%s" "$CUT_SECRET"; head -c 4075 /dev/zero | tr "\0" "."; echo; head -c 190 /dev/zero | tr "\0" "-" >&2; echo "$CUT_SECRET" >&2; exit 1']}
    - name: combined
      onError: Continue
      exec: {command: [sh, -c, 'printf "%s" "$CUT_SECRET"; head -c 8171 /dev/zero | tr "\0" "."; echo; exit 1']}
)");
    test::CliOptions opts;
    opts.env = {{"CUT_SECRET", secret}};
    auto r = test::run_cli({"run", "-v", "-f", dir / "s.yaml", "--status-file", dir / "st.json",
                            "--", "sh", "-c", "exit 0"},
                           opts);
    CHECK(r.exit_code == 0);
    const std::string status = test::read_file(dir / "st.json");
    const auto doc = nlohmann::json::parse(status);
    CHECK(doc["hooks"][0]["stdout"].get<std::string>().size() <= 4096);
    CHECK(doc["hooks"][0]["stdout"].get<std::string>().rfind("***...", 0) == 0);  // the cut piece
    CHECK(doc["hooks"][1]["output"].get<std::string>().rfind("***...", 0) == 0);
    CHECK(doc["hooks"][0]["error"].get<std::string>().find("exit code 1: ") == 0);
    CHECK(doc["hooks"][0]["error"].get<std::string>().find("-***") != std::string::npos);
    for (const std::string piece :
         {"abcdefghij-SECRET-xyz", "SECRET-xyz", "STRADDLE-0", "STRADDLE", "0123456789"}) {
        CAPTURE(piece);
        CHECK_FALSE(leaks({status, r.err}, piece));
    }
}

TEST_CASE("webhook URLs: path and query hidden unless showUrl, URL passwords never shown") {
    test::TestHttpServer server;
    server.route(".*", [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
    server.start();
    const std::string secret_path = "/services/T000SLACK/B000HOOK/XXXXs3cretXXXX?topic=private";
    test::TempDir dir;
    const std::string spec = R"({TOP}hooks:
  postBackup:
    - name: slack
      onError: Continue
      httpPost:
        host: 127.0.0.1
        port: {PORT}
        path: {PATH}{SHOW}
        body: 'done'
    - name: with-password
      onError: Continue
      httpGet:
        host: 'admin:hunter2-pw@127.0.0.1'
        port: {PORT}
        path: /x
        showUrl: true
    - name: echo
      onError: Continue
      exec: {command: [sh, -c, 'echo "posting to http://127.0.0.1:{PORT}{PATH}"; exit 1']}
)";
    struct Case {
        std::string top;
        std::string show;
        bool shown;
    };
    for (const Case& c : {Case{"", "", false}, Case{"", "\n        showUrl: true", true},
                          Case{"showUrls: true\n", "", true},
                          Case{"showUrls: true\n", "\n        showUrl: false", false}}) {
        CAPTURE(c.top);
        CAPTURE(c.show);
        test::write_file(dir / "s.yaml", fill(spec, {{"TOP", c.top},
                                                     {"PORT", std::to_string(server.port())},
                                                     {"PATH", secret_path},
                                                     {"SHOW", c.show}}));
        auto run = test::run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json",
                                  "--", "sh", "-c", "exit 0"});
        CHECK(run.exit_code == 0);
        auto plan = test::run_cli({"plan", "-f", dir / "s.yaml"});
        auto dry = test::run_cli({"run", "--dry-run", "-f", dir / "s.yaml", "--", "true"});
        const std::string status = test::read_file(dir / "st.json");
        const std::vector<std::string> outputs = {run.err, status, plan.out, dry.out};
        CHECK_FALSE(leaks(outputs, "hunter2-pw"));
        if (c.shown) {
            CHECK(plan.out.find(secret_path) != std::string::npos);
            CHECK(run.err.find(secret_path) != std::string::npos);
        } else {
            CHECK_FALSE(leaks(outputs, "s3cret"));
            CHECK_FALSE(leaks(outputs, "T000SLACK"));
            CHECK_FALSE(leaks(outputs, "topic=private"));
            const std::string masked = "http://127.0.0.1:" + std::to_string(server.port()) + "/***";
            CHECK(plan.out.find(masked) != std::string::npos);
            CHECK(run.err.find(masked) != std::string::npos);
        }
    }
    // The server still received the real path.
    const auto received = server.requests();
    REQUIRE_FALSE(received.empty());
    CHECK(received.front().path == secret_path);
}

TEST_CASE("plan and --dry-run mask what run would mask") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", R"(secretEnv: [RESTIC_PASSWORD]
command: [restic, backup, --password, s3kr1t-restic-pw]
hooks:
  preBackup:
    - name: literal
      exec: {command: [sh, -c, 'curl -H "Authorization: Bearer hdr-t0ken-from-env" http://x']}
  postBackup:
    - name: notify
      httpPost:
        host: 127.0.0.1
        port: 9
        path: /
        httpHeaders: [{name: Authorization, value: 'Bearer {{ env "NOTIFY_TOKEN" }}'}]
)");
    test::CliOptions opts;
    opts.env = {{"RESTIC_PASSWORD", "s3kr1t-restic-pw"}, {"NOTIFY_TOKEN", "hdr-t0ken-from-env"}};
    auto plan = test::run_cli({"plan", "-f", dir / "s.yaml"}, opts);
    auto dry = test::run_cli({"run", "--dry-run", "-f", dir / "s.yaml"}, opts);
    CHECK(plan.exit_code == 0);
    CHECK(dry.exit_code == 0);
    CHECK(plan.out.find("restic backup --password ***") != std::string::npos);
    CHECK(plan.out == dry.out);
    CHECK_FALSE(leaks({plan.out, plan.err, dry.out, dry.err}, "s3kr1t-restic-pw"));
    CHECK_FALSE(leaks({plan.out, plan.err, dry.out, dry.err}, "hdr-t0ken-from-env"));
}

TEST_CASE(
    "secrets: exactly the environment values a header template reads are secrets, not text that "
    "says env") {
    test::TempDir dir;
    // The token is read through env in a header; the exec hook prints it bare. A header
    // that only mentions "environment" in its text reads nothing secret.
    test::write_file(dir / "s.yaml", R"(namespace: prod
hooks:
  preBackup:
    - name: notify
      onError: Continue
      httpGet:
        host: 127.0.0.1
        port: 9
        path: /
        httpHeaders:
          - {name: Authorization, value: 'Bearer {{ "NOTIFY_TOKEN" | env }}'}
          - {name: X-Where, value: '{{ .Namespace }}-environment'}
  postBackup:
    - name: echo
      onError: Continue
      exec: {command: [sh, -c, 'echo "token $NOTIFY_TOKEN to prod-environment" >&2; exit 1']}
)");
    test::CliOptions opts;
    opts.env = {{"NOTIFY_TOKEN", "hdr-t0ken-via-env"}};
    auto r = test::run_cli(
        {"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"}, opts);
    CHECK(r.exit_code == 0);
    const std::string status = test::read_file(dir / "st.json");
    CHECK_FALSE(leaks({r.err, status}, "hdr-t0ken-via-env"));
    CHECK(status.find("token *** to prod-environment") != std::string::npos);
    CHECK(r.err.find("token *** to prod-environment") != std::string::npos);
}

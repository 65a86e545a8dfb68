// Secrets (CONTRACT section 6): header values, URL passwords and secretEnv values
// read *** in logs at every verbosity, in errors, captured output and the status file.

#include <doctest/doctest.h>

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
        auto r = test::run_cli({"run", verbosity, "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh",
                                "-c", "exit 3"},
                               opts);
        CHECK(r.exit_code == 3);
        const std::string status = test::read_file(dir / "st.json");
        for (const char* secret : {"env-t0ken-value", "pa55w0rd-x", "Bearer-hdr-s3cret"}) {
            CAPTURE(secret);
            CHECK(r.err.find(secret) == std::string::npos);
            CHECK(status.find(secret) == std::string::npos);
        }
        CHECK(status.find("token=*** url=https://admin:***@db.example/x bearer=***") != std::string::npos);
    }
    // The server still received the real header.
    CHECK(server.requests().back().header("Authorization") == "Bearer-hdr-s3cret");
}

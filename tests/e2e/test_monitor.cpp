// monitor: Healthchecks, ntfy, Uptime Kuma, Cronitor and a generic webhook, each against a
// loopback server that checks the request shape the real service expects.

#include <doctest/doctest.h>

#include <regex>

#include "test_support.hpp"

using test::fill;
using test::run_cli;

namespace {

const std::string kUuid = "5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c";
const std::regex kRid("rid=([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$");

void ok_route(test::TestHttpServer& server, int status = 200) {
    server.route(".*", [status](const httplib::Request&, httplib::Response& res) {
        res.status = status;
        res.set_content("OK", "text/plain");
    });
}

/// Writes `text` as `dir`/`file` with {DIR}, {PORT} and {UUID} filled in; returns its path.
std::string write_spec(const test::TempDir& dir, const std::string& file, const std::string& text,
                       int port) {
    test::write_file(
        dir / file,
        fill(text, {{"DIR", dir.path()}, {"PORT", std::to_string(port)}, {"UUID", kUuid}}));
    return dir / file;
}

/// A loopback server answering every request with `status`.
struct Peer {
    test::TestHttpServer server;
    explicit Peer(int status = 200) {
        ok_route(server, status);
        server.start();
    }
};

}  // namespace

// Healthchecks' pinging API (https://healthchecks.io/docs/http_api/): /<uuid>/start signals a
// start, /<uuid> success, /<uuid>/<exit-status> 0-255 success or failure, ?rid=<uuid> pairs a
// start with its end, and a POST body up to 100 kB is kept as the ping's log.
TEST_CASE("healthchecks: a start and an end ping paired by rid, the end with a body") {
    Peer peer;
    auto& server = peer.server;
    test::TempDir dir;
    write_spec(dir, "s.yaml", R"(name: db
statusFile: {DIR}/status.json
monitor:
  - type: healthchecks
    url: http://127.0.0.1:{PORT}/{UUID}
)",
               server.port());
    auto r = run_cli({"run", "-v", "-f", dir / "s.yaml", "--", "true"});
    CHECK(r.exit_code == 0);
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 2);
    CHECK(reqs[0].method == "GET");
    CHECK(reqs[0].path.rfind("/" + kUuid + "/start?rid=", 0) == 0);
    CHECK(reqs[1].method == "POST");
    CHECK(reqs[1].path.rfind("/" + kUuid + "?rid=", 0) == 0);
    std::smatch start_rid, end_rid;
    REQUIRE(std::regex_search(reqs[0].path, start_rid, kRid));
    REQUIRE(std::regex_search(reqs[1].path, end_rid, kRid));
    // Copied out: the match results point into reqs, which is reassigned below.
    const std::string rid = start_rid[1].str();
    CHECK(rid == end_rid[1].str());
    CHECK(reqs[1].body.find("Succeeded") != std::string::npos);
    const std::string status = test::read_file(dir / "status.json");
    CHECK(test::read_json(dir / "status.json")["warnings"] == nlohmann::json::array());
    // The uuid is the check's secret: nowhere in the logs or the status file.
    CHECK(status.find(kUuid) == std::string::npos);
    CHECK(r.err.find(kUuid) == std::string::npos);
    CHECK(run_cli({"plan", "-f", dir / "s.yaml"}).out.find(kUuid) == std::string::npos);

    // A second session gets another rid.
    CHECK(run_cli({"run", "-f", dir / "s.yaml", "--", "true"}).exit_code == 0);
    reqs = server.requests();
    REQUIRE(reqs.size() == 4);
    std::smatch again;
    REQUIRE(std::regex_search(reqs[2].path, again, kRid));
    CHECK(again[1].str() != rid);
}

TEST_CASE("healthchecks: a failed task pings the exit-status endpoint, ping key and slug") {
    Peer peer;
    auto& server = peer.server;
    test::TempDir dir;
    write_spec(dir, "s.yaml", R"(name: db
monitor:
  - type: healthchecks
    url: http://127.0.0.1:{PORT}/{UUID}
    bodyLimit: 40
  - type: healthchecks
    name: by-slug
    url: http://127.0.0.1:{PORT}/ping
    pingKey: pk-0123456789abcdef
    slug: nightly-db
)",
               server.port());
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c",
                      "echo a long line that should not fit in forty bytes; exit 3"});
    CHECK(r.exit_code == 3);
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 4);
    CHECK(reqs[0].path.rfind("/" + kUuid + "/start?rid=", 0) == 0);
    CHECK(reqs[1].path.rfind("/ping/pk-0123456789abcdef/nightly-db/start?rid=", 0) == 0);
    CHECK(reqs[2].method == "POST");
    CHECK(reqs[2].path.rfind("/" + kUuid + "/3?rid=", 0) == 0);
    CHECK(reqs[2].body.size() <= 40);
    CHECK(reqs[2].body.find("db-") == 0);
    CHECK(reqs[3].path.rfind("/ping/pk-0123456789abcdef/nightly-db/3?rid=", 0) == 0);
    CHECK(reqs[3].body.find("Failed") != std::string::npos);
    CHECK(reqs[3].body.find("exit code 3") != std::string::npos);
    CHECK(r.err.find("pk-0123456789abcdef") == std::string::npos);
}

TEST_CASE("healthchecks: with capture on, the failure ping's body says why the task failed") {
    Peer peer;
    auto& server = peer.server;
    test::TempDir dir;
    write_spec(dir, "s.yaml", R"(name: db
capture: true
monitor:
  - {type: healthchecks, url: "http://127.0.0.1:{PORT}/{UUID}", start: false}
)",
               server.port());
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c",
                      "echo 'Fatal: unable to open repository' >&2; exit 1"});
    CHECK(r.exit_code == 1);
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].path.rfind("/" + kUuid + "/1?rid=", 0) == 0);
    CHECK(reqs[0].body.find("exit code 1") != std::string::npos);
    CHECK(reqs[0].body.find("output:\nFatal: unable to open repository") != std::string::npos);
}

TEST_CASE("a dead monitor is a warning, not a failure, unless required, 4xx is not retried") {
    test::TempDir dir;
    const int dead = test::closed_port();
    write_spec(dir, "s.yaml", R"(name: db
statusFile: {DIR}/status.json
monitor:
  - type: healthchecks
    url: http://127.0.0.1:{PORT}/{UUID}
    retry: {attempts: 1, delay: 10ms}
)",
               dead);
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "touch", dir / "ran"});
    CHECK(r.exit_code == 0);
    CHECK(std::filesystem::exists(dir / "ran"));
    auto status = test::read_json(dir / "status.json");
    CHECK(status["phase"] == "Succeeded");
    REQUIRE(status["warnings"].size() == 2);  // the start and the success ping
    CHECK(status["warnings"][0].get<std::string>().find("monitor healthchecks start") !=
          std::string::npos);
    CHECK(test::read_file(dir / "status.json").find(kUuid) == std::string::npos);
    CHECK(r.err.find(kUuid) == std::string::npos);
    CHECK(r.err.find("attempt 1 of 2 failed") != std::string::npos);  // a connect error: retried

    // required: true: a start ping that fails stops the backup (a pre-hook failure).
    write_spec(dir, "req.yaml", R"(monitor:
  - type: healthchecks
    url: http://127.0.0.1:{PORT}/{UUID}
    required: true
    retry: {attempts: 0}
)",
               dead);
    auto req = run_cli({"run", "-f", dir / "req.yaml", "--", "touch", dir / "ran2"});
    CHECK(req.exit_code == 120);
    CHECK(!std::filesystem::exists(dir / "ran2"));

    // A 404 (an unknown check) is not retried; a 503 is.
    for (int code : {404, 503}) {
        Peer failing(code);
        auto& server = failing.server;
        write_spec(dir, "c.yaml", R"(monitor:
  - type: healthchecks
    url: http://127.0.0.1:{PORT}/{UUID}
    start: false
    retry: {attempts: 2, delay: 10ms}
)",
                   server.port());
        CHECK(run_cli({"run", "-f", dir / "c.yaml", "--", "true"}).exit_code == 0);
        CHECK(server.requests().size() == (code == 404 ? 1u : 3u));
    }
}

// ntfy's publishing API (https://docs.ntfy.sh/publish/): POST the message to the topic URL,
// with Title, Priority (1-5 or min..urgent) and Tags (comma-separated) headers.
TEST_CASE("ntfy: a POST to the topic with title, priority and tags headers") {
    Peer peer;
    auto& server = peer.server;
    test::TempDir dir;
    write_spec(dir, "s.yaml", R"(name: db
monitor:
  - type: ntfy
    url: http://127.0.0.1:{PORT}/backups-topic-7g3k
    tags: [floppy_disk]
    headers: [{name: Authorization, value: Bearer tk_secret_token_1}]
)",
               server.port());
    auto r = run_cli({"run", "-v", "-f", dir / "s.yaml", "--", "false"});
    CHECK(r.exit_code == 1);
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].method == "POST");
    CHECK(reqs[0].path == "/backups-topic-7g3k");
    CHECK(reqs[0].header("Title").find("Failed") != std::string::npos);
    CHECK(reqs[0].header("Priority") == "high");
    CHECK(reqs[0].header("Tags") == "rotating_light,floppy_disk");
    CHECK(reqs[0].header("Authorization") == "Bearer tk_secret_token_1");
    CHECK(reqs[0].body.find("exit code 1") != std::string::npos);
    CHECK(r.err.find("backups-topic-7g3k") == std::string::npos);
    CHECK(r.err.find("tk_secret_token_1") == std::string::npos);
}

// Uptime Kuma's push monitor: GET /api/push/<token>?status=up|down&msg=...&ping=
// Cronitor's telemetry API (https://cronitor.io/docs/telemetry-api): GET
// /p/<api-key>/<monitor-key>?state=run|complete|fail, with series to pair them,
// status_code, message and host.
TEST_CASE("uptime kuma push and cronitor telemetry") {
    Peer peer;
    auto& server = peer.server;
    test::TempDir dir;
    write_spec(dir, "s.yaml", R"(name: db
monitor:
  - type: uptimeKuma
    url: http://127.0.0.1:{PORT}/api/push/KumaToken123
  - type: cronitor
    url: http://127.0.0.1:{PORT}/p/cronitorApiKey42/nightly-db
)",
               server.port());
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "true"});
    CHECK(r.exit_code == 0);
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 3);
    CHECK(reqs[0].method == "GET");
    CHECK(reqs[0].path.rfind("/p/cronitorApiKey42/nightly-db?state=run&series=", 0) == 0);
    CHECK(reqs[1].path.rfind("/api/push/KumaToken123?status=up&msg=db-", 0) == 0);
    CHECK(reqs[1].path.find("%20Succeeded&ping=") != std::string::npos);
    CHECK(reqs[2].path.rfind("/p/cronitorApiKey42/nightly-db?state=complete&series=", 0) == 0);
    CHECK(reqs[2].path.find("&status_code=0&message=") != std::string::npos);
    const auto series = [](const std::string& path) {
        const size_t at = path.find("series=") + 7;
        return path.substr(at, path.find('&', at) - at);
    };
    CHECK(series(reqs[0].path) == series(reqs[2].path));
    CHECK(series(reqs[0].path).size() == 36);
    CHECK(r.err.find("KumaToken123") == std::string::npos);
    CHECK(r.err.find("cronitorApiKey42") == std::string::npos);

    write_spec(dir, "f.yaml", R"(monitor:
  - type: uptimeKuma
    url: http://127.0.0.1:{PORT}/api/push/KumaToken123
)",
               server.port());
    CHECK(run_cli({"run", "-f", dir / "f.yaml", "--", "false"}).exit_code == 1);
    reqs = server.requests();
    REQUIRE(reqs.size() == 4);
    CHECK(reqs[3].path.find("?status=down&msg=") != std::string::npos);
}

TEST_CASE("webhook: a templated body and headers, on start when asked, bad monitors refused") {
    Peer peer;
    auto& server = peer.server;
    test::TempDir dir;
    write_spec(dir, "s.yaml", R"(name: db
monitor:
  - type: webhook
    url: http://127.0.0.1:{PORT}/services/T000/B000/XXXXXXXXXXXXXXXX
    start: true
    headers: [{name: Content-Type, value: application/json}]
    body: '{"text": {{ printf "%s %s" .Name .Status.Phase | toJson }}}'
)",
               server.port());
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "true"});
    CHECK(r.exit_code == 0);
    auto reqs = server.requests();
    REQUIRE(reqs.size() == 2);
    CHECK(reqs[0].method == "POST");
    CHECK(reqs[0].header("Content-Type") == "application/json");
    auto start = nlohmann::json::parse(reqs[0].body);
    CHECK(start["text"].get<std::string>().ends_with(" Running"));
    auto end = nlohmann::json::parse(reqs[1].body);
    CHECK(end["text"].get<std::string>().ends_with(" Succeeded"));
    CHECK(r.err.find("XXXXXXXXXXXXXXXX") == std::string::npos);

    test::write_file(dir / "bad.yaml", R"(monitor:
  - type: healthcheck
    url: https://hc-ping.com/x
  - type: ntfy
    url: ftp://ntfy.sh/topic
  - {type: ntfy, name: n2, url: "https://ntfy.sh/topic", start: true}
)");
    auto bad = run_cli({"validate", "-f", dir / "bad.yaml"});
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.find("bad.yaml:2:11: monitor[0].type must be") != std::string::npos);
    CHECK(bad.err.find("is not an http:// or https:// URL") != std::string::npos);
    CHECK(bad.err.find("start applies to") != std::string::npos);
}

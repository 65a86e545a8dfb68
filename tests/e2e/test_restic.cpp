// A real backup: Debian's restic into a local repository, wrapped with hooks of
// every kind against real loopback endpoints.

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "test_support.hpp"

using test::fill;
using test::run_cli;

TEST_CASE("restic backup wrapped with exec, tcpSocket, httpGet and httpPost hooks") {
    if (std::system("command -v restic >/dev/null 2>&1") != 0)
        FAIL("restic is not installed (make test installs it)");
    test::TempDir dir;
    std::filesystem::create_directories(dir / "data/sub");
    test::write_file(dir / "data/a.txt", "alpha\n");
    test::write_file(dir / "data/sub/b.txt", std::string(100000, 'b'));
    setenv("RESTIC_PASSWORD", "test-password", 1);
    setenv("RESTIC_CACHE_DIR", (dir / "cache").c_str(), 1);
    REQUIRE(std::system(("restic init -q -r " + (dir / "repo") + " >/dev/null 2>&1").c_str()) == 0);

    test::TestHttpServer server;
    test::answer_ok(server);
    const std::string port = std::to_string(server.port());
    test::write_file(dir / "hooks.yaml", fill(R"(name: files
statusFile: {DIR}/status.json
command: [restic, -r, {DIR}/repo, backup, --no-cache, {DIR}/data]
timeout: 5m
hooks:
  preBackup:
    - name: flush
      exec: {command: [sh, -c, "date > {DIR}/data/flushed-at"]}
    - name: endpoint-up
      tcpSocket: {host: 127.0.0.1, port: {PORT}}
    - name: announce
      httpGet: {host: 127.0.0.1, port: {PORT}, path: "/start?target=files"}
  postBackup:
    - name: resume
      exec: {command: [sh, -c, "echo $STASH_HOOK_PHASE > {DIR}/resumed"]}
    - name: notify
      httpPost: {host: 127.0.0.1, port: {PORT}, path: /done, body: '{"status": "done"}'}
)",
                                              {{"DIR", dir.path()}, {"PORT", port}}));
    auto r = run_cli({"run", "-f", dir / "hooks.yaml"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("snapshot") != std::string::npos);  // restic's own stdout, untouched
    auto st = test::read_json(dir / "status.json");
    CHECK(st["phase"] == "Succeeded");
    CHECK(st["task"]["exitCode"] == 0);
    CHECK(test::read_file(dir / "resumed") == "Succeeded\n");
    auto received = server.requests();
    REQUIRE(received.size() == 2);
    CHECK(received[0].path == "/start?target=files");
    CHECK(received[1].body == R"({"status": "done"})");

    // The snapshot is really there, with the file the pre hook wrote.
    const std::string ls = dir / "ls.txt";
    REQUIRE(std::system(
                ("restic -r " + (dir / "repo") + " --no-cache ls latest > " + ls + " 2>/dev/null")
                    .c_str()) == 0);
    CHECK(test::read_file(ls).find("flushed-at") != std::string::npos);

    // A failing backup (a missing source) still resumes the application.
    test::write_file(
        dir / "fail.yaml",
        fill(R"(command: [restic, -r, {DIR}/repo, backup, --no-cache, {DIR}/no-such-folder]
hooks:
  postBackup: {name: resume, exec: {command: [sh, -c, "echo $STASH_HOOK_PHASE $STASH_HOOK_TASK_EXIT_CODE > {DIR}/resumed"]}}
)",
             {{"DIR", dir.path()}}));
    auto failed = run_cli({"run", "-f", dir / "fail.yaml"});
    CHECK(failed.exit_code != 0);
    CHECK(failed.exit_code < 120);
    CHECK(test::read_file(dir / "resumed") == "Failed " + std::to_string(failed.exit_code) + "\n");
}

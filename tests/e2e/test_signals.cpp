// Signals (CONTRACT section 6): forwarded to what runs, post hooks still run, the
// status file is written, exit 128+N; a second signal stops the post hooks; no
// process we started survives.

#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>

#include "test_support.hpp"

using test::fill;

TEST_CASE("SIGTERM during the task goes to its group, and post hooks run with the signal named") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup: {name: resume, exec: {command: [sh, -c, 'echo "$STASH_HOOK_PHASE|$STASH_HOOK_ERROR" > {DIR}/post']}}
)",
                                          {{"DIR", dir.path()}}));
    test::BackgroundCli run({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh", "-c",
                             fill("trap 'echo got-TERM > {DIR}/trapped; exit 3' TERM; touch {DIR}/started; "
                                  "while :; do sleep 0.1; done",
                                  {{"DIR", dir.path()}})});
    REQUIRE(test::wait_for_file(dir / "started"));
    run.signal(SIGTERM);
    auto r = run.wait();
    CHECK(r.exit_code == 128 + SIGTERM);
    CHECK(test::read_file(dir / "trapped") == "got-TERM\n");
    CHECK(test::read_file(dir / "post") == "Failed|interrupted by SIGTERM\n");
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Failed");
    CHECK(st["exitCode"] == 143);
    CHECK(st["interruptedBy"] == "SIGTERM");
    CHECK(st["postHooksStopped"] == false);
    CHECK(st["error"] == "interrupted by SIGTERM");
    CHECK(st["task"]["error"] == "interrupted by SIGTERM");
}

TEST_CASE("SIGINT during a pre hook stops it, skips the task and still runs the post hooks") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup:
    - {name: slow, exec: {command: [sh, -c, "touch {DIR}/started; sleep 300"]}}
    - {name: next, exec: {command: [touch, {DIR}/next]}}
  postBackup: {name: undo, exec: {command: [touch, {DIR}/undone]}}
)",
                                          {{"DIR", dir.path()}}));
    test::BackgroundCli run({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "touch", dir / "task"});
    REQUIRE(test::wait_for_file(dir / "started"));
    run.signal(SIGINT);
    auto r = run.wait();
    CHECK(r.exit_code == 128 + SIGINT);
    CHECK(r.seconds < 30);
    CHECK_FALSE(std::filesystem::exists(dir / "next"));
    CHECK_FALSE(std::filesystem::exists(dir / "task"));
    CHECK(std::filesystem::exists(dir / "undone"));
    auto st = test::read_json(dir / "st.json");
    CHECK(st["hooks"][0]["phase"] == "Failed");
    CHECK(st["hooks"][0]["error"].get<std::string>().rfind("interrupted by SIGINT", 0) == 0);
    CHECK(st["hooks"][1]["phase"] == "Skipped");
    CHECK(st["task"]["phase"] == "Skipped");
    CHECK(st["hooks"][2]["phase"] == "Succeeded");
}

TEST_CASE("a second signal while post hooks run stops them, and the status says so") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup:
    - {name: slow-undo, exec: {command: [sh, -c, "touch {DIR}/post-started; sleep 300"]}}
    - {name: notify, exec: {command: [touch, {DIR}/notified]}}
)",
                                          {{"DIR", dir.path()}}));
    test::BackgroundCli run({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh", "-c",
                             "touch " + (dir / "started") + "; sleep 300"});
    REQUIRE(test::wait_for_file(dir / "started"));
    run.signal(SIGTERM);
    REQUIRE(test::wait_for_file(dir / "post-started"));
    run.signal(SIGINT);
    auto r = run.wait();
    CHECK(r.exit_code == 128 + SIGTERM);  // the first signal decides the code
    CHECK(r.seconds < 30);
    CHECK_FALSE(std::filesystem::exists(dir / "notified"));
    auto st = test::read_json(dir / "st.json");
    CHECK(st["postHooksStopped"] == true);
    CHECK(st["error"] == "interrupted by SIGTERM; post hooks stopped by SIGINT");
    CHECK(st["hooks"][0]["phase"] == "Failed");
    CHECK(st["hooks"][1]["phase"] == "Skipped");
    CHECK(st["hooks"][1]["reason"] == "post hooks stopped by SIGINT");
}

TEST_CASE("SIGHUP is handled like SIGTERM") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    test::BackgroundCli run({"run", "-f", dir / "s.yaml", "--", "sh", "-c", "touch " + (dir / "started") + "; sleep 300"});
    REQUIRE(test::wait_for_file(dir / "started"));
    run.signal(SIGHUP);
    CHECK(run.wait().exit_code == 128 + SIGHUP);
}

TEST_CASE("no process started by a run survives it, daemonised grandchildren included") {
    test::TempDir dir;
    // setsid puts the grandchild in a session of its own: only the subreaper finds it.
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup: {exec: {command: [sh, -c, "setsid sh -c 'echo $$ > {DIR}/daemon; exec sleep 300' > /dev/null 2>&1 < /dev/null & while [ ! -s {DIR}/daemon ]; do sleep 0.01; done"]}}
)",
                                          {{"DIR", dir.path()}}));
    auto r = test::run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c", "sleep 300 & echo $! > " + (dir / "task-child")});
    CHECK(r.exit_code == 0);
    REQUIRE(test::wait_for_file(dir / "daemon", 5));
    CHECK_FALSE(test::process_alive(std::stoi(test::read_file(dir / "daemon"))));
    CHECK_FALSE(test::process_alive(std::stoi(test::read_file(dir / "task-child"))));
}

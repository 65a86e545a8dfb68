// Batches (man page, SESSION and SPEC members): order across global and member hooks, parallelism,
// failure rules, --member, and the status file's members.

#include <doctest/doctest.h>

#include <algorithm>

#include "test_support.hpp"

using test::fill;
using test::run_cli;
using Lines = std::vector<std::string>;

namespace {

std::string batch_spec(const test::TempDir& dir, const std::string& extra_top, int b_task_exit) {
    return fill(
        R"(name: nightly
{EXTRA}
hooks:
  preBackup: {name: global-pre, exec: {command: [sh, -c, "echo global-pre >> {DIR}/log"]}}
  postBackup: {name: global-post, exec: {command: [sh, -c, "echo global-post-$STASH_HOOK_PHASE >> {DIR}/log"]}}
members:
  - name: a
    command: [sh, -c, "echo a-task >> {DIR}/log"]
    hooks:
      preBackup: {exec: {command: [sh, -c, "echo a-pre-$STASH_HOOK_MEMBER >> {DIR}/log"]}}
      postBackup: {exec: {command: [sh, -c, "echo a-post >> {DIR}/log"]}}
  - name: b
    command: [sh, -c, "echo b-task >> {DIR}/log; exit {BEXIT}"]
    hooks:
      postBackup: {exec: {command: [sh, -c, "echo b-post-$STASH_HOOK_PHASE >> {DIR}/log"]}}
  - name: c
    command: [sh, -c, "echo c-task >> {DIR}/log"]
)",
        {{"DIR", dir.path()}, {"EXTRA", extra_top}, {"BEXIT", std::to_string(b_task_exit)}});
}

}  // namespace

TEST_CASE("a sequential batch runs global pre, each member in order, then global post") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", batch_spec(dir, "", 0));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json"});
    CHECK(r.exit_code == 0);
    CHECK(test::read_lines(dir / "log") == Lines{"global-pre", "a-pre-a", "a-task", "a-post",
                                                 "b-task", "b-post-Succeeded", "c-task",
                                                 "global-post-Succeeded"});
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Succeeded");
    REQUIRE(st["members"].size() == 3);
    CHECK(st["members"][0]["name"] == "a");
    CHECK(st["members"][0]["phase"] == "Succeeded");
    CHECK(st["members"][0]["exitCode"] == 0);
    CHECK(st["members"][0]["task"]["command"][0] == "sh");
    CHECK(st["members"][0]["hooks"].size() == 2);
    CHECK(st["hooks"].size() == 2);  // the global ones
}

TEST_CASE("one failing member does not stop the others and decides the exit code") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", batch_spec(dir, "", 6));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json"});
    CHECK(r.exit_code == 6);
    CHECK(test::read_lines(dir / "log") == Lines{"global-pre", "a-pre-a", "a-task", "a-post",
                                                 "b-task", "b-post-Failed", "c-task",
                                                 "global-post-Failed"});
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Failed");
    CHECK(st["members"][1]["phase"] == "Failed");
    CHECK(st["members"][1]["exitCode"] == 6);
    CHECK(st["members"][2]["phase"] == "Succeeded");
    CHECK(st["error"] == "member b: backup command failed: exit code 6");
}

TEST_CASE("a global pre failure skips every member and still runs the global post hooks") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup: {exec: {command: [sh, -c, "echo global-pre >> {DIR}/log; exit 1"]}}
  postBackup: {exec: {command: [sh, -c, "echo global-post >> {DIR}/log"]}}
members:
  - {name: a, command: [sh, -c, "echo a >> {DIR}/log"], hooks: {preBackup: {exec: {command: [true]}}}}
  - {name: b, command: [sh, -c, "echo b >> {DIR}/log"]}
)",
                                          {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json"});
    CHECK(r.exit_code == 120);
    CHECK(test::read_lines(dir / "log") == Lines{"global-pre", "global-post"});
    auto st = test::read_json(dir / "st.json");
    CHECK(st["members"][0]["phase"] == "Skipped");
    CHECK(st["members"][0]["hooks"][0]["phase"] == "Skipped");
    CHECK(st["members"][1]["phase"] == "Skipped");
    CHECK(st["conditions"][0]["type"] == "GlobalPreBackupHookSucceeded");
    CHECK(st["conditions"][0]["status"] == "False");
    CHECK(st["conditions"][0]["reason"] == "GlobalPreBackupHookExecutionFailed");
}

TEST_CASE("parallelism runs members at once, each still in its own order") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(parallelism: 4
hooks:
  postBackup: {exec: {command: [sh, -c, "echo global-post >> {DIR}/log"]}}
members:
  - {name: m1, command: [sleep, "1"], hooks: {preBackup: {exec: {command: [sh, -c, "echo m1-pre >> {DIR}/log"]}}, postBackup: {exec: {command: [sh, -c, "echo m1-post >> {DIR}/log"]}}}}
  - {name: m2, command: [sleep, "1"]}
  - {name: m3, command: [sleep, "1"]}
  - {name: m4, command: [sleep, "1"]}
)",
                                          {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml"});
    CHECK(r.exit_code == 0);
    CHECK(r.seconds < 3.0);  // four one-second members, sequentially at least 4 s
    CHECK(test::read_lines(dir / "log") == Lines{"m1-pre", "m1-post", "global-post"});
}

TEST_CASE("--member runs only the named members, and an unknown name is an error") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", batch_spec(dir, "", 0));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--member", "c", "--member", "a",
                      "--status-file", dir / "st.json"});
    CHECK(r.exit_code == 0);
    CHECK(test::read_lines(dir / "log") ==
          Lines{"global-pre", "a-pre-a", "a-task", "a-post", "c-task", "global-post-Succeeded"});
    CHECK(test::read_json(dir / "st.json")["members"].size() == 2);
    auto bad = run_cli({"run", "-f", dir / "s.yaml", "--member", "bb"});
    CHECK(bad.exit_code == 125);
    CHECK(bad.err.find("unknown member \"bb\"; did you mean \"b\"?") != std::string::npos);
}

TEST_CASE("a member without a command takes the one after --, and none at all is an error") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "members:\n  - {name: x}\n  - {name: y, command: [true]}\n");
    auto missing = run_cli({"run", "-f", dir / "s.yaml"});
    CHECK(missing.exit_code == 125);
    CHECK(missing.err.find("member \"x\" has no command") != std::string::npos);
    auto given =
        run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c", "echo ran-$STASH_HOOK_MEMBER"});
    CHECK(given.exit_code == 0);
    CHECK(given.out == "ran-x\n");
}

TEST_CASE("plan shows the batch: global hooks around each member's steps") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     batch_spec(dir, "parallelism: 2\nretries: {attempts: 1, delay: 5s}", 0));
    auto r = run_cli({"plan", "-f", dir / "s.yaml"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("1. global preBackup \"global-pre\"") != std::string::npos);
    CHECK(r.out.find("2. members, 2 at a time:") != std::string::npos);
    CHECK(r.out.find("   member a:\n     1. preBackup") != std::string::npos);
    CHECK(r.out.find("3. global postBackup \"global-post\"") != std::string::npos);
    CHECK(r.out.find("on failure: up to 1 more attempts, 5s apart") != std::string::npos);
}

TEST_CASE("hook STAGE --member runs one member's hooks, with its name in the environment") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", batch_spec(dir, "", 0));
    CHECK(run_cli({"hook", "-f", dir / "s.yaml", "preBackup", "--member", "a"}).exit_code == 0);
    CHECK(run_cli({"hook", "-f", dir / "s.yaml", "preBackup"}).exit_code == 0);
    CHECK(test::read_lines(dir / "log") == Lines{"a-pre-a", "global-pre"});
    CHECK(run_cli({"hook", "-f", dir / "s.yaml", "preBackup", "--member", "zz"}).exit_code == 125);
}

// The man page, SESSION: the order of pre hooks, task and post hooks in every case,
// the executionPolicy matrix, onError, retries and the environment.

#include <doctest/doctest.h>

#include "test_support.hpp"

using test::fill;
using test::run_cli;
using Lines = std::vector<std::string>;

namespace {

/// A spec whose hooks append their name to {DIR}/log; `pre2` and the post hooks'
/// exit codes are parameters.
std::string order_spec(const test::TempDir& dir, int pre1_exit, int post1_exit) {
    return fill(R"(hooks:
  preBackup:
    - {name: pre1, exec: {command: [sh, -c, "echo pre1 >> {DIR}/log; exit {PRE1}"]}}
    - {name: pre2, exec: {command: [sh, -c, "echo pre2 >> {DIR}/log"]}}
  postBackup:
    - {name: post1, exec: {command: [sh, -c, "echo post1 >> {DIR}/log; exit {POST1}"]}}
    - {name: post2, exec: {command: [sh, -c, "echo post2 >> {DIR}/log"]}}
)",
                {{"DIR", dir.path()},
                 {"PRE1", std::to_string(pre1_exit)},
                 {"POST1", std::to_string(post1_exit)}});
}

std::map<std::string, std::string> phases(const std::string& status_path) {
    std::map<std::string, std::string> out;
    const auto status = test::read_json(status_path);
    for (const auto& h : status["hooks"])
        out[h["name"].get<std::string>()] = h["phase"].get<std::string>();
    return out;
}

}  // namespace

TEST_CASE("everything succeeds: pre hooks, task, post hooks in order, exit 0") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", order_spec(dir, 0, 0));
    auto r =
        run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c", "echo task >> " + (dir / "log")});
    CHECK(r.exit_code == 0);
    CHECK(test::read_lines(dir / "log") == Lines{"pre1", "pre2", "task", "post1", "post2"});
}

TEST_CASE("a failing pre hook skips the rest and the task, post hooks still run, exit 120") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", order_spec(dir, 1, 0));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh",
                      "-c", "echo task >> " + (dir / "log")});
    CHECK(r.exit_code == 120);
    CHECK(test::read_lines(dir / "log") == Lines{"pre1", "post1", "post2"});
    auto p = phases(dir / "st.json");
    CHECK(p["pre1"] == "Failed");
    CHECK(p["pre2"] == "Skipped");
    CHECK(p["post1"] == "Succeeded");
    CHECK(test::read_json(dir / "st.json")["task"]["phase"] == "Skipped");
}

TEST_CASE("a failing task still runs the post hooks and exits with the task's code") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", order_spec(dir, 0, 0));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c",
                      "echo task >> " + (dir / "log") + "; exit 7"});
    CHECK(r.exit_code == 7);
    CHECK(test::read_lines(dir / "log") == Lines{"pre1", "pre2", "task", "post1", "post2"});
}

TEST_CASE("a failing post hook does not stop the next one and fails the session with 121") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", order_spec(dir, 0, 5));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh",
                      "-c", "echo task >> " + (dir / "log")});
    CHECK(r.exit_code == 121);
    CHECK(test::read_lines(dir / "log") == Lines{"pre1", "pre2", "task", "post1", "post2"});
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Failed");
    CHECK(st["task"]["phase"] == "Succeeded");
}

TEST_CASE("executionPolicy: which post hooks run after success and after failure") {
    const std::string spec = R"(hooks:
  postBackup:
    - {name: always, executionPolicy: Always, exec: {command: [sh, -c, "echo always >> {DIR}/log"]}}
    - {name: default, exec: {command: [sh, -c, "echo default >> {DIR}/log"]}}
    - {name: on-success, executionPolicy: OnSuccess, exec: {command: [sh, -c, "echo on-success >> {DIR}/log"]}}
    - {name: on-failure, executionPolicy: OnFailure, exec: {command: [sh, -c, "echo on-failure >> {DIR}/log"]}}
    - {name: final, executionPolicy: OnFinalRetryFailure, exec: {command: [sh, -c, "echo final >> {DIR}/log"]}}
)";
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(spec, {{"DIR", dir.path()}}));
    SUBCASE("the task succeeded") {
        CHECK(run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"})
                  .exit_code == 0);
        CHECK(test::read_lines(dir / "log") == Lines{"always", "default", "on-success"});
        auto p = phases(dir / "st.json");
        CHECK(p["on-failure"] == "Skipped");
        CHECK(p["final"] == "Skipped");
    }
    SUBCASE("the task failed") {
        CHECK(
            run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "false"})
                .exit_code == 1);
        CHECK(test::read_lines(dir / "log") == Lines{"always", "default", "on-failure", "final"});
        CHECK(phases(dir / "st.json")["on-success"] == "Skipped");
    }
    SUBCASE("a pre hook failed") {
        test::write_file(dir / "s2.yaml", fill(spec + "  preBackup: {exec: {command: [false]}}\n",
                                               {{"DIR", dir.path()}}));
        CHECK(run_cli({"run", "-f", dir / "s2.yaml", "--", "true"}).exit_code == 120);
        CHECK(test::read_lines(dir / "log") == Lines{"always", "default", "on-failure", "final"});
    }
}

TEST_CASE("onError: Continue records the failure but leaves the session alone") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup:
    - {name: optional, onError: Continue, exec: {command: [false]}}
    - {name: next, exec: {command: [sh, -c, "echo next >> {DIR}/log"]}}
  postBackup:
    - {name: only-on-success, executionPolicy: OnSuccess, exec: {command: [sh, -c, "echo post >> {DIR}/log"]}}
)",
                                          {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 0);
    CHECK(test::read_lines(dir / "log") == Lines{"next", "post"});
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Succeeded");
    CHECK(st["hooks"][0]["phase"] == "Failed");
}

TEST_CASE("retry: extra attempts after a failure, with a doubling delay") {
    test::TempDir dir;
    // Fails on the first two attempts, succeeds on the third.
    test::write_flaky_script(dir / "flaky.sh", 2);
    SUBCASE("enough attempts") {
        test::write_file(dir / "s.yaml",
                         fill("hooks:\n  preBackup: {exec: {command: [{DIR}/flaky.sh]}, "
                              "retry: {attempts: 2, delay: 10ms}}\n",
                              {{"DIR", dir.path()}}));
        CHECK(run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"})
                  .exit_code == 0);
        CHECK(test::read_json(dir / "st.json")["hooks"][0]["attempts"] == 3);
    }
    SUBCASE("too few attempts") {
        test::write_file(dir / "s.yaml",
                         fill("hooks:\n  preBackup: {exec: {command: [{DIR}/flaky.sh]}, "
                              "retry: {attempts: 1, delay: 10ms}}\n",
                              {{"DIR", dir.path()}}));
        auto r =
            run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
        CHECK(r.exit_code == 120);
        CHECK(test::read_json(dir / "st.json")["hooks"][0]["attempts"] == 2);
        CHECK(r.err.find("attempt 1 of 2 failed: exit code 1; retrying in 10ms") !=
              std::string::npos);
    }
}

TEST_CASE("hooks and the task see the session's environment variables") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(name: envcheck
hooks:
  preBackup: {exec: {command: [sh, -c, "env | grep ^STASH_HOOK_ | sort > {DIR}/pre"]}}
  postBackup: {exec: {command: [sh, -c, "env | grep ^STASH_HOOK_ | sort > {DIR}/post"]}}
)",
                                          {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c",
                      "env | grep ^STASH_HOOK_ | sort > " + (dir / "task") + "; exit 3"});
    CHECK(r.exit_code == 3);
    const auto pre = test::read_lines(dir / "pre");
    REQUIRE(pre.size() == 3);
    CHECK(pre[0] == "STASH_HOOK_KIND=backup");
    CHECK(pre[1].rfind("STASH_HOOK_SESSION=envcheck-", 0) == 0);
    CHECK(pre[2] == "STASH_HOOK_STAGE=preBackup");
    const auto task = test::read_lines(dir / "task");
    CHECK(task == Lines{pre[0], pre[1]});
    const auto post = test::read_lines(dir / "post");
    CHECK(post == Lines{"STASH_HOOK_ERROR=backup command failed: exit code 3", pre[0],
                        "STASH_HOOK_PHASE=Failed", pre[1], "STASH_HOOK_STAGE=postBackup",
                        "STASH_HOOK_TASK_EXIT_CODE=3"});
}

// Session retries: the whole session runs again; .RetryLeft and OnFinalRetryFailure
// follow Stash.

#include <doctest/doctest.h>

#include "test_support.hpp"

using test::fill;
using test::run_cli;
using Lines = std::vector<std::string>;

TEST_CASE("a task that fails twice then succeeds ends 0 with 3 attempts recorded") {
    test::TempDir dir;
    test::write_flaky_script(dir / "flaky.sh", 2);
    test::write_file(dir / "s.yaml", fill(R"(retries: {attempts: 3, delay: 10ms}
command: [{DIR}/flaky.sh]
hooks:
  preBackup: {exec: {command: [sh, -c, "echo pre-{{ .RetryLeft }} >> {DIR}/log"]}}
  postBackup:
    - {exec: {command: [sh, -c, "echo post-$STASH_HOOK_PHASE >> {DIR}/log"]}}
    - {executionPolicy: OnFinalRetryFailure, exec: {command: [sh, -c, "echo final >> {DIR}/log"]}}
)",
                                          {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json"});
    CHECK(r.exit_code == 0);
    CHECK(test::read_lines(dir / "log") ==
          Lines{"pre-3", "post-Failed", "pre-2", "post-Failed", "pre-1", "post-Succeeded"});
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Succeeded");
    CHECK(st["attempt"] == 3);
    REQUIRE(st["attempts"].size() == 3);
    CHECK(st["attempts"][0]["phase"] == "Failed");
    CHECK(st["attempts"][0]["exitCode"] == 1);
    CHECK(st["attempts"][2]["phase"] == "Succeeded");
    CHECK(r.err.find("session attempt 1 of 4 failed") != std::string::npos);
}

TEST_CASE("OnFinalRetryFailure fires once, when every attempt failed") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(retries: {attempts: 2, delay: 10ms}
command: [sh, -c, "exit 9"]
hooks:
  postBackup:
    - {executionPolicy: OnFailure, exec: {command: [sh, -c, "echo on-failure >> {DIR}/log"]}}
    - {executionPolicy: OnFinalRetryFailure, exec: {command: [sh, -c, "echo final-{{ .RetryLeft }} >> {DIR}/log"]}}
)",
                                          {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json"});
    CHECK(r.exit_code == 9);
    CHECK(test::read_lines(dir / "log") ==
          Lines{"on-failure", "on-failure", "on-failure", "final-0"});
    auto st = test::read_json(dir / "st.json");
    CHECK(st["attempts"].size() == 3);
    CHECK(st["phase"] == "Failed");
}

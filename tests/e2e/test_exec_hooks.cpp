// exec hooks: exit codes, output capture, timeouts of the whole process group.

#include <doctest/doctest.h>

#include <filesystem>

#include "test_support.hpp"

using test::fill;
using test::run_cli;

TEST_CASE("an exec hook that exits non-zero fails with its code and its output tail") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", R"(hooks:
  preBackup: {name: flush, exec: {command: [sh, -c, "echo to-stdout; echo disk full >&2; exit 3"]}}
)");
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 120);
    auto hook = test::read_json(dir / "st.json")["hooks"][0];
    CHECK(hook["phase"] == "Failed");
    CHECK(hook["exitCode"] == 3);
    CHECK(hook["error"] == "exit code 3: disk full");
    CHECK(hook["output"] == "to-stdout\ndisk full\n");
    CHECK(hook["stdout"] == "to-stdout\n");
    CHECK(hook["stderr"] == "disk full\n");
    CHECK(r.err.find("stash-hook: warning:   | disk full\n") != std::string::npos);
}

TEST_CASE("text on stderr alone is not a failure") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     "hooks:\n  preBackup: {exec: {command: [sh, -c, \"echo warning >&2\"]}}\n");
    CHECK(run_cli({"run", "-f", dir / "s.yaml", "--", "true"}).exit_code == 0);
}

TEST_CASE("exec hooks read /dev/null, not the terminal's stdin") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     fill("hooks:\n  preBackup: {exec: {command: [sh, -c, \"cat > {DIR}/in\"]}}\n",
                          {{"DIR", dir.path()}}));
    test::CliOptions opts;
    opts.stdin_text = "meant for the task\n";
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "cat"}, opts);
    CHECK(r.exit_code == 0);
    CHECK(test::read_file(dir / "in").empty());
    CHECK(r.out == "meant for the task\n");
}

TEST_CASE("a hook printing 100 MB on stdout and stderr neither deadlocks nor grows memory") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", R"(hooks:
  preBackup:
    name: chatty
    exec:
      command: [sh, -c, "head -c 100000000 /dev/zero & head -c 100000000 /dev/zero >&2; wait; echo last-line-of-stdout; echo last-line-of-stderr >&2"]
)");
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 0);
    // Peak RSS of stash-hook (and the small shell tools it waited for): far below the
    // 200 MB that went through it.
    CHECK(r.max_rss_kib < test::modest_rss_kib());
    auto hook = test::read_json(dir / "st.json")["hooks"][0];
    const std::string output = hook["output"];
    CHECK(output.size() <= 8192);
    CHECK(output.size() == 8192);
    // Each stream keeps its own last 4 KiB, whatever the other printed after it.
    const std::string stdout_tail = hook["stdout"];
    const std::string stderr_tail = hook["stderr"];
    CHECK(stdout_tail.size() == 4096);
    CHECK(stderr_tail.size() == 4096);
    CHECK(stdout_tail.ends_with(std::string(4000, '\0') + "last-line-of-stdout\n"));
    CHECK(stderr_tail.ends_with(std::string(4000, '\0') + "last-line-of-stderr\n"));
}

TEST_CASE("a hook that hangs past its timeout is stopped with its whole group") {
    test::TempDir dir;
    // Both the shell and its grandchild ignore SIGTERM: only SIGKILL after the grace stops them.
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup:
    name: hangs
    timeout: 1s
    exec:
      command: [sh, -c, "trap '' TERM; sleep 300 & echo $! > {DIR}/grandchild; echo $$ > {DIR}/child; wait"]
  postBackup: {name: undo, exec: {command: [touch, {DIR}/undone]}}
)",
                                          {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "touch",
                      dir / "task"});
    CHECK(r.exit_code == 120);
    CHECK(r.seconds < 30);  // 1s timeout + 3s grace; a hang would take 300s
    auto hook = test::read_json(dir / "st.json")["hooks"][0];
    CHECK(hook["phase"] == "Failed");
    CHECK(hook["error"].get<std::string>().rfind("timed out after 1s", 0) == 0);
    CHECK_FALSE(test::process_alive(std::stoi(test::read_file(dir / "child"))));
    CHECK_FALSE(test::process_alive(std::stoi(test::read_file(dir / "grandchild"))));
    CHECK_FALSE(std::filesystem::exists(dir / "task"));
    CHECK(std::filesystem::exists(dir / "undone"));
}

TEST_CASE("a grandchild that keeps the output pipe open does not hold the hook") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup:
    exec: {command: [sh, -c, "sleep 300 & echo $! > {DIR}/grandchild; echo started"]}
)",
                                          {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "true"});
    CHECK(r.exit_code == 0);
    CHECK(r.seconds < 30);
    CHECK_FALSE(test::process_alive(std::stoi(test::read_file(dir / "grandchild"))));
}

TEST_CASE("an exec hook whose command does not exist fails clearly") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     "hooks:\n  preBackup: {exec: {command: [no-such-command-xyz]}}\n");
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 120);
    CHECK(test::read_json(dir / "st.json")["hooks"][0]["error"] ==
          "failed to start no-such-command-xyz: command not found");
}

TEST_CASE("an exec hook killed by a signal fails naming the signal") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     "hooks:\n  postBackup: {exec: {command: [sh, -c, \"kill -KILL $$\"]}}\n");
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 121);
    CHECK(test::read_json(dir / "st.json")["hooks"][0]["error"] == "killed by SIGKILL");
}

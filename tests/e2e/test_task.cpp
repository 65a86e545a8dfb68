// The task: the terminal's streams untouched, and its exit code, timeout and signals.

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>

#include "test_support.hpp"

using test::run_cli;

TEST_CASE("the task's own exit code comes back") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    CHECK(run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c", "exit 42"}).exit_code == 42);
    CHECK(run_cli({"run", "-f", dir / "s.yaml", "--", "true"}).exit_code == 0);
}

TEST_CASE("the task's stdout passes through untouched: exactly its bytes") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     "hooks:\n  preBackup: {exec: {command: [echo, not-on-stdout]}}\n");
    test::CliOptions opts;
    opts.stdout_path = dir / "out";
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c", "head -c 50000000 /dev/zero"},
                     opts);
    CHECK(r.exit_code == 0);
    CHECK(std::filesystem::file_size(dir / "out") == 50000000);
}

TEST_CASE("the task reads the terminal's stdin") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    test::CliOptions opts;
    opts.stdin_text = "line one\nline two\n";
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "cat"}, opts);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "line one\nline two\n");
}

TEST_CASE("the spec's command runs when no -- command is given, and -- beats it") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "command: [sh, -c, \"echo from-spec\"]\n");
    CHECK(run_cli({"run", "-f", dir / "s.yaml"}).out == "from-spec\n");
    CHECK(run_cli({"run", "-f", dir / "s.yaml", "--", "echo", "from-flag"}).out == "from-flag\n");
}

TEST_CASE("a task that times out is stopped with its group and gives 124") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     test::fill("timeout: 1s\nhooks:\n  postBackup: {exec: {command: [sh, -c, "
                                "\"echo $STASH_HOOK_TASK_EXIT_CODE > {DIR}/post\"]}}\n",
                                {{"DIR", dir.path()}}));
    SUBCASE("spec timeout, task obeys SIGTERM") {
        auto r = run_cli(
            {"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sleep", "300"});
        CHECK(r.exit_code == 124);
        CHECK(r.seconds < 30);
        auto task = test::read_json(dir / "st.json")["task"];
        CHECK(task["timedOut"] == true);
        CHECK(task["signal"] == "SIGTERM");
        CHECK(test::read_file(dir / "post") == "\n");  // killed: no exit code of its own
    }
    SUBCASE("--timeout beats the spec; a task ignoring SIGTERM and its grandchild get SIGKILL") {
        auto r = run_cli({"run", "-f", dir / "s.yaml", "--timeout", "500ms", "--status-file",
                          dir / "st.json", "--", "sh", "-c",
                          "trap '' TERM; sleep 300 & echo $! > " + (dir / "gc") + "; wait"});
        CHECK(r.exit_code == 124);
        CHECK(r.seconds < 30);
        CHECK(test::read_json(dir / "st.json")["task"]["signal"] == "SIGKILL");
        CHECK_FALSE(test::process_alive(std::stoi(test::read_file(dir / "gc"))));
    }
}

TEST_CASE("a task that is not found gives 127, not executable 126") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     "hooks:\n  postBackup: {exec: {command: [touch, " + (dir / "post") + "]}}\n");
    auto missing = run_cli(
        {"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "no-such-tool-xyz"});
    CHECK(missing.exit_code == 127);
    CHECK(missing.err.find("failed to start no-such-tool-xyz: command not found") !=
          std::string::npos);
    CHECK(std::filesystem::exists(dir / "post"));
    test::write_file(dir / "plain.txt", "not a program");
    chmod((dir / "plain.txt").c_str(), 0644);
    CHECK(run_cli({"run", "-f", dir / "s.yaml", "--", dir / "plain.txt"}).exit_code == 126);
    CHECK(run_cli({"run", "-f", dir / "s.yaml", "--", dir.path()}).exit_code == 126);

    // Looked up in $PATH: the first executable file wins; a directory or a file we may
    // not execute is skipped, and when nothing else matches the latter gives 126.
    for (const char* sub : {"bin1/tool", "bin2", "bin3"})
        std::filesystem::create_directories(dir / sub);
    test::write_file(dir / "bin2/tool", "#!/bin/sh\nexit 0\n");
    chmod((dir / "bin2/tool").c_str(), 0644);
    test::write_file(dir / "bin3/tool", "#!/bin/sh\necho from-bin3\n");
    chmod((dir / "bin3/tool").c_str(), 0755);
    test::CliOptions path3;
    path3.env = {{"PATH", dir / "bin1:" + dir / "bin2:" + dir / "bin3:/usr/bin:/bin"}};
    auto found = run_cli({"run", "-q", "-f", dir / "s.yaml", "--", "tool"}, path3);
    CHECK(found.exit_code == 0);
    CHECK(found.out == "from-bin3\n");
    test::CliOptions path2;
    path2.env = {{"PATH", dir / "bin1:" + dir / "bin2:/usr/bin:/bin"}};
    auto denied = run_cli({"run", "-f", dir / "s.yaml", "--", "tool"}, path2);
    CHECK(denied.exit_code == 126);
    CHECK(denied.err.find("failed to start tool: Permission denied") != std::string::npos);
}

TEST_CASE("a task killed by signal N gives 128+N") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    CHECK(run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c", "kill -KILL $$"}).exit_code ==
          137);
    CHECK(run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c", "kill -TERM $$"}).exit_code ==
          143);
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh",
                      "-c", "kill -SEGV $$"});
    CHECK(r.exit_code == 139);
    CHECK(test::read_json(dir / "st.json")["task"]["signal"] == "SIGSEGV");
}

TEST_CASE("a bad --timeout is a usage error") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--timeout", "30", "--", "true"});
    CHECK(r.exit_code == 125);
    CHECK(r.err.find("invalid --timeout: missing unit") != std::string::npos);
}

TEST_CASE(
    "signals ignored by whoever started stash-hook are at their default in hooks and the task") {
    // cron, nohup and CI runners often start jobs with SIGINT, SIGHUP or SIGPIPE ignored;
    // a hook or task must not inherit that (the task below would survive its own kill).
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     "hooks:\n  preBackup:\n    exec: {command: [sh, -c, 'kill -HUP $$']}\n");
    test::write_file(dir / "t.yaml", "name: t\n");
    struct sigaction ignore {
    }, old_int{}, old_hup{};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ignore, &old_int);
    sigaction(SIGHUP, &ignore, &old_hup);
    auto task = run_cli({"run", "-f", dir / "t.yaml", "--", "sh", "-c", "kill -INT $$; exit 7"});
    auto hook =
        run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGHUP, &old_hup, nullptr);
    CHECK(task.exit_code == 130);
    CHECK(hook.exit_code == 120);
    CHECK(test::read_json(dir / "st.json")["hooks"][0]["error"] == "killed by SIGHUP");
}

TEST_CASE("the largest duration as a task or hook timeout means no timeout, not an instant one") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", R"(hooks:
  preBackup: {exec: {command: [sleep, "0.3"]}, timeout: 2562047h47m16.854775807s}
)");
    auto r = test::run_cli({"run", "-f", dir / "s.yaml", "--timeout", "2562047h47m16.854775807s",
                            "--lock", dir / "l", "--lock-wait", "2562047h47m16.854775807s", "--",
                            "sleep", "0.3"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("timed out") == std::string::npos);
}

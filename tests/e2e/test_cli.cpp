// The command line: subcommands, usage errors, validate, plan, hook.

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "test_support.hpp"

using test::run_cli;

TEST_CASE("version prints the version, as a subcommand and as --version") {
    auto a = run_cli({"version"});
    CHECK(a.exit_code == 0);
    CHECK(a.out.rfind("stash-hook ", 0) == 0);
    auto b = run_cli({"--version"});
    CHECK(b.exit_code == 0);
    CHECK(b.out == a.out);
}

TEST_CASE("help shows the subcommands and an example") {
    auto r = run_cli({"--help"});
    CHECK(r.exit_code == 0);
    for (const char* word : {"run", "validate", "plan", "hook", "version", "restic backup"}) {
        CAPTURE(word);
        CHECK(r.out.find(word) != std::string::npos);
    }
}

TEST_CASE("bad usage exits 125 with a message") {
    CHECK(run_cli({}).exit_code == 125);
    auto r = run_cli({"frobnicate"});
    CHECK(r.exit_code == 125);
    CHECK_FALSE(r.err.empty());
    CHECK(run_cli({"run", "--kind", "sideways", "--", "true"}).exit_code == 125);
    CHECK(run_cli({"run", "--log-format", "xml", "--", "true"}).exit_code == 125);
}

TEST_CASE("validate exits 0 for a valid spec and 1 with one line per problem") {
    test::TempDir dir;
    test::write_file(dir / "good.yaml",
                     "command: [true]\nhooks:\n  preBackup:\n    exec: {command: [true]}\n");
    auto good = run_cli({"validate", "-f", dir / "good.yaml"});
    CHECK(good.exit_code == 0);
    CHECK(good.out.find("valid") != std::string::npos);

    test::write_file(
        dir / "bad.yaml",
        "kind: backpu\ntimeout: 30\nhooks:\n  preBackup:\n    exec: {command: [true]}\n"
        "    timout: 5s\n");
    auto bad = run_cli({"validate", "-f", dir / "bad.yaml"});
    CHECK(bad.exit_code == 1);
    const std::string f = dir / "bad.yaml";
    CHECK(bad.err ==
          f + ":1:7: kind must be backup or restore, not \"backpu\"; did you mean \"backup\"?\n" +
              f +
              ":2:10: timeout: missing unit in duration \"30\" (write e.g. 30s); durations "
              "use Go syntax such as 500ms, 30s, 1m30s, 2h\n" +
              f + ":6:5: unknown key \"timout\" in hook preBackup[0]; did you mean \"timeout\"?\n");
}

TEST_CASE(
    "validate and plan print a schedule's next runs in its zone, and robfig's refusals say what to "
    "write") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     "command: [true]\nschedule: \"30 2 * * *\"\ntimeZone: America/New_York\n");
    for (const char* cmd : {"validate", "plan"}) {
        auto r = run_cli({cmd, "-f", dir / "s.yaml"});
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("schedule \"30 2 * * *\" (serve), next runs: ") != std::string::npos);
        CHECK(r.out.find(" 02:30:00 E") != std::string::npos);
        CHECK(r.out.find("(America/New_York)\n") != std::string::npos);
    }
    test::write_file(dir / "bad.yaml",
                     "command: [true]\nschedule: \"0 0 * * 7\"\ntimeZone: Mars/Olympus\n");
    auto bad = run_cli({"validate", "-f", dir / "bad.yaml"});
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.find("timeZone: unknown time zone \"Mars/Olympus\"") != std::string::npos);
    CHECK(
        bad.err.find("schedule: day of week: 7 is out of range (0-6): write 0 or sun for Sunday") !=
        std::string::npos);
}

TEST_CASE(
    "the spec comes from -f, then $STASH_HOOK_SPEC, then ./stash-hook.yaml, or stdin with -") {
    test::TempDir dir;
    test::write_file(dir / "stash-hook.yaml", "name: from-cwd\ncommand: [true]\n");
    test::write_file(dir / "env.yaml", "name: from-env\ncommand: [true]\n");
    test::CliOptions in_dir;
    in_dir.cwd = dir.path();
    CHECK(run_cli({"plan"}, in_dir).out.find("session from-cwd") != std::string::npos);
    in_dir.env = {{"STASH_HOOK_SPEC", dir / "env.yaml"}};
    CHECK(run_cli({"plan"}, in_dir).out.find("session from-env") != std::string::npos);
    test::CliOptions piped;
    piped.stdin_text = "name: from-stdin\ncommand: [true]\n";
    CHECK(run_cli({"plan", "-f", "-"}, piped).out.find("session from-stdin") != std::string::npos);
}

TEST_CASE("run with a missing or invalid spec exits 125 and runs nothing") {
    test::TempDir dir;
    auto missing = run_cli({"run", "-f", dir / "nope.yaml", "--", "touch", dir / "ran"});
    CHECK(missing.exit_code == 125);
    CHECK(missing.err.find("failed to read spec: No such file or directory") != std::string::npos);
    test::write_file(dir / "bad.yaml", "hooks:\n  preBackup:\n    tcpSocket: {host: db}\n");
    auto bad = run_cli({"run", "-f", dir / "bad.yaml", "--", "touch", dir / "ran"});
    CHECK(bad.exit_code == 125);
    CHECK(bad.err.find("bad.yaml:3:16: tcpSocket is missing required key \"port\"") !=
          std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "ran"));
}

TEST_CASE("run without a command exits 125 and says how to give one") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "kind: backup\n");
    auto r = run_cli({"run", "-f", dir / "s.yaml"});
    CHECK(r.exit_code == 125);
    CHECK(r.err.find("no command to run") != std::string::npos);
}

TEST_CASE("plan and run --dry-run print the steps in order and run nothing") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", test::fill(R"(name: nightly
command: [touch, {DIR}/ran]
timeout: 2h
hooks:
  preBackup: {name: pause, exec: {command: [touch, {DIR}/ran]}}
  postBackup:
    - {name: resume, exec: {command: [touch, {DIR}/ran]}}
    - {name: alert, httpPost: {host: example.org, port: 443, scheme: HTTPS, path: /hook}, executionPolicy: OnFailure}
  preRestore: {name: stop-db, exec: {command: [touch, {DIR}/ran]}}
)",
                                                {{"DIR", dir.path()}}));
    auto plan = run_cli({"plan", "-f", dir / "s.yaml"});
    CHECK(plan.exit_code == 0);
    const auto pause = plan.out.find("1. preBackup \"pause\"");
    const auto task = plan.out.find("2. task: touch");
    const auto resume = plan.out.find("3. postBackup \"resume\"");
    const auto alert =
        plan.out.find("4. postBackup \"alert\": httpPost https://example.org:443/hook");
    CHECK(pause != std::string::npos);
    CHECK(task > pause);
    CHECK(resume > task);
    CHECK(alert > resume);
    CHECK(plan.out.find("only if something before failed") != std::string::npos);
    CHECK(plan.out.find("stop-db") == std::string::npos);

    auto restore = run_cli({"plan", "-f", dir / "s.yaml", "--kind", "restore"});
    CHECK(restore.out.find("1. preRestore \"stop-db\"") != std::string::npos);

    auto dry = run_cli({"run", "--dry-run", "-f", dir / "s.yaml"});
    CHECK(dry.exit_code == 0);
    CHECK(dry.out == plan.out);
    CHECK_FALSE(std::filesystem::exists(dir / "ran"));
}

TEST_CASE("hook STAGE runs that stage alone, filtered by --phase") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", test::fill(R"(hooks:
  preBackup: {exec: {command: [sh, -c, "echo pre >> {DIR}/log"]}}
  postBackup:
    - {name: ok, exec: {command: [sh, -c, "echo ok-$STASH_HOOK_PHASE >> {DIR}/log"]}, executionPolicy: OnSuccess}
    - {name: bad, exec: {command: [sh, -c, "echo bad-$STASH_HOOK_PHASE >> {DIR}/log; exit 1"]}, executionPolicy: OnFailure}
)",
                                                {{"DIR", dir.path()}}));
    auto ok = run_cli({"hook", "-f", dir / "s.yaml", "postBackup"});
    CHECK(ok.exit_code == 0);
    CHECK(test::read_lines(dir / "log") == std::vector<std::string>{"ok-Succeeded"});
    auto failed = run_cli({"hook", "-f", dir / "s.yaml", "postBackup", "--phase", "Failed"});
    CHECK(failed.exit_code == 121);
    CHECK(test::read_lines(dir / "log") == std::vector<std::string>{"ok-Succeeded", "bad-Failed"});
    CHECK(run_cli({"hook", "-f", dir / "s.yaml", "preBackup"}).exit_code == 0);
    CHECK(run_cli({"hook", "-f", dir / "s.yaml", "midBackup"}).exit_code == 125);
}

TEST_CASE("logs go to stderr: one line per hook start and end, a summary, -q, -v and json") {
    test::TempDir dir;
    test::write_file(
        dir / "s.yaml",
        "hooks:\n  preBackup: {name: hello, exec: {command: [true]}}\n"
        "  postBackup: {name: fails, exec: {command: [sh, -c, \"echo boom >&2; exit 4\"]}}\n");
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "true"});
    CHECK(r.exit_code == 121);
    CHECK(r.out.empty());
    CHECK(r.err.find("stash-hook: preBackup hook \"hello\" (exec) started") != std::string::npos);
    CHECK(r.err.find("stash-hook: preBackup hook \"hello\" (exec) succeeded in") !=
          std::string::npos);
    CHECK(r.err.find("stash-hook: error: postBackup hook \"fails\" (exec) failed in") !=
          std::string::npos);
    CHECK(r.err.find("exit code 4: boom") != std::string::npos);
    CHECK(r.err.find("Failed in") != std::string::npos);
    CHECK(r.err.find("exit code 121; first failed hook: postBackup \"fails\"") !=
          std::string::npos);

    auto quiet = run_cli({"run", "-q", "-f", dir / "s.yaml", "--", "true"});
    CHECK(quiet.err.find("started") == std::string::npos);
    CHECK(quiet.err.find("failed") != std::string::npos);

    auto json = run_cli({"run", "--log-format", "json", "-f", dir / "s.yaml", "--", "true"});
    std::istringstream lines(json.err);
    int count = 0;
    for (std::string line; std::getline(lines, line); ++count) {
        auto j = nlohmann::json::parse(line);
        CHECK(j.contains("time"));
        CHECK(j.contains("level"));
        CHECK(j.contains("msg"));
    }
    CHECK(count >= 6);

    auto verbose = run_cli({"run", "-v", "-f", dir / "s.yaml", "--", "true"});
    CHECK(verbose.err.find("Z stash-hook: info: ") != std::string::npos);
}

TEST_CASE("plan colours its output on a terminal, and not with NO_COLOR or into a pipe") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     "command: [true]\nhooks:\n  postBackup: {exec: {command: [true]}, "
                     "executionPolicy: OnFailure}\n");
    // script(1) gives the command a terminal; its transcript is what the terminal got.
    const std::string plan = test::binary() + " plan -f " + (dir / "s.yaml");
    auto on_tty = [&](const std::string& env) {
        const std::string cmd =
            env + " script -qec '" + plan + "' " + (dir / "typescript") + " > /dev/null 2>&1";
        REQUIRE(std::system(cmd.c_str()) == 0);
        return test::read_file(dir / "typescript");
    };
    CHECK(on_tty("").find("\x1b[1msession") != std::string::npos);
    CHECK(on_tty("NO_COLOR=1").find("\x1b[") == std::string::npos);
    CHECK(test::run_cli({"plan", "-f", dir / "s.yaml"}).out.find("\x1b[") == std::string::npos);
}

TEST_CASE("an unknown subcommand is a usage error that suggests the closest one") {
    auto r = run_cli({"rnu", "-f", "x.yaml"});
    CHECK(r.exit_code == 125);
    CHECK(r.err.find("unknown subcommand \"rnu\"; did you mean 'run'?") != std::string::npos);
    auto v = run_cli({"-q", "valdiate"});
    CHECK(v.exit_code == 125);
    CHECK(v.err.find("did you mean 'validate'?") != std::string::npos);
    auto far = run_cli({"frobnicate"});
    CHECK(far.exit_code == 125);
    CHECK(far.err.find("did you mean") == std::string::npos);
}

TEST_CASE(
    "help names what each option takes, run's lists the global options, and --version the commit") {
    auto run = run_cli({"run", "--help"});
    CHECK(run.exit_code == 0);
    CHECK(run.out.find("TEXT") == std::string::npos);
    for (const char* shown :
         {"-f,--spec FILE", "--timeout DURATION", "--lock-wait DURATION", "--member NAME",
          "-v,--verbose", "-q,--quiet", "--log-format FORMAT"}) {
        CAPTURE(shown);
        CHECK(run.out.find(shown) != std::string::npos);
    }
    auto serve = run_cli({"serve", "--help"});
    CHECK(serve.out.find("--listen ADDR") != std::string::npos);
    CHECK(serve.out.find("TEXT") == std::string::npos);
    // Built from a git checkout: the version carries the commit it was configured at.
    auto version = run_cli({"--version"});
    CHECK(version.out.rfind("stash-hook ", 0) == 0);
    CHECK(version.out.find(" (") != std::string::npos);
}

TEST_CASE("a task option given without -- gets a hint to put -- before the command") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    auto r = run_cli({"run", "-f", dir / "s.yaml", "restic", "backup", "--host", "x"});
    CHECK(r.exit_code == 125);
    CHECK(r.err.find("put -- before the task's command: stash-hook run [OPTIONS] -- restic backup "
                     "--host x") != std::string::npos);
}

// The task's exit codes as real tools use them (warningExitCodes, successExitCodes,
// strictWarnings) and a pre hook's soft skip (skipExitCode): man page, SPEC.

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>

#include "test_support.hpp"

using test::run_cli;

TEST_CASE("a warning exit code ends the session Succeeded with the warning recorded") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     test::fill("name: w\nwarningExitCodes: [3]\nmetricsFile: {DIR}/m.prom\n"
                                "hooks:\n  postBackup:\n"
                                "    - name: ok\n      executionPolicy: OnSuccess\n"
                                "      exec: {command: [sh, -c, 'echo \"{{ .Status.Phase }} "
                                "{{ len .Warnings }}\" > {DIR}/post']}\n",
                                {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh",
                      "-c", "exit 3"});
    CHECK(r.exit_code == 0);
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Succeeded");
    CHECK(st["exitCode"] == 0);
    CHECK(st["task"]["exitCode"] == 3);
    REQUIRE(st["warnings"].is_array());
    REQUIRE(st["warnings"].size() == 1);
    CHECK(st["warnings"][0].get<std::string>().find("exit code 3") != std::string::npos);
    CHECK(test::read_file(dir / "post") == "Succeeded 1\n");
    CHECK(test::read_file(dir / "m.prom")
              .find("stash_hook_last_warnings{target=\"w\",kind=\"backup\"} 1") !=
          std::string::npos);
    CHECK(r.err.find("warning") != std::string::npos);

    SUBCASE("strict: the warning fails the session with the task's own code") {
        auto s = run_cli({"run", "-f", dir / "s.yaml", "--strict-warnings", "--status-file",
                          dir / "st2.json", "--", "sh", "-c", "exit 3"});
        CHECK(s.exit_code == 3);
        auto st2 = test::read_json(dir / "st2.json");
        CHECK(st2["phase"] == "Failed");
        CHECK(st2["warnings"].size() == 1);
    }
    SUBCASE("other codes still fail; no warnings then") {
        auto s = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st3.json", "--",
                          "sh", "-c", "exit 1"});
        CHECK(s.exit_code == 1);
        auto st3 = test::read_json(dir / "st3.json");
        CHECK(st3["phase"] == "Failed");
        CHECK(st3["warnings"] == nlohmann::json::array());
    }
}

TEST_CASE("successExitCodes count as success without a warning, and strictWarnings in the spec") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     "successExitCodes: [0, 5]\nwarningExitCodes: [1]\nstrictWarnings: true\n");
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh",
                      "-c", "exit 5"});
    CHECK(r.exit_code == 0);
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Succeeded");
    CHECK(st["warnings"] == nlohmann::json::array());
    auto w = run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c", "exit 1"});
    CHECK(w.exit_code == 1);
    auto bad = run_cli({"validate", "-f", dir / "s.yaml"});
    CHECK(bad.exit_code == 0);
    test::write_file(dir / "bad.yaml", "warningExitCodes: [0]\n");
    auto refused = run_cli({"validate", "-f", dir / "bad.yaml"});
    CHECK(refused.exit_code != 0);
    CHECK(refused.err.find("warningExitCodes") != std::string::npos);
}

TEST_CASE("a pre hook's skipExitCode skips the task: phase Skipped, exit 0") {
    test::TempDir dir;
    test::write_file(
        dir / "s.yaml",
        test::fill(
            "defaults: {skipExitCode: 75}\n"
            "hooks:\n  preBackup:\n    - exec: {command: [sh, -c, 'echo nothing to do; exit 75']}\n"
            "  postBackup:\n"
            "    - name: always\n      exec: {command: [sh, -c, 'echo \"{{ .Status.Phase }} "
            "$STASH_HOOK_PHASE\" > {DIR}/always']}\n"
            "    - name: onsuccess\n      executionPolicy: OnSuccess\n"
            "      exec: {command: [touch, {DIR}/onsuccess]}\n"
            "    - name: onfailure\n      executionPolicy: OnFailure\n"
            "      exec: {command: [touch, {DIR}/onfailure]}\n",
            {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "touch",
                      dir / "task-ran"});
    CHECK(r.exit_code == 0);
    CHECK_FALSE(std::ifstream(dir / "task-ran").good());
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Skipped");
    CHECK(st["exitCode"] == 0);
    CHECK(st["task"]["phase"] == "Skipped");
    CHECK(st["hooks"][0]["phase"] == "Skipped");
    CHECK(test::read_file(dir / "always") == "Skipped Skipped\n");
    CHECK_FALSE(std::ifstream(dir / "onsuccess").good());
    CHECK_FALSE(std::ifstream(dir / "onfailure").good());
    CHECK(r.err.find("Skipped") != std::string::npos);

    SUBCASE("another non-zero code still fails") {
        test::write_file(dir / "t.yaml",
                         "hooks:\n  preBackup:\n    - skipExitCode: 75\n"
                         "      exec: {command: [sh, -c, 'exit 74']}\n");
        CHECK(run_cli({"run", "-f", dir / "t.yaml", "--", "true"}).exit_code == 120);
    }
}

namespace {

/// The names in `dir` other than `keep`: temporary files left behind.
std::vector<std::string> leftovers(const std::string& dir, const std::set<std::string>& keep) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (!keep.contains(e.path().filename().string()))
            names.push_back(e.path().filename().string());
    return names;
}

}  // namespace

TEST_CASE("pipeline: a failing first stage fails the session though the last succeeds") {
    test::TempDir dir;
    test::write_file(
        dir / "s.yaml",
        test::fill("pipeline: [[sh, -c, 'echo partial; exit 7'], [sh, -c, 'cat > {DIR}/got']]\n"
                   "hooks:\n  postBackup:\n    exec: {command: [sh, -c, 'echo \"{{ .Status.Phase "
                   "}} {{ range .Task.Stages }}{{ .ExitCode }},{{ end }}\" > {DIR}/post']}\n",
                   {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json"});
    CHECK(r.exit_code == 7);
    CHECK(test::read_file(dir / "got") == "partial\n");
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Failed");
    REQUIRE(st["task"]["stages"].size() == 2);
    CHECK(st["task"]["stages"][0]["exitCode"] == 7);
    CHECK(st["task"]["stages"][1]["exitCode"] == 0);
    CHECK(st["task"]["stages"][0]["command"][0] == "sh");
    CHECK(test::read_file(dir / "post") == "Failed 7,0,\n");

    SUBCASE("a -- command as well is refused, naming both") {
        auto both = run_cli({"run", "-f", dir / "s.yaml", "--", "true"});
        CHECK(both.exit_code == 125);
        CHECK(both.err.find("pipeline") != std::string::npos);
    }
    SUBCASE("command and pipeline in the spec are refused") {
        test::write_file(dir / "b.yaml", "command: [true]\npipeline: [[true], [true]]\n");
        auto both = run_cli({"validate", "-f", dir / "b.yaml"});
        CHECK(both.exit_code != 0);
        CHECK(both.err.find("both command and pipeline") != std::string::npos);
    }
    SUBCASE("plan shows each stage") {
        auto plan = run_cli({"plan", "-f", dir / "s.yaml"});
        CHECK(plan.out.find("'echo partial; exit 7' | sh -c") != std::string::npos);
        CHECK(plan.out.find("pipeline of 2 stages") != std::string::npos);
    }
}

TEST_CASE("pipeline: a stage killed by a signal fails the session") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "pipeline: [[sh, -c, 'kill -USR1 $$'], [cat]]\n");
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json"});
    CHECK(r.exit_code == 128 + SIGUSR1);
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Failed");
    CHECK(st["task"]["stages"][0]["signal"] == "SIGUSR1");
    CHECK(st["task"]["stages"][1]["exitCode"] == 0);
}

TEST_CASE("pipeline: a hang past the task's timeout stops every stage") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     test::fill("timeout: 1s\npipeline: [[sh, -c, 'echo $$ > {DIR}/p1; exec sleep "
                                "300'], [sh, -c, 'echo $$ > {DIR}/p2; exec sleep 300']]\n",
                                {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json"});
    CHECK(r.exit_code == 124);
    CHECK(r.seconds < 30);
    CHECK(test::read_json(dir / "st.json")["task"]["timedOut"] == true);
    CHECK_FALSE(test::process_alive(std::stoi(test::read_file(dir / "p1"))));
    CHECK_FALSE(test::process_alive(std::stoi(test::read_file(dir / "p2"))));
}

TEST_CASE("pipeline: megabytes pass through the pipe") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     "pipeline: [[head, -c, '50000000', /dev/zero], [gzip, -1], [gzip, -d], "
                     "[wc, -c]]\n");
    auto r = run_cli({"run", "-f", dir / "s.yaml"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "50000000\n");
}

TEST_CASE("output: the task's stdout replaces the file only on success") {
    test::TempDir dir;
    test::write_file(dir / "db.sql", "yesterday\n");
    test::write_file(dir / "s.yaml",
                     "output: db.sql\n"  // relative: the spec's folder
                     "pipeline: [[sh, -c, 'printf \"a\\\\0b\\\\n\"; echo \"$0\"', x], [cat]]\n");
    const std::set<std::string> keep = {"s.yaml", "db.sql", "st.json", "t.yaml", "started"};
    SUBCASE("success replaces it byte for byte") {
        test::CliOptions opts;
        opts.cwd = "/";
        auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json"}, opts);
        CHECK(r.exit_code == 0);
        CHECK(r.out.empty());
        CHECK(test::read_file(dir / "db.sql") == std::string("a\0b\nx\n", 6));
        CHECK(test::read_json(dir / "st.json")["task"]["outputFile"] == dir / "db.sql");
        CHECK(leftovers(dir.path(), keep).empty());
        auto plan = run_cli({"plan", "-f", dir / "s.yaml"});
        CHECK(plan.out.find("stdout to " + dir / "db.sql") != std::string::npos);
    }
    SUBCASE("a failed task keeps yesterday's file") {
        test::write_file(dir / "t.yaml", "output: db.sql\n");
        auto r = run_cli({"run", "-f", dir / "t.yaml", "--", "sh", "-c", "echo half; exit 3"});
        CHECK(r.exit_code == 3);
        CHECK(test::read_file(dir / "db.sql") == "yesterday\n");
        CHECK(leftovers(dir.path(), keep).empty());
    }
    SUBCASE("a failed pre hook keeps it; --output on the command line") {
        test::write_file(dir / "t.yaml", "hooks:\n  preBackup: {exec: {command: [false]}}\n");
        auto r =
            run_cli({"run", "-f", dir / "t.yaml", "--output", dir / "db.sql", "--", "echo", "new"});
        CHECK(r.exit_code == 120);
        CHECK(test::read_file(dir / "db.sql") == "yesterday\n");
        CHECK(leftovers(dir.path(), keep).empty());
    }
    SUBCASE("SIGTERM mid-task keeps it") {
        test::write_file(dir / "t.yaml",
                         test::fill("output: db.sql\ncommand: [sh, -c, 'echo partial; touch "
                                    "{DIR}/started; exec sleep 300']\n",
                                    {{"DIR", dir.path()}}));
        test::BackgroundCli run({"run", "-f", dir / "t.yaml"});
        REQUIRE(test::wait_for_file(dir / "started"));
        run.signal(SIGTERM);
        auto r = run.wait();
        CHECK(r.exit_code == 128 + SIGTERM);
        CHECK(test::read_file(dir / "db.sql") == "yesterday\n");
        CHECK(leftovers(dir.path(), keep).empty());
    }
    SUBCASE("a folder that cannot take it: 125 before anything runs") {
        test::write_file(dir / "t.yaml",
                         test::fill("output: db.sql/x/out.sql\nhooks:\n  preBackup: {exec: "
                                    "{command: [touch, {DIR}/started]}}\n",
                                    {{"DIR", dir.path()}}));
        auto r = run_cli({"run", "-f", dir / "t.yaml", "--", "echo", "new"});
        CHECK(r.exit_code == 125);
        CHECK(r.err.find("output file") != std::string::npos);
        CHECK_FALSE(std::ifstream(dir / "started").good());
        CHECK(test::read_file(dir / "db.sql") == "yesterday\n");
    }
}

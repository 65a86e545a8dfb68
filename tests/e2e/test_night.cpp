// The operator's night (issue 15): relative paths, `{{ }}` where nothing is rendered,
// the environment, logs for machines and journald, hook defaults.

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>

#include "test_support.hpp"

using test::fill;
using test::run_cli;

TEST_CASE("relative paths in a spec resolve against the spec file's folder, not the current one") {
    test::TempDir dir;
    std::filesystem::create_directories(dir / "conf/scripts");
    std::filesystem::create_directories(dir / "elsewhere");
    test::write_file(dir / "conf/scripts/pre.sh", "#!/bin/sh\necho pre > \"$1\"\n", true);
    test::write_file(dir / "conf/task.sh", "#!/bin/sh\necho task > task-ran\n", true);
    test::write_file(dir / "conf/s.yaml", R"(name: rel
statusFile: state/st.json
metricsFile: ../metrics/rel.prom
lock: run.lock
command: [./task.sh]
hooks:
  preBackup: {exec: {command: [./scripts/pre.sh, pre-ran]}}
  postBackup: {exec: {command: [sh, -c, "test -e ./scripts/pre.sh || echo post-sees-cwd > post-ran"]}}
)");
    test::CliOptions options;
    options.cwd = dir / "elsewhere";
    auto r = run_cli({"run", "-f", dir / "conf/s.yaml"}, options);
    CHECK(r.exit_code == 0);
    CAPTURE(r.err);
    CHECK(test::read_json(dir / "conf/state/st.json")["phase"] == "Succeeded");
    CHECK(std::filesystem::exists(dir / "metrics/rel.prom"));
    CHECK(std::filesystem::exists(dir / "conf/run.lock"));
    // The commands still run in the current folder: only their first word is resolved.
    CHECK(test::read_file(dir / "elsewhere/pre-ran") == "pre\n");
    CHECK(test::read_file(dir / "elsewhere/task-ran") == "task\n");
    CHECK(std::filesystem::exists(dir / "elsewhere/post-ran"));
    CHECK_FALSE(std::filesystem::exists(dir / "elsewhere/state"));
    // A relative spec path works the same.
    options.cwd = dir.path();
    r = run_cli({"run", "-f", "conf/s.yaml"}, options);
    CHECK(r.exit_code == 0);
    CHECK_FALSE(std::filesystem::exists(dir / "state"));
    // The command line's paths stay relative to the current folder.
    options.cwd = dir / "elsewhere";
    r = run_cli({"run", "-f", dir / "conf/s.yaml", "--status-file", "here.json", "--", "./../conf/task.sh"}, options);
    CHECK(r.exit_code == 0);
    CHECK(std::filesystem::exists(dir / "elsewhere/here.json"));
}

TEST_CASE("relative paths in a spec on stdin resolve against the current folder") {
    test::TempDir dir;
    test::write_file(dir / "task.sh", "#!/bin/sh\ntouch task-ran\n", true);
    test::CliOptions options;
    options.cwd = dir.path();
    options.stdin_text = "statusFile: st.json\ncommand: [./task.sh]\n";
    auto r = run_cli({"run", "-f", "-"}, options);
    CHECK(r.exit_code == 0);
    CHECK(std::filesystem::exists(dir / "st.json"));
    CHECK(std::filesystem::exists(dir / "task-ran"));
}

TEST_CASE("{{ }} where templates are not rendered is refused at load, naming the key") {
    test::TempDir dir;
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"statusFile: /tmp/{{ .Hostname }}.json\n", "statusFile"},
        {"metricsFile: \"{{ .Name }}.prom\"\n", "metricsFile"},
        {"lock: \"/run/{{ .Name }}.lock\"\n", "lock"},
        {"command: [restic, backup, \"{{ .Name }}\"]\n", "command[2]"},
        {"name: \"{{ .Hostname }}\"\n", "name"},
        {"hooks:\n  preBackup: {name: \"n-{{ .Name }}\", exec: {command: [\"true\"]}}\n", "hook name"},
        {"hooks:\n  preBackup: {tcpSocket: {host: \"{{ .Hostname }}\", port: 80}}\n", "tcpSocket.host"},
        {"hooks:\n  preBackup: {httpGet: {host: \"{{ .Hostname }}\", port: 80}}\n", "httpGet.host"},
        {"members:\n  - {name: db, command: [pg_dump, \"{{ .Member }}\"]}\n", "command[1]"},
    };
    for (const auto& [text, key] : cases) {
        CAPTURE(text);
        test::write_file(dir / "s.yaml", text);
        auto r = run_cli({"validate", "-f", dir / "s.yaml"});
        CHECK(r.exit_code == 1);
        CHECK(r.err.find(key + " is not rendered as a template") != std::string::npos);
        r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
        CHECK(r.exit_code == 125);
        CHECK_FALSE(std::filesystem::exists(dir / "st.json"));
    }
    // Where they are rendered, they still are.
    test::write_file(dir / "ok.yaml", fill("hooks:\n  preBackup: {exec: {command: [touch, \"{DIR}/{{ .Stage }}\"]}}\n",
                                           {{"DIR", dir.path()}}));
    CHECK(run_cli({"run", "-f", dir / "ok.yaml", "--", "true"}).exit_code == 0);
    CHECK(std::filesystem::exists(dir / "preBackup"));
}

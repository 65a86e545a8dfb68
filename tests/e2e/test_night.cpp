// The operator's night (issue 15): relative paths, `{{ }}` where nothing is rendered,
// the environment, logs for machines and journald, hook defaults.

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <sstream>

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
    r = run_cli(
        {"run", "-f", dir / "conf/s.yaml", "--status-file", "here.json", "--", "./../conf/task.sh"},
        options);
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
        {"hooks:\n  preBackup: {name: \"n-{{ .Name }}\", exec: {command: [\"true\"]}}\n",
         "hook name"},
        {"hooks:\n  preBackup: {tcpSocket: {host: \"{{ .Hostname }}\", port: 80}}\n",
         "tcpSocket.host"},
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
    test::write_file(
        dir / "ok.yaml",
        fill("hooks:\n  preBackup: {exec: {command: [touch, \"{DIR}/{{ .Stage }}\"]}}\n",
             {{"DIR", dir.path()}}));
    CHECK(run_cli({"run", "-f", dir / "ok.yaml", "--", "true"}).exit_code == 0);
    CHECK(std::filesystem::exists(dir / "preBackup"));
}

TEST_CASE(
    "env and envFile set the environment of the task and every hook, and secretEnv masks what they "
    "set") {
    test::TempDir dir;
    std::filesystem::create_directories(dir / "conf");
    // systemd's EnvironmentFile= syntax: comments, blank lines, quotes, continuations.
    test::write_file(dir / "conf/restic.env", R"(# restic's settings
; also a comment
RESTIC_REPOSITORY=/srv/restic-repo
  RESTIC_PASSWORD="s3cret pa55 \"quoted\""
SINGLE='a $literal \n'
LONG=one \
two
SPACED = trailing spaces   
)");
    test::write_file(dir / "conf/s.yaml", fill(R"(envFile: restic.env
env: {FROM_MAP: map-value, SPACED: overridden}
secretEnv: [RESTIC_PASSWORD, HOOK_TOKEN]
statusFile: {DIR}/st.json
command: [sh, -c, 'printf "%s|%s|%s|%s|%s|%s|%s\n" "$RESTIC_REPOSITORY" "$RESTIC_PASSWORD" "$SINGLE" "$LONG" "$SPACED" "$FROM_MAP" "${HOOK_TOKEN-unset}" > {DIR}/task-env']
hooks:
  preBackup:
    - name: own-env
      exec:
        command: [sh, -c, 'echo "$HOOK_TOKEN $HOOK_PLAIN $FROM_MAP $RESTIC_PASSWORD"; exit 3']
        env: {HOOK_TOKEN: hook-t0ken-value}
        envFile: [-/nonexistent/optional.env]
      onError: Continue
  postBackup:
    - name: template-sees-it
      exec: {command: [sh, -c, 'echo "{{ env "FROM_MAP" }}" > {DIR}/post-env']}
)",
                                               {{"DIR", dir.path()}}));
    test::CliOptions caller;
    caller.env = {{"RESTIC_PASSWORD", "from-the-caller"}};
    auto r = run_cli({"run", "-f", dir / "conf/s.yaml"}, caller);
    CAPTURE(r.err);
    CHECK(r.exit_code == 0);
    CHECK(test::read_file(dir / "task-env") ==
          "/srv/restic-repo|s3cret pa55 \"quoted\"|a $literal \\n|one "
          "two|overridden|map-value|unset\n");
    CHECK(test::read_file(dir / "post-env") == "map-value\n");
    // The hook saw its own variable and the spec's; the secrets among them are masked.
    CHECK(r.err.find("hook-t0ken-value") == std::string::npos);
    CHECK(r.err.find("s3cret pa55") == std::string::npos);
    CHECK(r.err.find("map-value") != std::string::npos);
    const std::string status = test::read_file(dir / "st.json");
    CHECK(status.find("hook-t0ken-value") == std::string::npos);
    CHECK(status.find("s3cret pa55") == std::string::npos);
    CHECK(status.find("***") != std::string::npos);
}

TEST_CASE("a missing or malformed envFile is a clear load-time error") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "envFile: missing.env\ncommand: [\"true\"]\n");
    auto r = run_cli({"validate", "-f", dir / "s.yaml"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("s.yaml:1:10: failed to read envFile " + (dir / "missing.env") +
                     ": No such file or directory") != std::string::npos);
    CHECK(run_cli({"run", "-f", dir / "s.yaml"}).exit_code == 125);
    // systemd's "-" prefix: optional.
    test::write_file(dir / "opt.yaml", "envFile: -missing.env\ncommand: [\"true\"]\n");
    CHECK(run_cli({"run", "-f", dir / "opt.yaml"}).exit_code == 0);
    // A line that is not KEY=VALUE, and `export`, are refused with the line.
    test::write_file(dir / "bad.env", "A=1\n\nexport B=2\n");
    test::write_file(dir / "bad.yaml", "envFile: bad.env\n");
    r = run_cli({"validate", "-f", dir / "bad.yaml"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("bad.env: line 3") != std::string::npos);
    CHECK(r.err.find("without export") != std::string::npos);
    test::write_file(dir / "bad.env", "JUST A LINE\n");
    r = run_cli({"validate", "-f", dir / "bad.yaml"});
    CHECK(r.err.find("bad.env: line 1: expected KEY=VALUE") != std::string::npos);
    // Bounded: a file larger than 64 KiB, or one that never ends, is refused.
    test::write_file(dir / "big.env", "A=" + std::string(70 * 1024, 'x') + "\n");
    test::write_file(dir / "big.yaml", "envFile: big.env\n");
    r = run_cli({"validate", "-f", dir / "big.yaml"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("larger than 65536 bytes") != std::string::npos);
    test::write_file(dir / "zero.yaml", "envFile: /dev/zero\n");
    r = run_cli({"validate", "-f", dir / "zero.yaml"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("not a regular file") != std::string::npos);
    // env: names must be variable names, and stash-hook's own are not the spec's to set.
    test::write_file(dir / "names.yaml", "env: {\"1BAD\": x, STASH_HOOK_SESSION: y}\n");
    r = run_cli({"validate", "-f", dir / "names.yaml"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("\"1BAD\" is not a valid environment variable name") != std::string::npos);
    CHECK(r.err.find("STASH_HOOK_SESSION is set by stash-hook") != std::string::npos);
}

TEST_CASE(
    "defaults: sets timeout, retry and onError once for the hooks that do not set their own") {
    test::TempDir dir;
    int port = 0;
    const int silent = test::listen_loopback(port);  // accepts connections, never answers
    REQUIRE(silent >= 0);
    test::write_file(
        dir / "s.yaml",
        fill(R"(defaults: {timeout: 1s, retry: {attempts: 1, delay: 100ms}, onError: Continue}
statusFile: {DIR}/st.json
command: [touch, {DIR}/task-ran]
hooks:
  preBackup:
    - name: hanging-monitor
      httpGet: {host: 127.0.0.1, port: {PORT}, path: /start}
  postBackup:
    - name: strict
      onError: Fail
      retry: {attempts: 0}
      exec: {command: [sh, -c, "exit 7"]}
)",
             {{"DIR", dir.path()}, {"PORT", std::to_string(port)}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml"});
    CAPTURE(r.err);
    close(silent);
    // The hanging ping timed out twice (1s each) and did not stop the backup.
    CHECK(std::filesystem::exists(dir / "task-ran"));
    CHECK(r.seconds < 20);
    CHECK(r.exit_code == 121);  // the post hook's own onError: Fail
    auto st = test::read_json(dir / "st.json");
    CHECK(st["hooks"][0]["phase"] == "Failed");
    CHECK(st["hooks"][0]["attempts"] == 2);
    CHECK(st["hooks"][1]["attempts"] == 1);
    CHECK(st["task"]["phase"] == "Succeeded");
    // plan shows the defaults applied.
    auto plan = run_cli({"plan", "-f", dir / "s.yaml"});
    CHECK(plan.out.find("timeout 1s") != std::string::npos);
    // Unknown keys in defaults are refused.
    test::write_file(dir / "bad.yaml", "defaults: {timeout: 1s, executionPolicy: OnSuccess}\n");
    r = run_cli({"validate", "-f", dir / "bad.yaml"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("executionPolicy") != std::string::npos);
}

namespace {
std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}
}  // namespace

TEST_CASE(
    "json logs carry the session's fields and milliseconds, and --log-level and STASH_HOOK_LOG_* "
    "choose") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", R"(name: fields
hooks:
  preBackup: {name: flush, exec: {command: [sh, -c, "exit 4"]}, onError: Continue, retry: {attempts: 1, delay: 10ms}}
)");
    auto r = run_cli({"--log-format", "json", "run", "-f", dir / "s.yaml", "--", "true"});
    CHECK(r.exit_code == 0);
    bool hook_failed = false, task_done = false, summary = false;
    for (const auto& line : lines_of(r.err)) {
        CAPTURE(line);
        auto j = nlohmann::json::parse(line);
        const std::string time = j["time"];
        REQUIRE(time.size() == 24);  // 2026-11-30T03:00:00.123Z
        CHECK(time[19] == '.');
        CHECK(j["session"].get<std::string>().rfind("fields-", 0) == 0);
        const std::string msg = j["msg"];
        if (msg.find("hook \"flush\" (exec) failed") != std::string::npos) {
            hook_failed = true;
            CHECK(j["stage"] == "preBackup");
            CHECK(j["hook"] == "flush");
            CHECK(j["action"] == "exec");
            CHECK(j["attempt"] == 2);
            CHECK(j["phase"] == "Failed");
            CHECK(j["exitCode"] == 4);
            CHECK(j["duration"].is_number());
        }
        if (msg.find("backup command succeeded") != std::string::npos) {
            task_done = true;
            CHECK(j["stage"] == "task");
            CHECK(j["exitCode"] == 0);
            CHECK(j["phase"] == "Succeeded");
        }
        if (msg.find("session fields-") == 0 && msg.find(" in ") != std::string::npos) {
            summary = true;
            CHECK(j["phase"] == "Succeeded");
            CHECK(j["exitCode"] == 0);
        }
    }
    CHECK(hook_failed);
    CHECK(task_done);
    CHECK(summary);
    // --log-level error: only errors; the environment chooses when no flag does.
    r = run_cli({"--log-level", "error", "run", "-f", dir / "s.yaml", "--", "true"});
    CHECK(r.err.find("started") == std::string::npos);
    CHECK(r.err.find("error: ") != std::string::npos);
    test::CliOptions env;
    env.env = {{"STASH_HOOK_LOG_LEVEL", "warn"}, {"STASH_HOOK_LOG_FORMAT", "json"}};
    r = run_cli({"run", "-f", dir / "s.yaml", "--", "true"}, env);
    CHECK(r.err.find("started") == std::string::npos);
    CHECK(r.err.find("\"level\":\"warning\"") != std::string::npos);
    env.env = {{"STASH_HOOK_LOG_LEVEL", "loud"}};
    r = run_cli({"run", "-f", dir / "s.yaml", "--", "true"}, env);
    CHECK(r.exit_code == 125);
    CHECK(r.err.find("invalid STASH_HOOK_LOG_LEVEL \"loud\"") != std::string::npos);
}

TEST_CASE("under journald, lines carry <N> priorities and no program prefix") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "hooks:\n  postBackup: {exec: {command: [\"false\"]}}\n");
    // stderr is a file here: JOURNAL_STREAM names its device:inode, as systemd does for its stream.
    const std::string log = dir / "journal.log";
    test::write_file(log, "");
    struct stat st {};
    REQUIRE(stat(log.c_str(), &st) == 0);
    const std::string stream = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    const std::string command = "JOURNAL_STREAM=" + stream + " " + test::binary() + " run -f " +
                                (dir / "s.yaml") + " -- true 2>>" + log;
    const int status = std::system(command.c_str());
    CHECK(WEXITSTATUS(status) == 121);
    const std::string text = test::read_file(log);
    CHECK(text.find("<6>session ") != std::string::npos);
    CHECK(text.find("<3>error: ") != std::string::npos);
    CHECK(text.find("stash-hook: ") == std::string::npos);
    // Another stream's device:inode: not the journal, plain lines.
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "true"}, [&] {
        test::CliOptions o;
        o.env = {{"JOURNAL_STREAM", stream}};
        return o;
    }());
    CHECK(r.err.find("stash-hook: ") != std::string::npos);
    CHECK(r.err.find("<6>") == std::string::npos);
}

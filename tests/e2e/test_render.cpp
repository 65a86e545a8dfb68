// stash-hook render (man page, RENDER): each hook's templates as they render for a phase,
// secrets masked, with nothing sent and nothing run.

#include <doctest/doctest.h>
#include <poll.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <sstream>

#include "test_support.hpp"

using test::fill;
using test::run_cli;

namespace {

// Stash's Slack examples (README, TEMPLATES): one message on failure, one always.
const char* kSlackSpec = R"(name: app
namespace: lab
hooks:
  postBackup:
    - name: slack-failed
      executionPolicy: OnFailure
      httpPost:
        scheme: HTTPS
        host: hooks.slack.com
        port: 443
        path: /services/XX/XXX/XXXX
        body: |
          {{- $msg := dict "type" "mrkdwn" "text" (printf ":x: Backup failed for %s/%s Reason: %s." .Namespace .Target.Name .Status.Error) -}}
          {"blocks": [{"type": "section", "text": {{ toJson $msg }}}]}
    - name: slack-all
      httpPost:
        scheme: HTTPS
        host: hooks.slack.com
        port: 443
        path: /services/XX/XXX/XXXX
        body: '{{ toJson (dict "text" (printf "Backup completed for %s/%s Status: %s (exit %d)." .Namespace .Target.Name .Status.Phase .Task.ExitCode)) }}'
)";

bool contains(const std::string& text, const std::string& piece) {
    return text.find(piece) != std::string::npos;
}

/// The numbered lines' heads ("1. preBackup \"x\"", "3. task"), with their indentation.
std::vector<std::string> step_heads(const std::string& text) {
    static const std::regex head(R"(^(\s*\d+\. [^:]*):)");
    std::vector<std::string> heads;
    std::istringstream lines(text);
    std::smatch m;
    for (std::string line; std::getline(lines, line);)
        if (std::regex_search(line, m, head)) heads.push_back(m[1]);
    return heads;
}

}  // namespace

TEST_CASE("render shows the Slack example's message for Failed and for Succeeded") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", kSlackSpec);

    auto failed = run_cli({"render", "-f", dir / "s.yaml", "--phase", "Failed"});
    CHECK(failed.exit_code == 0);
    CHECK(contains(failed.out,
                   R"({"blocks": [{"type": "section", "text": {"text":":x: Backup failed for )"
                   R"(lab/app Reason: backup command failed: exit code 1.","type":"mrkdwn"}}]})"));
    CHECK(contains(failed.out, "Backup completed for lab/app Status: Failed (exit 1)."));
    CHECK_FALSE(contains(failed.out, "does not run"));

    auto given = run_cli({"render", "-f", dir / "s.yaml", "--phase", "Failed", "--exit-code", "3",
                          "--error", "disk full"});
    CHECK(given.exit_code == 0);
    CHECK(contains(given.out, "Backup failed for lab/app Reason: disk full."));
    CHECK(contains(given.out, "Status: Failed (exit 3)."));

    auto succeeded = run_cli({"render", "-f", dir / "s.yaml"});  // Succeeded unless told
    CHECK(succeeded.exit_code == 0);
    CHECK(contains(succeeded.out, R"({"text":"Backup completed for lab/app Status: Succeeded )"
                                  R"((exit 0)."})"));
    CHECK(contains(succeeded.out, "Reason: ."));  // no error when it succeeded
    CHECK(contains(succeeded.out,
                   "2. postBackup \"slack-failed\": httpPost https://hooks.slack.com:443/*** "
                   "(does not run when Succeeded: executionPolicy OnFailure)"));
}

TEST_CASE("render: pre hooks see Running, post hooks the phase and the given output") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", R"(name: db
hooks:
  preBackup:
    exec: {command: [echo, "{{ .Stage }} {{ .Status.Phase }} {{ .Status.ExitCode }} {{ .Task.Ran }}"]}
  postBackup:
    exec: {command: [echo, "{{ .Stage }} {{ .Status.Phase }} {{ .Task.Ran }} [{{ .Task.Output }}] {{ .Status.Duration }}"]}
)");
    auto r = run_cli({"render", "-f", dir / "s.yaml", "--phase", "Skipped", "--output", "42 files",
                      "--duration", "1m30s", "--", "restic", "backup", "/data"});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out,
                   "1. preBackup \"preBackup[0]\": exec echo 'preBackup Running 0 false'\n"
                   "   exec.command[1]: preBackup Running 0 false\n"));
    CHECK(contains(r.out, "2. task: restic backup /data (not run)\n"));
    CHECK(contains(r.out, "   exec.command[1]: postBackup Skipped false [42 files] 1m30s\n"));

    auto only = run_cli({"render", "-f", dir / "s.yaml", "--stage", "postBackup"});
    CHECK(only.exit_code == 0);
    CHECK_FALSE(contains(only.out, "preBackup Running"));
    CHECK(contains(only.out, "3. postBackup"));
}

TEST_CASE("render numbers the hooks as plan does, batches included") {
    const std::string spec = std::string(STASH_HOOK_FIXTURES) + "/../../examples/batch.yaml";
    auto plan = run_cli({"plan", "-f", spec});
    auto render = run_cli({"render", "-f", spec, "--phase", "Failed"});
    CHECK(plan.exit_code == 0);
    CHECK(render.exit_code == 0);
    CHECK(step_heads(plan.out).size() > 5);
    CHECK(step_heads(render.out) == step_heads(plan.out));
    CHECK(contains(render.out,
                   "shop backup failed: member database: backup command failed: exit code 1"));
}

TEST_CASE("render masks secrets in URLs and headers as run does") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", R"(secretEnv: [DB_PASSWORD]
hooks:
  postBackup:
    - name: notify
      httpPost:
        host: 'admin:hunter2-pw@127.0.0.1'
        port: 9
        path: '/hooks/{{ env "HOOK_KEY" }}?kind={{ .Status.Phase }}'
        httpHeaders:
          - {name: Authorization, value: 'Bearer {{ env "API_TOKEN" }}'}
          - {name: X-Session, value: '{{ .Status.Phase }}'}
        body: '{"db": "{{ env "DB_PASSWORD" }}", "phase": "{{ .Status.Phase }}"}'
)");
    test::CliOptions opts;
    opts.env = {{"HOOK_KEY", "k3y-in-the-url"},
                {"API_TOKEN", "t0ken-in-a-header"},
                {"DB_PASSWORD", "pa55-in-the-body"}};
    auto r = run_cli({"render", "-f", dir / "s.yaml", "--phase", "Failed"}, opts);
    CHECK(r.exit_code == 0);
    for (const char* secret :
         {"k3y-in-the-url", "t0ken-in-a-header", "pa55-in-the-body", "hunter2-pw"}) {
        CAPTURE(secret);
        CHECK_FALSE(contains(r.out, secret));
        CHECK_FALSE(contains(r.err, secret));
    }
    CHECK(contains(r.out, "httpPost http://admin:***@127.0.0.1:9/***"));
    CHECK(contains(r.out, "   httpPost.path: ***\n"));
    CHECK(contains(r.out, "   httpPost.httpHeaders Authorization: Bearer ***\n"));
    CHECK(contains(r.out, "   httpPost.httpHeaders X-Session: Failed\n"));
    CHECK(contains(r.out, R"(   httpPost.body: {"db": "***", "phase": "Failed"})"));

    // A monitor's URL parts (its uuid, topic, webhook key) are secrets too.
    auto monitors =
        run_cli({"render", "-f", std::string(STASH_HOOK_FIXTURES) + "/../../examples/monitors.yaml",
                 "--phase", "Failed"});
    CHECK(monitors.exit_code == 0);
    CHECK(contains(monitors.out, "failure\": httpPost https://hc-ping.com:443/***\n"));
    for (const char* secret : {"00000000-0000-4000-8000-000000000000", "example-backups-topic",
                               "XXXXXXXXXXXXXXXXXXXXXXXX", "IncomingWebhook"}) {
        CAPTURE(secret);
        CHECK_FALSE(contains(monitors.out, secret));
    }
}

TEST_CASE("render reports a template that fails, with its hook and field, and exits 1") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", R"(hooks:
  postBackup:
    - name: bad
      exec: {command: [echo, "{{ index .Task.Command 7 }}", "{{ .Status.Phase }}"]}
    - name: good
      exec: {command: [echo, "{{ .Status.Phase }}"]}
    - name: half
      httpPost: {host: 127.0.0.1, port: 9, path: "/p/{{ .Status.Phase }}-s3cretpath", body: "{{ fail \"no\" }}"}
)");
    auto r = run_cli({"render", "-f", dir / "s.yaml", "--phase", "Failed", "--", "true"});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out,
                   "   exec.command[1]: error: template:1:4: index out of range: 7\n"
                   "   exec.command[2]: Failed\n"));
    CHECK(contains(r.out, "3. postBackup \"good\": exec echo Failed\n"));
    CHECK(contains(r.err,
                   "failed to render the template in exec.command[1] of postBackup hook "
                   "\"bad\": template:1:4: index out of range: 7"));
    // The path still renders, hidden as when the whole hook renders; the body fails.
    CHECK(contains(r.out, "   httpPost.path: ***\n   httpPost.body: error: "));
    CHECK_FALSE(contains(r.out, "s3cretpath"));

    // A spec that does not load is 125, as for every command.
    test::write_file(dir / "bad.yaml",
                     "hooks:\n  postBackup:\n    exec: {command: [echo, "
                     "\"{{ .Target.Nmae }}\"]}\n");
    auto invalid = run_cli({"render", "-f", dir / "bad.yaml"});
    CHECK(invalid.exit_code == 125);
    CHECK(contains(invalid.err, "unknown field .Target.Nmae"));
}

TEST_CASE("render reads Stash manifests: the Slack fixture's failure message") {
    const std::string fixture =
        std::string(STASH_HOOK_FIXTURES) + "/stash/slack-failed_backup_notification.yaml";
    auto r = run_cli({"render", "-f", fixture, "--phase", "Failed"});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "httpPost https://hooks.slack.com:443/***"));
    CHECK(contains(r.out, R"("text": {"text":":x: Backup failed for demo/stash-demo Reason: )"
                          R"(backup command failed: exit code 1.","type":"mrkdwn"})"));
    auto ok = run_cli({"render", "-f", fixture});
    CHECK(contains(ok.out, "(does not run when Succeeded: executionPolicy OnFailure)"));
}

TEST_CASE("render sends nothing and runs nothing") {
    test::TestHttpServer server;
    test::answer_ok(server);
    int tcp_port = 0;
    const int listener = test::listen_loopback(tcp_port);
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup:
    - exec: {command: [sh, -c, 'touch {DIR}/pre-$1', sh, "{{ .Stage }}"]}
    - httpGet: {host: 127.0.0.1, port: {PORT}, path: "/pre/{{ .Status.Phase }}"}
    - tcpSocket: {host: 127.0.0.1, port: {TCP}}
  postBackup:
    - httpPost: {host: 127.0.0.1, port: {PORT}, path: /post, body: "{{ .Status.Phase }}"}
    - exec: {command: [touch, "{DIR}/post-{{ .Status.Phase }}"]}
command: [touch, {DIR}/task]
)",
                                          {{"PORT", std::to_string(server.port())},
                                           {"TCP", std::to_string(tcp_port)},
                                           {"DIR", dir.path()}}));
    for (const char* phase : {"Succeeded", "Failed", "Skipped"}) {
        CAPTURE(phase);
        auto r = run_cli({"render", "-f", dir / "s.yaml", "--phase", phase});
        CHECK(r.exit_code == 0);
        CHECK(contains(r.out, std::string("   httpPost.body: ") + phase + "\n"));
    }
    CHECK(server.requests().empty());
    pollfd pending{listener, POLLIN, 0};
    CHECK(poll(&pending, 1, 0) == 0);  // no connection waits to be accepted
    close(listener);
    std::vector<std::string> files;  // no touch ran: only the spec is there
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        files.push_back(entry.path().filename().string());
    CHECK(files == std::vector<std::string>{"s.yaml"});
}

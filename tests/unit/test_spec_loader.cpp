#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec/spec_loader.hpp"
#include "spec/yaml_reader.hpp"

using namespace stash_hook;
using namespace std::chrono_literals;

namespace {

SpecLoadResult load(const std::string& yaml) { return load_spec_text(yaml, "hooks.yaml"); }

/// The only problem reported, as "file:line:column: message".
std::string only_problem(const std::string& yaml) {
    auto r = load(yaml);
    REQUIRE_FALSE(r.spec.has_value());
    REQUIRE(r.problems.size() == 1);
    return r.problems[0].str();
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("a full spec loads with every field") {
    auto r = load(R"(apiVersion: stash-hook/v1
kind: restore
name: nightly-db
namespace: demo
command: [restic, restore, latest]
timeout: 2h
statusFile: /tmp/status.json
hooks:
  preRestore:
    name: check-db
    tcpSocket: {host: db, port: 5432}
  postRestore:
    - name: notify
      httpPost:
        scheme: https
        host: example.org
        port: 443
        path: /hook?x=1
        httpHeaders: [{name: Authorization, value: "Bearer abc"}]
        form: [{key: k, values: [a, b]}]
        tls: {insecureSkipVerify: true}
      executionPolicy: OnFailure
      timeout: 30s
      retry: {attempts: 3, delay: 2s}
      onError: Continue
    - exec: {command: [echo, done]}
)");
    REQUIRE(r.problems.empty());
    const Spec& s = *r.spec;
    CHECK(s.kind == Kind::Restore);
    CHECK(s.name == "nightly-db");
    CHECK(s.ns == "demo");
    CHECK(s.command == std::vector<std::string>{"restic", "restore", "latest"});
    CHECK(s.timeout.value() == 2h);
    CHECK(s.status_file == "/tmp/status.json");
    REQUIRE(s.hooks_for(Stage::PreRestore).size() == 1);
    const auto& tcp = std::get<TcpAction>(s.hooks_for(Stage::PreRestore)[0].action);
    CHECK(tcp.host == "db");
    CHECK(tcp.port == 5432);
    REQUIRE(s.hooks_for(Stage::PostRestore).size() == 2);
    const Hook& notify = s.hooks_for(Stage::PostRestore)[0];
    CHECK(notify.name == "notify");
    CHECK(notify.policy == ExecutionPolicy::OnFailure);
    CHECK(notify.timeout == 30s);
    CHECK(notify.retry.attempts == 3);
    CHECK(notify.retry.delay == 2s);
    CHECK(notify.on_error == OnError::Continue);
    const auto& http = std::get<HttpAction>(notify.action);
    CHECK(http.post);
    CHECK(http.scheme == "HTTPS");
    CHECK(http.path == "/hook?x=1");
    CHECK(http.headers.at(0).value == "Bearer abc");
    CHECK(http.form.at(0).values == std::vector<std::string>{"a", "b"});
    CHECK(http.tls.insecure_skip_verify);
    CHECK(s.hooks_for(Stage::PostRestore)[1].name == "postRestore[1]");
}

TEST_CASE("defaults fill what the spec leaves out") {
    auto r = load_spec_text("hooks:\n  preBackup:\n    httpGet: {port: 8080}\n",
                            "/etc/stash/nightly.yaml");
    REQUIRE(r.spec.has_value());
    CHECK(r.spec->kind == Kind::Backup);
    CHECK(r.spec->name == "nightly");
    CHECK_FALSE(r.spec->timeout.has_value());
    const Hook& h = r.spec->hooks_for(Stage::PreBackup).at(0);
    CHECK(h.name == "preBackup[0]");
    CHECK(h.timeout == 5min);
    CHECK(h.retry.attempts == 0);
    CHECK(h.on_error == OnError::Fail);
    CHECK(h.policy == ExecutionPolicy::Always);
    const auto& http = std::get<HttpAction>(h.action);
    CHECK(http.host == "localhost");
    CHECK(http.scheme == "HTTP");
    CHECK(http.path == "/");
}

TEST_CASE("service names resolve to ports from /etc/services") {
    auto r = load("hooks:\n  preBackup:\n    tcpSocket: {port: postgresql}\n");
    REQUIRE(r.spec.has_value());
    CHECK(std::get<TcpAction>(r.spec->hooks_for(Stage::PreBackup)[0].action).port == 5432);
    CHECK(resolve_port("http").value() == 80);
    CHECK_FALSE(resolve_port("no-such-service").has_value());
}

TEST_CASE("invalid YAML names the line and column") {
    const auto p = only_problem("kind: backup\nhooks: [unclosed\n");
    CHECK(contains(p, "hooks.yaml:"));
    CHECK(contains(p, "invalid YAML"));
}

TEST_CASE("a misspelt key gets did-you-mean with its position") {
    const auto p =
        only_problem("hooks:\n  preBackup:\n    exec: {command: [true]}\n    timout: 5s\n");
    CHECK(p ==
          "hooks.yaml:4:5: unknown key \"timout\" in hook preBackup[0]; did you mean \"timeout\"?");
}

TEST_CASE("an unknown key with no close match lists the allowed keys") {
    const auto p = only_problem("banana: 1\n");
    CHECK(contains(p, "hooks.yaml:1:1: unknown key \"banana\" in the spec (allowed: apiVersion"));
}

TEST_CASE("a misspelt stage is caught") {
    const auto p = only_problem("hooks:\n  prebackup:\n    exec: {command: [true]}\n");
    CHECK(contains(p, "did you mean \"preBackup\"?"));
}

TEST_CASE("a bare number where a duration belongs is an error") {
    const auto p = only_problem("command: [x]\ntimeout: 30\n");
    CHECK(contains(p, "hooks.yaml:2:10: timeout: missing unit in duration \"30\""));
}

TEST_CASE("bad and negative durations are errors") {
    CHECK(contains(only_problem("timeout: 5 minutes\n"), "unknown unit"));
    CHECK(contains(only_problem("timeout: -5s\n"), "must be more than zero"));
    CHECK(
        contains(only_problem("hooks:\n  preBackup:\n    exec: {command: [x]}\n    timeout: 0s\n"),
                 "must be more than zero"));
}

TEST_CASE("wrong types are errors that say what is expected") {
    CHECK(contains(only_problem("command: restic backup /data\n"),
                   "command must be a list of arguments"));
    CHECK(contains(only_problem("hooks:\n  preBackup: 3\n"), "must be a hook or a list of hooks"));
    CHECK(contains(only_problem("hooks:\n  preBackup:\n    exec: {command: [{a: b}]}\n"),
                   "exec.command element must be a single value"));
    CHECK(contains(only_problem("hooks:\n  preBackup:\n    exec: {command: []}\n"),
                   "must not be empty"));
    CHECK(contains(
        only_problem(
            "hooks:\n  preBackup:\n    exec: {command: [x]}\n    retry: {attempts: many}\n"),
        "retry.attempts must be a whole number"));
    CHECK(contains(
        only_problem(
            "hooks:\n  preBackup:\n    httpGet: {port: 80, tls: {insecureSkipVerify: maybe}}\n"),
        "must be true or false"));
}

TEST_CASE("a missing port is an error") {
    CHECK(only_problem("hooks:\n  preBackup:\n    tcpSocket: {host: db}\n") ==
          "hooks.yaml:3:16: tcpSocket is missing required key \"port\"");
    CHECK(contains(only_problem("hooks:\n  preBackup:\n    httpGet: {path: /}\n"),
                   "httpGet is missing required key \"port\""));
}

TEST_CASE("ports out of range and unknown service names are errors") {
    CHECK(contains(only_problem("hooks:\n  preBackup:\n    tcpSocket: {port: 70000}\n"),
                   "out of range (1-65535)"));
    CHECK(
        contains(only_problem("hooks:\n  preBackup:\n    tcpSocket: {port: 0}\n"), "out of range"));
    CHECK(contains(
        only_problem("hooks:\n  preBackup:\n    tcpSocket: {port: 99999999999999999999}\n"),
        "out of range"));
    CHECK(contains(only_problem("hooks:\n  preBackup:\n    tcpSocket: {port: nosuchsvc}\n"),
                   "neither a number 1-65535 nor a service name"));
}

TEST_CASE("a hook needs exactly one action") {
    CHECK(contains(only_problem("hooks:\n  preBackup:\n    name: x\n"), "has no action"));
    CHECK(contains(
        only_problem("hooks:\n  preBackup:\n    exec: {command: [a]}\n    tcpSocket: {port: 1}\n"),
        "has 2 actions"));
}

TEST_CASE("executionPolicy belongs to post hooks only") {
    CHECK(contains(
        only_problem(
            "hooks:\n  preBackup:\n    exec: {command: [a]}\n    executionPolicy: Always\n"),
        "executionPolicy applies only to post hooks"));
}

TEST_CASE("a misspelt value gets did-you-mean") {
    CHECK(contains(
        only_problem(
            "hooks:\n  postBackup:\n    exec: {command: [a]}\n    executionPolicy: OnFailur\n"),
        "did you mean \"OnFailure\"?"));
    CHECK(contains(only_problem("kind: backpu\n"), "did you mean \"backup\"?"));
    CHECK(contains(
        only_problem("hooks:\n  preBackup:\n    exec: {command: [a]}\n    onError: continue\n"),
        "did you mean \"Continue\"?"));
}

TEST_CASE("duplicate keys and duplicate hook names are errors") {
    auto r = load("kind: backup\nkind: restore\n");
    REQUIRE_FALSE(r.problems.empty());
    CHECK(contains(r.problems[0].str(), "duplicate key \"kind\""));
    CHECK(contains(only_problem("hooks:\n  preBackup:\n    - {name: a, exec: {command: [x]}}\n"
                                "    - {name: a, exec: {command: [y]}}\n"),
                   "are named \"a\""));
}

TEST_CASE("schedules are cron expressions, and other apiVersions are refused") {
    CHECK(load("schedule: \"*/5 2-4 * * mon-fri\"\n").spec->schedule == "*/5 2-4 * * mon-fri");
    CHECK(contains(only_problem("schedule: \"61 * * * *\"\n"),
                   "schedule: minute: 61 is out of range (0-59)"));
    CHECK(
        contains(only_problem("apiVersion: stash-hook/v2\n"), "apiVersion must be stash-hook/v1"));
}

TEST_CASE("every problem is reported, not just the first") {
    auto r = load("kind: sideways\ntimeout: 3\nhooks:\n  preBackup:\n    tcpSocket: {host: db}\n");
    CHECK(r.problems.size() == 3);
}

TEST_CASE("an empty spec and a non-mapping spec are errors") {
    CHECK(contains(only_problem(""), "the spec is empty"));
    CHECK(contains(only_problem("- a\n- b\n"), "must be a mapping"));
}

TEST_CASE("a missing spec file says how to give one") {
    auto r = load_spec_file("/nonexistent/stash-hook.yaml");
    REQUIRE(r.problems.size() == 1);
    CHECK(contains(r.problems[0].str(), "failed to read spec: No such file or directory"));
}

TEST_CASE("commands are shown as a shell would need them typed") {
    CHECK(command_line({"restic", "backup", "/data"}) == "restic backup /data");
    CHECK(command_line({"sh", "-c", "echo hi; exit 1"}) == "sh -c 'echo hi; exit 1'");
    CHECK(command_line({"echo", "it's", ""}) == "echo 'it'\\''s' ''");
}

TEST_CASE("a batch spec loads members, parallelism, containers and retries") {
    auto r = load(R"(name: nightly
parallelism: 4
containerRuntime: kubectl
pod: app-0
namespace: prod
retries: {attempts: 2, delay: 1m}
hooks:
  preBackup: {name: global-pre, exec: {command: [true]}}
members:
  - name: db
    command: [pg_dump, app]
    timeout: 1h
    hooks:
      preBackup: {name: flush, containerName: postgres, exec: {command: [psql, -c, CHECKPOINT]}}
  - name: files
)");
    REQUIRE_MESSAGE(r.problems.empty(), (r.problems.empty() ? "" : r.problems[0].str()));
    const Spec& s = *r.spec;
    CHECK(s.is_batch());
    CHECK(s.parallelism == 4);
    CHECK(s.container_runtime == ContainerRuntime::Kubectl);
    CHECK(s.retries.attempts == 2);
    CHECK(s.retries.delay == 1min);
    REQUIRE(s.members.size() == 2);
    CHECK(s.members[0].name == "db");
    CHECK(s.members[0].timeout.value() == 1h);
    CHECK(s.members[0].target.name == "db");
    const Hook& flush = s.members[0].hooks_for(Stage::PreBackup).at(0);
    CHECK(flush.container_name == "postgres");
    CHECK(container_command(s, flush.container_name, {"psql", "-c", "CHECKPOINT"}) ==
          std::vector<std::string>{"kubectl", "exec", "app-0", "-c", "postgres", "-i", "-n", "prod",
                                   "--", "psql", "-c", "CHECKPOINT"});
    CHECK(s.members[1].command.empty());
}

TEST_CASE("batch mistakes are reported") {
    CHECK(contains(only_problem("members: []\n"), "members must be a non-empty list"));
    CHECK(contains(only_problem("members:\n  - {command: [x]}\n"),
                   "member is missing required key \"name\""));
    CHECK(contains(only_problem("members:\n  - {name: a}\n  - {name: a}\n"),
                   "two members are named \"a\""));
    CHECK(contains(only_problem("members:\n  - {name: a, hook: {}}\n"), "did you mean \"hooks\"?"));
    CHECK(contains(only_problem("parallelism: 0\n"), "out of range"));
    CHECK(contains(only_problem("containerRuntime: dokcer\n"), "did you mean \"docker\"?"));
    // containerName on httpGet and tcpSocket is Stash's (man page, STASH MANIFESTS): accepted, and
    // only with it may a port be a container's port name.
    CHECK(load("hooks:\n  preBackup: {containerName: c, httpGet: {port: 80}}\n").spec.has_value());
    CHECK(contains(only_problem("hooks:\n  preBackup: {tcpSocket: {port: my-port}}\n"),
                   "neither a number"));
}

TEST_CASE("a Stash BackupConfiguration is read as it is") {
    auto r = load(R"(apiVersion: stash.appscode.com/v1beta1
kind: BackupConfiguration
metadata:
  name: deployment-backup
  namespace: demo
spec:
  repository:
    name: gcs-repo
  schedule: "*/5 * * * *"
  target:
    ref:
      apiVersion: apps/v1
      kind: Deployment
      name: stash-demo
    paths: [/source/data]
  hooks:
    preBackup:
      exec:
        command: ["/bin/sh", "-c", "echo pre"]
      containerName: app
    postBackup:
      executionPolicy: OnFailure
      httpPost:
        host: hooks.slack.com
        path: /services/XX/XXX/XXXX
        port: 443
        scheme: HTTPS
        httpHeaders:
          - name: Content-Type
            value: application/json
        body: |
          {{- $msg := dict  "type" "mrkdwn" "text" (printf ":x: Backup failed for %s/%s Reason: %s." .Namespace .Target.Name .Status.Error) -}}
          {"blocks": [{"type": "section", "text": {{ toJson $msg }}}]}
  retentionPolicy:
    name: keep-last-5
    keepLast: 5
    prune: true
)");
    REQUIRE_MESSAGE(r.problems.empty(), (r.problems.empty() ? "" : r.problems[0].str()));
    const Spec& s = *r.spec;
    CHECK(s.kind == Kind::Backup);
    CHECK(s.name == "deployment-backup");
    CHECK(s.ns == "demo");
    CHECK(s.invoker.kind == "BackupConfiguration");
    CHECK(s.invoker.name == "deployment-backup");
    CHECK(s.target.kind == "Deployment");
    CHECK(s.target.name == "stash-demo");
    CHECK(s.target.api_version == "apps/v1");
    CHECK(s.hooks_for(Stage::PreBackup).at(0).container_name == "app");
    const Hook& post = s.hooks_for(Stage::PostBackup).at(0);
    CHECK(post.policy == ExecutionPolicy::OnFailure);
    CHECK(std::get<HttpAction>(post.action).port == 443);
    CHECK_FALSE(s.is_batch());
}

TEST_CASE("Stash batches and restores: members named by alias or target name") {
    auto r = load(R"(apiVersion: stash.appscode.com/v1beta1
kind: RestoreBatch
metadata: {name: restore-all, namespace: prod}
spec:
  hooks:
    postRestore: {httpGet: {port: 80, path: /done}}
  members:
    - target:
        alias: database
        ref: {apiVersion: appcatalog.appscode.com/v1alpha1, kind: AppBinding, name: pg}
      hooks:
        preRestore: {exec: {command: [true]}}
      rules: [{snapshots: [latest]}]
    - target:
        ref: {apiVersion: apps/v1, kind: StatefulSet, name: web}
      command: [restic, restore, latest]
)");
    REQUIRE_MESSAGE(r.problems.empty(), (r.problems.empty() ? "" : r.problems[0].str()));
    const Spec& s = *r.spec;
    CHECK(s.kind == Kind::Restore);
    REQUIRE(s.members.size() == 2);
    CHECK(s.members[0].name == "database");
    CHECK(s.members[0].target.kind == "AppBinding");
    CHECK(s.members[0].hooks_for(Stage::PreRestore).size() == 1);
    CHECK(s.members[1].name == "web");
    CHECK(s.members[1].command == std::vector<std::string>{"restic", "restore", "latest"});
    CHECK(s.hooks_for(Stage::PostRestore).size() == 1);
}

TEST_CASE("inside a Stash manifest's hooks unknown keys are still errors") {
    auto typo = load(
        "apiVersion: stash.appscode.com/v1beta1\nkind: BackupConfiguration\n"
        "metadata: {name: x}\nspec:\n  hooks:\n    preBackup: {exce: {command: [a]}}\n");
    REQUIRE_FALSE(typo.problems.empty());
    CHECK(contains(
        typo.problems[0].str(),
        "hooks.yaml:6:17: unknown key \"exce\" in hook preBackup[0]; did you mean \"exec\"?"));
    CHECK(contains(
        only_problem(
            "apiVersion: stash.appscode.com/v1beta1\nkind: BackupConfiguration\n"
            "metadata: {name: x}\nspec:\n  hooks:\n    preRestore: {exec: {command: [a]}}\n"),
        "unknown key \"preRestore\""));
    CHECK(contains(
        only_problem(
            "apiVersion: stash.appscode.com/v1beta1\nkind: BackupConfigration\nspec: {}\n"),
        "did you mean \"BackupConfiguration\"?"));
}

TEST_CASE("templates in hook strings are checked at load time") {
    CHECK(contains(
        only_problem(
            "hooks:\n  postBackup:\n    httpPost: {port: 80, body: '{{ .Status.Phse }}'}\n"),
        "bad template in httpPost.body: template:1:4: unknown field .Status.Phse; did you mean "
        ".Status.Phase?"));
    CHECK(contains(only_problem("hooks:\n  postBackup:\n    exec: {command: [echo, '{{ .Name']}\n"),
                   "bad template in exec.command[1]: template:1:1: unclosed action"));
    auto ok = load(
        "hooks:\n  postBackup:\n    httpGet: {port: 80, path: '/{{ .Target.Name }}',"
        " httpHeaders: [{name: X, value: '{{ .Status.Phase }}'}]}\n");
    CHECK(ok.problems.empty());
}

TEST_CASE(
    "hostile input: the spec's size and node count are bounded before yaml-cpp builds a tree") {
    // A 600 KB spec that is one long list: under the size limit, over the node limit.
    std::string list = "command: [";
    for (int i = 0; i < 300'000; ++i) list += i ? ",a" : "a";
    list += "]\n";
    CHECK(contains(only_problem(list), "hooks.yaml:1:"));
    CHECK(contains(only_problem(list), "the spec has more than 50000 values"));
    CHECK(contains(only_problem("command: [" + std::string(2'000'000, 'a') + "]\n"),
                   "the spec is 2000012 bytes; at most 1048576 are read"));
    // Just under the node limit still loads.
    std::string ok = "command: [";
    for (int i = 0; i < 49'000; ++i) ok += i ? ",a" : "a";
    CHECK(load(ok + "]\n").problems.empty());
}

TEST_CASE(
    "hostile input: -f of a device or a directory is refused, a pipe is read, and /dev/zero is not "
    "read to the end") {
    auto first = [](const std::string& path) {
        auto r = load_spec_file(path);
        REQUIRE(r.problems.size() == 1);
        return r.problems[0].str();
    };
    CHECK(contains(
        first("/dev/zero"),
        "failed to read spec: /dev/zero is a character device, not a regular file or a pipe"));
    CHECK(contains(first("/tmp"),
                   "failed to read spec: /tmp is a directory, not a regular file or a pipe"));
    const std::string fifo = "/tmp/stash-hook-test-fifo-" + std::to_string(getpid());
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    // A FIFO nobody writes to reads as empty, at once.
    CHECK(contains(first(fifo), "the spec is empty"));
    unlink(fifo.c_str());
    // A pipe with a writer (what `-f <(generate-spec)` gives: /dev/fd/63) is read like a file.
    int p[2];
    REQUIRE(pipe(p) == 0);
    const std::string text = "command: [\"true\"]\n";
    REQUIRE(write(p[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    close(p[1]);
    const auto piped = load_spec_file("/proc/self/fd/" + std::to_string(p[0]));
    close(p[0]);
    CHECK(piped.problems.empty());
    REQUIRE(piped.spec);
    CHECK(piped.spec->command == std::vector<std::string>{"true"});
}

TEST_CASE(
    "hostile input: NUL in an exec argument, an option as containerName, control characters in "
    "Stash names") {
    CHECK(contains(only_problem("hooks:\n  preBackup: {exec: {command: [\"tr\\0ue\"]}}\n"),
                   "exec.command element must not contain a NUL byte"));
    CHECK(contains(only_problem("command: [\"restic\\0\", backup]\n"),
                   "command element must not contain a NUL byte"));
    CHECK(contains(
        only_problem(
            "hooks:\n  preBackup: {exec: {command: [true]}, containerName: --privileged}\n"),
        "containerName \"--privileged\" must not start with '-'"));
    const std::string batch = R"(apiVersion: stash.appscode.com/v1beta1
kind: BackupBatch
metadata: {name: all}
spec:
  members:
    - target: {alias: "db\nINFO forged line", ref: {kind: AppBinding, name: pg}}
)";
    CHECK(contains(
        only_problem(batch),
        "target.alias \"db\nINFO forged line\" must not contain '/' or control characters"));
    const std::string target = R"(apiVersion: stash.appscode.com/v1beta1
kind: BackupConfiguration
metadata: {name: all}
spec:
  target: {ref: {kind: Deployment, name: "web\rX"}}
)";
    CHECK(contains(only_problem(target), "target.ref.name"));
}

TEST_CASE(
    "hostile input: a Stash apiVersion other than v1beta1 is refused, naming the accepted ones") {
    const auto p = only_problem(
        "apiVersion: stash.appscode.com/v1alpha1\nkind: BackupConfiguration\nspec: {}\n");
    CHECK(contains(p,
                   "hooks.yaml:1:13: apiVersion must be stash-hook/v1, stash.appscode.com/v1beta1 "
                   "or core.kubestash.com/v1alpha1, not \"stash.appscode.com/v1alpha1\""));
    CHECK(contains(
        only_problem("apiVersion: stash.appscode.com/v2\nkind: BackupConfiguration\nspec: {}\n"),
        "apiVersion must be stash-hook/v1, stash.appscode.com/v1beta1 or "
        "core.kubestash.com/v1alpha1"));
}

TEST_CASE("field() answers as yaml-cpp's const operator[] does") {
    const YAML::Node map = YAML::Load("{a: 1, b: {c: 2}, 3: three, a2: x}");
    for (const char* key : {"a", "b", "3", "a2", "missing", ""}) {
        const YAML::Node ours = field(map, key);
        const YAML::Node theirs = std::as_const(map)[std::string(key)];
        REQUIRE(ours.IsDefined() == theirs.IsDefined());
        if (theirs.IsDefined()) CHECK(YAML::Dump(ours) == YAML::Dump(theirs));
    }
    CHECK_FALSE(static_cast<bool>(field(map, "missing")));
    CHECK_THROWS_AS(field(map, "missing").Mark(), YAML::InvalidNode);  // as yaml-cpp's
    CHECK_THROWS_AS(field(YAML::Load("text"), "a"), YAML::BadSubscript);
    CHECK_FALSE(field(YAML::Load("[1, 2]"), "a").IsDefined());
    CHECK_FALSE(field(YAML::Node(), "a").IsDefined());
}

TEST_CASE("a five-byte text that yaml-cpp turns into endless values is stopped by the count") {
    // yaml-cpp 0.7's parser never ends on ",|:a>": it emits value after value. Only the
    // count before the tree is built stops it, so no bound from the text's size can
    // stand in for that count.
    const YamlDocument doc = parse_yaml_document(",|:a>", "s.yaml");
    REQUIRE(doc.problems.size() == 1);
    CHECK(doc.problems[0].str().find("more than 50000 values") != std::string::npos);
}

// Every hook example of Stash's and KubeStash's docs (tests/fixtures/, sources in their
// README.md) read, planned and run as their operators would run them.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kStashFixtures = std::string(STASH_HOOK_FIXTURES) + "/stash";

std::vector<std::string> fixtures(const std::string& dir) {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

std::string indented(const std::string& text, const std::string& indent) {
    std::string out;
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string::npos) nl = text.size();
        out += indent + text.substr(start, nl - start) + "\n";
        start = nl + 1;
    }
    return out;
}

/// A fixture as a manifest: a whole manifest as it is; a fragment of spec (hooks: or one
/// stage) placed, unchanged, under a BackupConfiguration's (RestoreSession's) spec.
std::string manifest_text(const std::string& path) {
    const std::string text = test::read_file(path);
    if (fs::path(path).filename().string().rfind("fragment-", 0) != 0) return text;
    const bool restore = text.find("Restore:") != std::string::npos;
    std::string out =
        std::string("apiVersion: stash.appscode.com/v1beta1\nkind: ") +
        (restore ? "RestoreSession" : "BackupConfiguration") +
        "\nmetadata:\n  name: fragment\n  namespace: demo\nspec:\n"
        "  target:\n    ref:\n      apiVersion: apps/v1\n      kind: Deployment\n      name: app\n";
    if (text.rfind("hooks:", 0) == 0) return out + indented(text, "  ");
    return out + "  hooks:\n" + indented(text, "    ");
}

}  // namespace

TEST_CASE("every Stash docs hook example validates and plans unchanged") {
    const auto files = fixtures(kStashFixtures);
    CHECK(files.size() >= 25);
    test::TempDir dir;
    for (const auto& file : files) {
        CAPTURE(file);
        const std::string spec = dir / fs::path(file).filename().string();
        test::write_file(spec, manifest_text(file));
        // Container hooks need a runtime (validate refuses them as run does); docker needs no pod.
        auto valid = test::run_cli({"validate", "-f", spec, "--container-runtime", "docker"});
        CHECK_MESSAGE(valid.exit_code == 0, valid.err);
        auto plan = test::run_cli({"plan", "-f", spec, "--container-runtime", "docker"});
        CHECK_MESSAGE(plan.exit_code == 0, plan.err);
        CHECK(plan.out.find("task") != std::string::npos);
    }
}

namespace {

/// A fake kubectl and docker first on PATH: each appends its argv to {DIR}/argv (one line);
/// `get pods` prints {DIR}/pods, another `get` {DIR}/object.json; `exec` runs nothing (a
/// fixture's command may be `rm -rf ...`): it prints "ran in the container" and exits with
/// {DIR}/exec_rc's number (0 without it).
test::CliOptions fake_runtimes(const test::TempDir& dir) {
    const std::string script = test::fill(R"SH(#!/bin/sh
printf '%s' "$(basename "$0")" >> {DIR}/argv
for a in "$@"; do printf ' [%s]' "$a" >> {DIR}/argv; done
echo >> {DIR}/argv
if [ "$1" = get ] && [ "$2" = pods ]; then cat {DIR}/pods; exit 0; fi
if [ "$1" = get ]; then cat {DIR}/object.json; exit 0; fi
echo ran in the container
[ -f {DIR}/exec_rc ] && exit "$(cat {DIR}/exec_rc)"
exit 0
)SH",
                                          {{"DIR", dir.path()}});
    fs::create_directories(dir / "bin");
    for (const char* name : {"docker", "kubectl"})
        test::write_file(dir / ("bin/" + std::string(name)), script, true);
    test::CliOptions opts;
    opts.env = {{"PATH", dir / "bin" + ":" + std::getenv("PATH")}};
    return opts;
}

std::string fixture(const std::string& name, const test::TempDir& dir) {
    const std::string path = dir / name;
    test::write_file(path, manifest_text(kStashFixtures + "/" + name));
    return path;
}

}  // namespace

TEST_CASE(
    "kubectl runs a Stash manifest's exec hooks in its workload's pod, and --pod and --namespace "
    "choose another") {
    test::TempDir dir;
    auto opts = fake_runtimes(dir);
    const std::string bc = fixture("concepts-backupconfiguration.yaml", dir);
    auto r = test::run_cli({"run", "-f", bc, "--container-runtime", "kubectl", "--", "true"}, opts);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(test::read_file(dir / "argv") ==
          "kubectl [exec] [deployment/stash-demo] [-c] [my-app-container] [-i] [-n] [demo] [--] "
          "[/bin/sh] [-c] "
          "[echo \"Sample PreBackup hook demo\"]\n"
          "kubectl [exec] [deployment/stash-demo] [-c] [my-app-container] [-i] [-n] [demo] [--] "
          "[/bin/sh] [-c] "
          "[echo \"Sample PostBackup hook demo\"]\n");
    fs::remove(dir / "argv");
    r = test::run_cli({"run", "-f", bc, "--container-runtime", "kubectl", "--pod",
                       "stash-demo-7d9f", "--namespace", "prod", "--", "true"},
                      opts);
    CHECK(r.exit_code == 0);
    CHECK(test::read_lines(dir / "argv").at(0) ==
          "kubectl [exec] [stash-demo-7d9f] [-c] [my-app-container] [-i] [-n] [prod] [--] "
          "[/bin/sh] [-c] "
          "[echo \"Sample PreBackup hook demo\"]");

    // plan shows the argv that runs, or why nothing can run yet.
    auto plan = test::run_cli({"plan", "-f", bc, "--container-runtime", "kubectl"});
    CHECK(plan.out.find("exec kubectl exec deployment/stash-demo -c my-app-container -i -n demo -- "
                        "/bin/sh -c") != std::string::npos);
    plan = test::run_cli({"plan", "-f", bc});
    CHECK(plan.out.find("(in container my-app-container: give --container-runtime)") !=
          std::string::npos);

    // A batch's global hooks have no target; a member's hooks run in that member's workload.
    const std::string bb = fixture("concepts-backupbatch.yaml", dir);
    auto global = test::run_cli({"run", "-f", bb, "--container-runtime", "kubectl", "--", "true"});
    CHECK(global.exit_code == 125);
    CHECK(global.err.find("a batch's global hooks have no target: give --pod POD") !=
          std::string::npos);
    test::write_file(dir / "members.yaml", R"(apiVersion: stash.appscode.com/v1beta1
kind: BackupBatch
metadata: {name: m, namespace: shop}
spec:
  members:
  - target: {ref: {apiVersion: apps/v1, kind: StatefulSet, name: db}}
    hooks:
      preBackup: {containerName: pg, exec: {command: [psql, -c, CHECKPOINT]}}
)");
    plan = test::run_cli({"plan", "-f", dir / "members.yaml", "--container-runtime", "kubectl"});
    CHECK_MESSAGE(
        plan.out.find("exec kubectl exec statefulset/db -c pg -i -n shop -- psql -c CHECKPOINT") !=
            std::string::npos,
        plan.out);
}

TEST_CASE(
    "validate and run agree on a Stash manifest's container hooks, and their advice can be "
    "followed") {
    test::TempDir dir;
    auto opts = fake_runtimes(dir);
    const std::string bc = fixture("bar-pre_backup_hook_demo.yaml", dir);  // target: an AppBinding
    for (const std::vector<std::string>& runtime :
         {std::vector<std::string>{}, {"--container-runtime", "kubectl"}}) {
        std::vector<std::string> validate = {"validate", "-f", bc};
        std::vector<std::string> run = {"run", "-f", bc};
        validate.insert(validate.end(), runtime.begin(), runtime.end());
        run.insert(run.end(), runtime.begin(), runtime.end());
        run.insert(run.end(), {"--", "true"});
        auto v = test::run_cli(validate, opts);
        auto r = test::run_cli(run, opts);
        CHECK(v.exit_code == 1);
        CHECK(r.exit_code == 125);
        const std::string advice =
            runtime.empty() ? "give --container-runtime docker, podman or kubectl"
                            : "is not a Deployment, StatefulSet, DaemonSet or ReplicaSet "
                              "that kubectl can exec into: give --pod POD";
        CHECK_MESSAGE(v.err.find(advice) != std::string::npos, v.err);
        CHECK_MESSAGE(r.err.find(advice) != std::string::npos, r.err);
        CHECK(r.err.find("containerRuntime:") ==
              std::string::npos);  // a key Stash manifests do not have
    }
    CHECK(test::run_cli(
              {"validate", "-f", bc, "--container-runtime", "kubectl", "--pod", "sample-mysql-0"})
              .exit_code == 0);
    // The hook's mysql command fails in the pod (the fake kubectl exits 127): 120.
    test::write_file(dir / "exec_rc", "127");
    auto r = test::run_cli({"run", "-f", bc, "--container-runtime", "kubectl", "--pod",
                            "sample-mysql-0", "--", "true"},
                           opts);
    CHECK(r.exit_code == 120);
    CHECK(test::read_lines(dir / "argv")
              .at(0)
              .rfind("kubectl [exec] [sample-mysql-0] [-c] [mysql] [-i] [-n] [demo] [--] [/bin/sh]",
                     0) == 0);
}

TEST_CASE(
    "containerName on httpGet and tcpSocket: a named port is resolved through kubectl get -o "
    "json") {
    test::TestHttpServer server;
    test::answer_ok(server);
    test::TempDir dir;
    auto opts = fake_runtimes(dir);
    test::write_file(
        dir / "object.json",
        R"({"kind":"Deployment","spec":{"template":{"spec":{"containers":[{"name":"other"},)"
        R"({"name":"my-container","ports":[{"name":"http","containerPort":1},{"name":"my-port","containerPort":)" +
            std::to_string(server.port()) + "}]}]}}}}");
    for (const char* name :
         {"fragment-configuring-hooks-02.yaml", "fragment-configuring-hooks-07.yaml"}) {
        CAPTURE(name);
        const std::string spec = fixture(name, dir);
        fs::remove(dir / "argv");
        auto none = test::run_cli({"run", "-f", spec, "--", "true"}, opts);
        CHECK(none.exit_code == 125);
        CHECK(none.err.find("give --container-runtime") != std::string::npos);
        auto r = test::run_cli({"run", "-f", spec, "--container-runtime", "kubectl", "--", "true"},
                               opts);
        CHECK_MESSAGE(r.exit_code == 0, r.err);
        CHECK(test::read_file(dir / "argv") ==
              "kubectl [get] [deployment/app] [-o] [json] [-n] [demo]\n");
        auto docker =
            test::run_cli({"run", "-f", spec, "--container-runtime", "docker", "--", "true"}, opts);
        CHECK(docker.exit_code == 120);
        CHECK(docker.err.find("failed to resolve port \"my-port\" of container my-container: "
                              "docker containers have "
                              "no named ports; give the port's number") != std::string::npos);
    }
    CHECK(server.requests().size() == 1);  // the httpGet; tcpSocket only connected
    // A numeric port with containerName needs no runtime at all.
    const std::string numeric = dir / "numeric.yaml";
    test::write_file(numeric, test::fill(R"(apiVersion: stash.appscode.com/v1beta1
kind: BackupConfiguration
metadata: {name: n, namespace: demo}
spec:
  hooks:
    preBackup:
      tcpSocket: {host: 127.0.0.1, port: {PORT}}
      containerName: my-container
)",
                                         {{"PORT", std::to_string(server.port())}}));
    CHECK(test::run_cli({"run", "-f", numeric, "--", "true"}).exit_code == 0);
}

TEST_CASE("a post hook skipped by its executionPolicy leaves Stash's condition") {
    test::TempDir dir;
    const std::string bc =
        fixture("slack-failed_backup_notification.yaml", dir);  // OnFailure, to hooks.slack.com
    auto r = test::run_cli({"run", "-f", bc, "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 0);
    const auto st = test::read_json(dir / "st.json");
    const nlohmann::json expected = {{"type", "PostBackupHookExecutionSucceeded"},
                                     {"status", "True"},
                                     {"reason", "SuccessfullyExecutedPostBackupHook"},
                                     {"message",
                                      "Skipping executing postBackup. Reason: executionPolicy is "
                                      "\"OnFailure\" but phase is \"Succeeded\"."}};
    bool found = false;
    for (const auto& c : st["conditions"])
        if (c["type"] == "PostBackupHookExecutionSucceeded") {
            found = true;
            for (const auto& [k, v] : expected.items()) CHECK(c[k] == v);
        }
    CHECK(found);
}

TEST_CASE(
    "spec.timeOut bounds a Stash session and spec.retryConfig re-runs it with .RetryLeft and "
    "OnFinalRetryFailure") {
    test::TempDir dir;
    const std::string bc = dir / "bc.yaml";
    test::write_file(bc, test::fill(R"(apiVersion: stash.appscode.com/v1beta1
kind: BackupConfiguration
metadata: {name: retried, namespace: demo}
spec:
  timeOut: 1s
  retryConfig:
    maxRetry: 2
    delay: 1s
  hooks:
    preBackup:
      exec:
        command: [sh, -c, "echo {{ .RetryLeft }} >> {DIR}/left"]
    postBackup:
      executionPolicy: OnFinalRetryFailure
      exec:
        command: [sh, -c, "echo final >> {DIR}/final"]
)",
                                    {{"DIR", dir.path()}}));
    auto plan = test::run_cli({"plan", "-f", bc});
    CHECK(plan.out.find("timeout 1s") != std::string::npos);
    CHECK(plan.out.find("up to 2 more attempts, 1s apart") != std::string::npos);
    auto r = test::run_cli({"run", "-f", bc, "--", "sleep", "30"});
    CHECK(r.exit_code == 124);
    CHECK(r.seconds < 25);
    CHECK(test::read_file(dir / "left") == "2\n1\n0\n");
    CHECK(test::read_file(dir / "final") == "final\n");
}

TEST_CASE(
    "Stash's rules for Stash manifests: no post hook after a failed pre hook, and plan says so") {
    test::TempDir dir;
    const std::string manifest = test::fill(R"(apiVersion: stash.appscode.com/v1beta1
kind: {KIND}
metadata: {name: ruled, namespace: demo}
spec:
  hooks:
    preBackup:
      exec: {command: [sh, -c, "exit 3"]}
    postBackup:
      executionPolicy: Always
      exec: {command: [sh, -c, "echo post >> {DIR}/post"]}
{MEMBERS})",
                                            {{"DIR", dir.path()}});
    test::write_file(dir / "bc.yaml",
                     test::fill(manifest, {{"KIND", "BackupConfiguration"}, {"MEMBERS", ""}}));
    test::write_file(
        dir / "bb.yaml",
        test::fill(manifest,
                   {{"KIND", "BackupBatch"},
                    {"MEMBERS", "  members:\n  - target: {ref: {kind: Deployment, name: a}}\n"}}));
    test::write_file(
        dir / "own.yaml",
        test::fill("hooks:\n  preBackup: {exec: {command: [sh, -c, \"exit 3\"]}}\n"
                   "  postBackup: {exec: {command: [sh, -c, \"echo post >> {DIR}/post\"]}}\n",
                   {{"DIR", dir.path()}}));
    for (const char* name : {"bc.yaml", "bb.yaml"}) {
        CAPTURE(name);
        auto r = test::run_cli(
            {"run", "-f", dir / name, "--status-file", dir / "st.json", "--", "true"});
        CHECK(r.exit_code == 120);
        CHECK(!fs::exists(dir / "post"));
        const auto st = test::read_json(dir / "st.json");
        CHECK(st["hooks"].back()["phase"] == "Skipped");
        auto plan = test::run_cli({"plan", "-f", dir / name});
        CHECK(plan.out.find("rules: Stash's, for a Stash manifest: no ") != std::string::npos);
    }
    // Our own format keeps our rule: post hooks run after a failed pre hook.
    CHECK(test::run_cli({"run", "-f", dir / "own.yaml", "--", "true"}).exit_code == 120);
    CHECK(test::read_file(dir / "post") == "post\n");
    CHECK(test::run_cli({"plan", "-f", dir / "own.yaml"}).out.find("rules: Stash's") ==
          std::string::npos);
}

TEST_CASE(
    "a manifest of an apiVersion not read is refused by its apiVersion alone, with one error") {
    test::TempDir dir;
    test::write_file(dir / "old.yaml",
                     "apiVersion: stash.appscode.com/v1alpha1\nkind: BackupConfiguration\n"
                     "metadata: {name: x}\nspec: {hooks: {}}\n");
    test::write_file(
        dir / "other.yaml",
        "apiVersion: example.com/v2\nkind: Thing\nmetadata: {name: x}\nspec: {a: 1}\n");
    for (const char* name : {"old.yaml", "other.yaml"}) {
        CAPTURE(name);
        auto v = test::run_cli({"validate", "-f", dir / name});
        CHECK(v.exit_code == 1);
        CHECK(std::count(v.err.begin(), v.err.end(), '\n') == 1);
        CHECK(v.err.find("apiVersion must be stash-hook/v1, stash.appscode.com/v1beta1 or "
                         "core.kubestash.com/v1alpha1") != std::string::npos);
    }
}

TEST_CASE("a Stash batch with executionOrder: Parallel runs its members at once") {
    test::TempDir dir;
    // Each member waits (bounded) for the other's mark: only parallel members both succeed.
    test::write_file(dir / "bb.yaml", test::fill(R"(apiVersion: stash.appscode.com/v1beta1
kind: BackupBatch
metadata: {name: both, namespace: demo}
spec:
  executionOrder: Parallel
  members:
  - target: {ref: {kind: Deployment, name: a}}
  - target: {ref: {kind: Deployment, name: b}}
)",
                                                 {}));
    const std::string task = test::fill(
        "touch {DIR}/$STASH_HOOK_MEMBER; for i in $(seq 100); do [ -e {DIR}/a ] && [ -e {DIR}/b ] "
        "&& exit 0; sleep 0.1; done; exit 1",
        {{"DIR", dir.path()}});
    CHECK(test::run_cli({"plan", "-f", dir / "bb.yaml"}).out.find("members, 2 at a time") !=
          std::string::npos);
    auto r = test::run_cli({"run", "-f", dir / "bb.yaml", "--", "sh", "-c", task});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
}

TEST_CASE("a batch's top-level task sums up its members' tasks, not Skipped when they ran") {
    test::TempDir dir;
    test::write_file(dir / "bb.yaml", R"(apiVersion: stash.appscode.com/v1beta1
kind: BackupBatch
metadata: {name: sum, namespace: demo}
spec:
  members:
  - target: {ref: {kind: Deployment, name: a}}
  - target: {ref: {kind: Deployment, name: b}}
)");
    CHECK(test::run_cli(
              {"run", "-f", dir / "bb.yaml", "--status-file", dir / "st.json", "--", "true"})
              .exit_code == 0);
    CHECK(test::read_json(dir / "st.json")["task"]["phase"] == "Succeeded");
    const auto failed =
        test::run_cli({"run", "-f", dir / "bb.yaml", "--status-file", dir / "st.json", "--", "sh",
                       "-c", "test \"$STASH_HOOK_MEMBER\" = a"});
    CHECK_MESSAGE(failed.exit_code == 1, failed.err);
    CHECK(test::read_json(dir / "st.json")["task"]["phase"] == "Failed");
}

TEST_CASE("in a Stash RestoreSession's hooks .Name is the RestoreSession's own name") {
    test::TempDir dir;
    test::write_file(dir / "rs.yaml", test::fill(R"(apiVersion: stash.appscode.com/v1beta1
kind: RestoreSession
metadata: {name: sample-restore, namespace: demo}
spec:
  hooks:
    preRestore:
      exec: {command: [sh, -c, "echo {{ .Name }} > {DIR}/name"]}
)",
                                                 {{"DIR", dir.path()}}));
    CHECK(test::run_cli({"run", "-f", dir / "rs.yaml", "--", "true"}).exit_code == 0);
    CHECK(test::read_file(dir / "name") == "sample-restore\n");
}

namespace {

/// The hooks a session's status file lists, in order, as "stage:phase" (a batch's global
/// hooks first, then each member's as "member/stage:phase").
std::string hook_order(const nlohmann::json& status) {
    std::string out;
    auto add = [&out](const nlohmann::json& hooks, const std::string& prefix) {
        for (const auto& h : hooks)
            out += (out.empty() ? "" : " ") + prefix + h["stage"].get<std::string>() + ":" +
                   h["phase"].get<std::string>();
    };
    add(status["hooks"], "");
    if (status.contains("members"))
        for (const auto& m : status["members"]) add(m["hooks"], m["name"].get<std::string>() + "/");
    return out;
}

/// What Stash's operator runs for each example with a task that succeeds: which hooks, in
/// which order, and which its executionPolicy skips (OnFailure after a success: Skipped).
const std::map<std::string, std::string> kStashOrder = {
    {"bar-index-post-restore.yaml", "postRestore:Succeeded"},
    {"bar-post_backup_hook_demo.yaml", "preBackup:Succeeded postBackup:Succeeded"},
    {"bar-post_restore_hook_demo.yaml", "postRestore:Succeeded"},
    {"bar-pre_backup_hook_demo.yaml", "preBackup:Succeeded"},
    {"bar-pre_restore_hook_demo.yaml", "preRestore:Succeeded"},
    {"batch-wordpress-backup.yaml", "preBackup:Succeeded postBackup:Succeeded"},
    {"concepts-backupbatch.yaml", "preBackup:Succeeded postBackup:Succeeded"},
    {"concepts-backupconfiguration.yaml", "preBackup:Succeeded postBackup:Succeeded"},
    {"concepts-restoresession.yaml", "preRestore:Succeeded postRestore:Succeeded"},
    {"fragment-configuring-hooks-01.yaml", "preBackup:Succeeded"},
    {"fragment-configuring-hooks-02.yaml", "preBackup:Succeeded"},
    {"fragment-configuring-hooks-03.yaml", "preBackup:Succeeded"},
    {"fragment-configuring-hooks-04.yaml", "preBackup:Succeeded"},
    {"fragment-configuring-hooks-05.yaml", "preBackup:Succeeded"},
    {"fragment-configuring-hooks-06.yaml", "preBackup:Succeeded"},
    {"fragment-configuring-hooks-07.yaml", "preBackup:Succeeded"},
    {"fragment-configuring-hooks-08.yaml", "preRestore:Succeeded"},
    {"fragment-configuring-hooks-09.yaml", "preBackup:Succeeded"},
    {"fragment-configuring-hooks-10.yaml", "postBackup:Succeeded"},
    {"fragment-configuring-hooks-11.yaml", "preRestore:Succeeded"},
    {"fragment-configuring-hooks-12.yaml", "postRestore:Succeeded"},
    {"fragment-overview.yaml", "postBackup:Skipped"},
    {"slack-all_backup_notification.yaml", "postBackup:Succeeded"},
    {"slack-failed_backup_notification.yaml", "postBackup:Skipped"},
    {"slack-restoresession.yaml", "postRestore:Skipped"},
};

}  // namespace

TEST_CASE("every Stash docs hook example runs: exec hooks through kubectl, the rest on loopback") {
    test::TestHttpServer server;
    test::answer_ok(server);
    test::TempDir dir;
    auto opts = fake_runtimes(dir);
    // A retryConfig's delay (10m) after an unexpected failure must fail the test, not hang it.
    opts.timeout_seconds = 60;
    const std::string port = std::to_string(server.port());
    test::write_file(dir / "object.json",
                     R"({"kind":"Pod","spec":{"containers":[{"name":"my-container","ports":[)"
                     R"({"name":"my-port","containerPort":)" +
                         port + "}]}]}}");
    size_t requests = 0;
    for (const auto& file : fixtures(kStashFixtures)) {
        CAPTURE(file);
        // Only where the hooks reach: every host is loopback, every port the test server's.
        std::string text = manifest_text(file);
        for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
                 {"host: hooks.slack.com", "host: 127.0.0.1"},
                 {"host: my-host.demo.svc", "host: 127.0.0.1"},
                 {"host: my-service.mynamespace.svc", "host: 127.0.0.1"},
                 {"port: 443", "port: " + port},
                 {"port: 8080", "port: " + port},
                 {"scheme: HTTPS", "scheme: HTTP"}})
            for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at))
                text.replace(at, from.size(), to);
        const std::string spec = dir / fs::path(file).filename().string();
        test::write_file(spec, text);
        fs::remove(dir / "argv");
        auto r = test::run_cli({"run", "-f", spec, "--container-runtime", "kubectl", "--pod",
                                "app-0", "--status-file", dir / "st.json", "--", "true"},
                               opts);
        CHECK_MESSAGE(r.exit_code == 0, r.err);
        CHECK(!r.timed_out);
        const auto st = test::read_json(dir / "st.json");
        CHECK(st["phase"] == "Succeeded");
        const std::string name = fs::path(file).filename().string();
        REQUIRE_MESSAGE(kStashOrder.contains(name), name);
        CHECK(hook_order(st) == kStashOrder.at(name));
        // Every exec hook ran in the pod, in its container; its command ran there.
        for (const auto& line :
             fs::exists(dir / "argv") ? test::read_lines(dir / "argv") : std::vector<std::string>{})
            if (line.rfind("kubectl [exec]", 0) == 0)
                CHECK(line.rfind("kubectl [exec] [app-0] [-c] [", 0) == 0);
        if (text.find("mysql -u root") != std::string::npos)
            CHECK(test::read_file(dir / "argv").find("[mysql -u root --password=") !=
                  std::string::npos);
        const auto now = server.requests();
        for (size_t i = requests; i < now.size(); ++i)
            if (!now[i].body.empty() && now[i].body.find('{') != std::string::npos)
                CHECK(nlohmann::json::accept(now[i].body));
        requests = now.size();
    }
    CHECK(requests > 0);
}

TEST_CASE(
    "--selector and podSelector pick the pod kubectl runs container hooks in (the first the "
    "labels select) and no pod selected is a clear error") {
    test::TempDir dir;
    auto opts = fake_runtimes(dir);
    opts.timeout_seconds = 60;  // concepts-backupconfiguration.yaml retries 10m apart
    test::write_file(dir / "pods", "pod/stash-demo-a\npod/stash-demo-b\n");
    const std::string bc = fixture("concepts-backupconfiguration.yaml", dir);
    const std::vector<std::string> kubectl = {"--container-runtime", "kubectl"};
    auto run = [&](std::vector<std::string> args) {
        fs::remove(dir / "argv");
        args.insert(args.begin(), kubectl.begin(), kubectl.end());
        args.insert(args.begin(), {"run", "-f", bc});
        args.insert(args.end(), {"--", "true"});
        return test::run_cli(args, opts);
    };
    auto r = run({"--selector", "app=stash-demo"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const std::string get = "kubectl [get] [pods] [-l] [app=stash-demo] [-o] [name] [-n] [demo]";
    const std::string exec =
        "kubectl [exec] [pod/stash-demo-a] [-c] [my-app-container] [-i] [-n] [demo] [--] "
        "[/bin/sh] [-c] [echo \"Sample ";
    const auto lines = test::read_lines(dir / "argv");
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == get);
    CHECK(lines[1] == exec + "PreBackup hook demo\"]");
    CHECK(lines[2] == get);
    CHECK(lines[3] == exec + "PostBackup hook demo\"]");
    // -l is --selector; --namespace applies to the selection too.
    r = run({"-l", "app=stash-demo", "--namespace", "prod"});
    CHECK(r.exit_code == 0);
    CHECK(test::read_lines(dir / "argv").at(0) ==
          "kubectl [get] [pods] [-l] [app=stash-demo] [-o] [name] [-n] [prod]");
    // `hook` takes the same flags: one stage alone, in the selected pod, then in a named one.
    fs::remove(dir / "argv");
    r = test::run_cli({"hook", "-f", bc, "preBackup", "--container-runtime", "kubectl", "-l",
                       "app=stash-demo", "--namespace", "prod"},
                      opts);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(test::read_lines(dir / "argv") ==
          std::vector<std::string>{"kubectl [get] [pods] [-l] [app=stash-demo] [-o] [name] [-n] "
                                   "[prod]",
                                   "kubectl [exec] [pod/stash-demo-a] [-c] [my-app-container] "
                                   "[-i] [-n] [prod] [--] [/bin/sh] [-c] [echo \"Sample "
                                   "PreBackup hook demo\"]"});
    fs::remove(dir / "argv");
    r = test::run_cli(
        {"hook", "-f", bc, "postBackup", "--container-runtime", "kubectl", "--pod", "web-0"}, opts);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(test::read_lines(dir / "argv").at(0).starts_with("kubectl [exec] [web-0] [-c] "));
    auto plan = test::run_cli({"plan", "-f", bc, "--container-runtime", "kubectl", "-l", "app=x"});
    CHECK_MESSAGE(plan.out.find("exec kubectl exec POD -c my-app-container -i -n demo -- /bin/sh "
                                "-c") != std::string::npos,
                  plan.out);
    CHECK(plan.out.find("(POD: the first of kubectl get pods -l app=x -o name -n demo)") !=
          std::string::npos);

    // No pod selected: the pre hook fails with the reason (and, by Stash's rules, no post
    // hook runs after it).
    test::write_file(dir / "pods", "");
    const std::string app = fixture("bar-pre_backup_hook_demo.yaml", dir);  // no retryConfig
    fs::remove(dir / "argv");
    r = test::run_cli({"run", "-f", app, "--container-runtime", "kubectl", "--selector", "app=gone",
                       "--status-file", dir / "st.json", "--", "true"},
                      opts);
    CHECK(r.exit_code == 120);
    CHECK_MESSAGE(r.err.find("failed to select pods app=gone: no pod has these labels in "
                             "namespace demo") != std::string::npos,
                  r.err);
    CHECK(test::read_json(dir / "st.json")["hooks"][0]["phase"] == "Failed");
    CHECK(test::read_lines(dir / "argv") ==
          std::vector<std::string>{"kubectl [get] [pods] [-l] [app=gone] [-o] [name] [-n] [demo]"});

    // --pod and --selector both choose the pod: refused.
    r = run({"--selector", "app=x", "--pod", "p-0"});
    CHECK(r.exit_code == 125);
    CHECK(r.err.find("--pod p-0 and --selector app=x both choose the pod: give one of them") !=
          std::string::npos);
    CHECK(run({"--selector", "-x"}).err.find("invalid --selector -x: it must not start with '-'") !=
          std::string::npos);

    // A target kubectl cannot exec into (an AppBinding) runs with a selector.
    CHECK(test::run_cli(
              {"validate", "-f", app, "--container-runtime", "kubectl", "--selector", "app=mysql"})
              .exit_code == 0);

    // Our own spec: podSelector: beside pod:, the one or the other.
    test::write_file(dir / "pods", "pod/db-0\n");
    test::write_file(dir / "own.yaml", R"(namespace: shop
containerRuntime: kubectl
podSelector: app=db
hooks:
  preBackup:
  - containerName: pg
    exec: {command: [psql, -c, CHECKPOINT]}
)");
    fs::remove(dir / "argv");
    r = test::run_cli({"run", "-f", dir / "own.yaml", "--", "true"}, opts);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(
        test::read_lines(dir / "argv") ==
        std::vector<std::string>{
            "kubectl [get] [pods] [-l] [app=db] [-o] [name] [-n] [shop]",
            "kubectl [exec] [pod/db-0] [-c] [pg] [-i] [-n] [shop] [--] [psql] [-c] [CHECKPOINT]"});
    // --pod names the pod instead.
    fs::remove(dir / "argv");
    r = test::run_cli({"run", "-f", dir / "own.yaml", "--pod", "db-1", "--", "true"}, opts);
    CHECK(r.exit_code == 0);
    CHECK(test::read_lines(dir / "argv").at(0).rfind("kubectl [exec] [db-1] [-c] [pg]", 0) == 0);
    test::write_file(dir / "both.yaml", "pod: db-0\n" + test::read_file(dir / "own.yaml"));
    auto v = test::run_cli({"validate", "-f", dir / "both.yaml"});
    CHECK(v.exit_code == 1);
    CHECK(v.err.find("pod: and podSelector: both choose the pod: give one of them") !=
          std::string::npos);
}

TEST_CASE(
    "a Stash manifest's httpPost sends no Content-Type unless httpHeaders names one and our "
    "own spec keeps application/json or text/plain") {
    test::TestHttpServer server;
    test::answer_ok(server);
    test::TempDir dir;
    const std::string port = std::to_string(server.port());
    test::write_file(dir / "bc.yaml", test::fill(R"(apiVersion: stash.appscode.com/v1beta1
kind: BackupConfiguration
metadata: {name: ct, namespace: demo}
spec:
  hooks:
    preBackup:
      httpPost: {host: 127.0.0.1, port: {PORT}, path: /pre, body: '{"a": 1}'}
    postBackup:
      httpPost:
        host: 127.0.0.1
        port: {PORT}
        path: /post
        body: plain words
        httpHeaders: [{name: Content-Type, value: application/x-ndjson}]
)",
                                                 {{"PORT", port}}));
    test::write_file(dir / "own.yaml", test::fill(R"(hooks:
  preBackup:
  - httpPost: {host: 127.0.0.1, port: {PORT}, path: /pre, body: '{"a": 1}'}
  postBackup:
  - httpPost: {host: 127.0.0.1, port: {PORT}, path: /post, body: plain words}
  - httpPost:
      host: 127.0.0.1
      port: {PORT}
      path: /post
      body: plain words
      httpHeaders: [{name: Content-Type, value: application/x-ndjson}]
)",
                                                  {{"PORT", port}}));
    auto r = test::run_cli({"run", "-f", dir / "bc.yaml", "--", "true"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    r = test::run_cli({"run", "-f", dir / "own.yaml", "--", "true"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 5);
    // The Stash manifest's: none, then exactly the one httpHeaders names.
    CHECK(requests[0].headers.count("Content-Type") == 0);
    CHECK(requests[0].body == "{\"a\": 1}");
    CHECK(requests[1].headers.count("Content-Type") == 1);
    CHECK(requests[1].header("Content-Type") == "application/x-ndjson");
    // Our own spec's rule.
    CHECK(requests[2].header("Content-Type") == "application/json");
    CHECK(requests[3].header("Content-Type") == "text/plain");
    CHECK(requests[4].headers.count("Content-Type") == 1);
    CHECK(requests[4].header("Content-Type") == "application/x-ndjson");
    // plan says which rule applies.
    CHECK(test::run_cli({"plan", "-f", dir / "bc.yaml"})
              .out.find("httpPost sends no Content-Type unless httpHeaders names one") !=
          std::string::npos);
    CHECK(test::run_cli({"plan", "-f", dir / "own.yaml"}).out.find("no Content-Type") ==
          std::string::npos);
}

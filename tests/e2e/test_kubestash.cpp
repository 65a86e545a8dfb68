// KubeStash's hook examples (tests/fixtures/kubestash, sources in its README.md): a
// BackupConfiguration or RestoreSession read with the HookTemplates it names (several -f,
// or one file of several documents), planned and run as KubeStash's operator would run them:
// a Pod executor through kubectl in the pods its selector picks, an Operator executor's HTTP
// call from here.

#include <doctest/doctest.h>

#include <filesystem>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kFixtures = std::string(STASH_HOOK_FIXTURES) + "/kubestash/";

/// Each manifest with the HookTemplates it refers to.
const std::vector<std::pair<std::string, std::vector<std::string>>> kManifests = {
    {"bar-pre_backup_hook_demo.yaml", {"bar-hooktemplate.yaml"}},
    {"bar-post_backup_hook_demo.yaml", {"bar-hooktemplate.yaml", "bar-hooktemplate-post.yaml"}},
    {"bar-pre_restore_hook_demo.yaml", {"bar-hooktemplate-pre-rs.yaml"}},
    {"bar-post_restore_hook_demo.yaml", {"bar-hooktemplate-post-rs.yaml"}},
    {"slack-all_backup_notification.yaml", {"slack-hooktemplate.yaml"}},
    {"slack-failed_backup_notification.yaml", {"slack-hooktemplate_failed.yaml"}},
};

std::vector<std::string> spec_args(const std::string& manifest,
                                   const std::vector<std::string>& templates) {
    std::vector<std::string> args = {"-f", kFixtures + manifest};
    for (const auto& t : templates) args.insert(args.end(), {"-f", kFixtures + t});
    return args;
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// A fake kubectl first on PATH, and a fake mysql: each appends its argv to {DIR}/argv (one
/// line); `kubectl get pods` prints {DIR}/pods; `kubectl exec` runs what follows "--" only
/// when it is the docs' `/bin/sh -c "mysql ..."` (through the fake mysql; anything else, such
/// as a fixture's `echo ... > /source/data/...`, is only recorded); mysql exits with
/// {DIR}/mysql_rc's number (0 without it).
test::CliOptions fake_kubectl(const test::TempDir& dir) {
    const std::string record = R"SH(printf '%s' "$(basename "$0")" >> {DIR}/argv
for a in "$@"; do printf ' [%s]' "$a" >> {DIR}/argv; done
echo >> {DIR}/argv
)SH";
    fs::create_directories(dir / "bin");
    test::write_file(dir / "bin/kubectl",
                     test::fill("#!/bin/sh\n" + record + R"SH(
if [ "$1" = get ]; then cat {DIR}/pods; exit 0; fi
while [ "$1" != "--" ]; do shift; done; shift
case "$*" in "/bin/sh -c mysql "*) exec "$@" ;; esac
exit 0
)SH",
                                {{"DIR", dir.path()}}),
                     true);
    test::write_file(dir / "bin/mysql",
                     test::fill("#!/bin/sh\n" + record + R"SH(
[ -f {DIR}/mysql_rc ] && exit "$(cat {DIR}/mysql_rc)"
exit 0
)SH",
                                {{"DIR", dir.path()}}),
                     true);
    test::write_file(dir / "pods", "pod/sample-mysql-0\npod/sample-mysql-1\n");
    test::CliOptions opts;
    opts.env = {{"PATH", dir / "bin" + ":" + std::getenv("PATH")}, {"MYSQL_ROOT_PASSWORD", "pw"}};
    return opts;
}

std::string exec_line(const std::string& pod, const std::string& sql) {
    return "kubectl [exec] [pod/" + pod + "] [-c] [mysql] [-i] [-n] [demo] [--] [/bin/sh] [-c] " +
           "[mysql -u root --password=$MYSQL_ROOT_PASSWORD -e \"" + sql + "\"]";
}

const std::string kGetPods =
    "kubectl [get] [pods] [-l] [app.kubernetes.io/instance=sample-mysql, "
    "app.kubernetes.io/managed-by=kubedb.com, app.kubernetes.io/name=mysqls.kubedb.com] [-o] "
    "[name] [-n] [demo]";

}  // namespace

TEST_CASE("every KubeStash docs hook example validates and plans with its HookTemplates") {
    for (const auto& [manifest, templates] : kManifests) {
        CAPTURE(manifest);
        auto v = test::run_cli(concat({"validate"}, spec_args(manifest, templates)));
        CHECK_MESSAGE(v.exit_code == 0, v.err);
        auto plan = test::run_cli(concat({"plan"}, spec_args(manifest, templates)));
        CHECK_MESSAGE(plan.exit_code == 0, plan.err);
        if (manifest.starts_with("bar-")) {
            CHECK_MESSAGE(plan.out.find("kubectl exec POD -c mysql -i -n demo -- /bin/sh -c") !=
                              std::string::npos,
                          plan.out);
            CHECK(plan.out.find("(POD: each of kubectl get pods -l 'app.kubernetes.io/instance="
                                "sample-mysql, ") != std::string::npos);
            CHECK(plan.out.find("timeout 30s, 3 retries") != std::string::npos);
        } else {
            CHECK(plan.out.find("httpPost") != std::string::npos);
        }
    }
    // A HookTemplate alone (every template fixture, and the concepts sample) runs nothing.
    for (const char* name :
         {"concepts-hooktemplate.yaml", "bar-hooktemplate.yaml", "bar-hooktemplate-post.yaml",
          "bar-hooktemplate-pre-rs.yaml", "bar-hooktemplate-post-rs.yaml",
          "slack-hooktemplate.yaml", "slack-hooktemplate_failed.yaml"}) {
        CAPTURE(name);
        auto v = test::run_cli({"validate", "-f", kFixtures + name});
        CHECK(v.exit_code == 1);
        CHECK(v.err.find("HookTemplates alone run nothing") != std::string::npos);
    }
}

TEST_CASE("a KubeStash Pod executor with ExecuteOnAll runs its hook in every selected pod") {
    test::TempDir dir;
    auto opts = fake_kubectl(dir);
    auto r = test::run_cli(
        concat(concat({"run"}, spec_args("bar-post_backup_hook_demo.yaml",
                                         {"bar-hooktemplate.yaml", "bar-hooktemplate-post.yaml"})),
               {"--status-file", dir / "st.json", "--", "true"}),
        opts);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const std::string on = "SET GLOBAL super_read_only = ON;";
    const std::string off = "SET GLOBAL super_read_only = OFF;";
    const std::string mysql_on =
        "mysql [-u] [root] [--password=pw] [-e] [SET GLOBAL super_read_only = ON;]";
    const std::string mysql_off =
        "mysql [-u] [root] [--password=pw] [-e] [SET GLOBAL super_read_only = OFF;]";
    CHECK(test::read_lines(dir / "argv") ==
          std::vector<std::string>{kGetPods, exec_line("sample-mysql-0", on), mysql_on,
                                   exec_line("sample-mysql-1", on), mysql_on, kGetPods,
                                   exec_line("sample-mysql-0", off), mysql_off,
                                   exec_line("sample-mysql-1", off), mysql_off});
    const auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Succeeded");

    // No pod matches: the pre hook fails with the reason (the pods are selected once, not on
    // each retry); as in KubeStash (and Stash), the backup and its post hooks do not run.
    fs::remove(dir / "argv");
    test::write_file(dir / "pods", "");
    r = test::run_cli(
        concat(concat({"run"}, spec_args("bar-post_backup_hook_demo.yaml",
                                         {"bar-hooktemplate.yaml", "bar-hooktemplate-post.yaml"})),
               {"--", "touch", dir / "task-ran"}),
        opts);
    CHECK(r.exit_code == 120);
    CHECK_MESSAGE(r.err.find("failed to select pods app.kubernetes.io/instance=sample-mysql, "
                             "app.kubernetes.io/managed-by=kubedb.com, "
                             "app.kubernetes.io/name=mysqls.kubedb.com: no pod has these labels "
                             "in namespace demo") != std::string::npos,
                  r.err);
    CHECK(!fs::exists(dir / "task-ran"));
    CHECK(test::read_lines(dir / "argv") == std::vector<std::string>{kGetPods});
}

TEST_CASE(
    "KubeStash RestoreSessions run their postRestore HookTemplates, given with several -f "
    "or as one multi-document file") {
    test::TempDir dir;
    auto opts = fake_kubectl(dir);
    const std::string drop = "DROP DATABASE companyRecord;";
    auto r = test::run_cli(concat(concat({"run"}, spec_args("bar-pre_restore_hook_demo.yaml",
                                                            {"bar-hooktemplate-pre-rs.yaml"})),
                                  {"--", "true"}),
                           opts);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(test::read_lines(dir / "argv") ==
          std::vector<std::string>{
              kGetPods, exec_line("sample-mysql-0", drop),
              "mysql [-u] [root] [--password=pw] [-e] [DROP DATABASE companyRecord;]",
              exec_line("sample-mysql-1", drop),
              "mysql [-u] [root] [--password=pw] [-e] [DROP DATABASE companyRecord;]"});

    // The same as one file of three documents, the template first; a failing mysql in the
    // second pod fails the hook (exit 121: a post hook failed) after maxRetry retries.
    fs::remove(dir / "argv");
    const std::string bundle = dir / "bundle.yaml";
    test::write_file(bundle,
                     test::read_file(kFixtures + "bar-hooktemplate-post-rs.yaml") + "\n---\n" +
                         test::read_file(kFixtures + "bar-post_restore_hook_demo.yaml") + "\n");
    auto plan = test::run_cli({"plan", "-f", bundle});
    CHECK_MESSAGE(plan.exit_code == 0, plan.err);
    CHECK(plan.out.find("RENAME TABLE") != std::string::npos);
    r = test::run_cli({"run", "-f", bundle, "--", "true"}, opts);
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK(test::read_lines(dir / "argv").size() == 5);
    fs::remove(dir / "argv");
    test::write_file(dir / "mysql_rc", "3");
    r = test::run_cli({"run", "-f", bundle, "--", "true"}, opts);
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("after 4 attempts") != std::string::npos);
    // Pods selected once; ExecuteOnAll stops at the first pod that fails: exec and mysql in
    // the first pod on each of the 4 attempts.
    CHECK(test::read_lines(dir / "argv").size() == 1 + 4 * 2);
}

TEST_CASE(
    "a KubeStash Pod executor without strategy runs in one pod, with no -c when the "
    "action names no container") {
    test::TempDir dir;
    auto opts = fake_kubectl(dir);
    const std::string bundle = dir / "b.yaml";
    test::write_file(bundle, test::read_file(kFixtures + "concepts-hooktemplate.yaml") + R"(---
apiVersion: core.kubestash.com/v1alpha1
kind: BackupConfiguration
metadata: {name: app-backup, namespace: demo}
spec:
  sessions:
    - name: s
      hooks:
        preBackup:
          - name: write-data
            hookTemplate: {name: sample-hook}
            variables: [{name: TEST, value: x}]
)");
    auto r = test::run_cli({"run", "-f", bundle, "--", "true"}, opts);
    // The fake kubectl records the command and runs nothing (it writes to /source/data).
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const auto lines = test::read_lines(dir / "argv");
    REQUIRE(lines.size() >= 2);
    CHECK(lines[0] ==
          "kubectl [get] [pods] [-l] [name=test-app, test=hook] [-o] [name] [-n] [demo]");
    CHECK(lines[1] ==
          "kubectl [exec] [pod/sample-mysql-0] [-i] [-n] [demo] [--] [/bin/sh] [-c] "
          "[echo data_test > /source/data/data.txt]");
}

TEST_CASE("KubeStash's Slack HookTemplates (Operator executor) post the operator's body") {
    test::TestHttpServer server;
    test::answer_ok(server);
    test::TempDir dir;
    // Loopback instead of hooks.slack.com; retryConfig's delay 1m made 1s; else unchanged.
    auto local = [&](const std::string& name) {
        std::string text = test::read_file(kFixtures + name);
        for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
                 {"host: hooks.slack.com", "host: 127.0.0.1"},
                 {"port: 443", "port: " + std::to_string(server.port())},
                 {"scheme: HTTPS", "scheme: HTTP"},
                 {"delay: 1m", "delay: 1s"}}) {
            const size_t at = text.find(from);
            if (at != std::string::npos) text.replace(at, from.size(), to);
        }
        test::write_file(dir / name, text);
        return dir / name;
    };
    auto r = test::run_cli({"run", "-f", local("slack-all_backup_notification.yaml"), "-f",
                            local("slack-hooktemplate.yaml"), "--", "true"});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    // failed: a failing backup, retried twice (retryConfig); OnFailure posts only on failure.
    auto f = test::run_cli({"run", "-f", local("slack-failed_backup_notification.yaml"), "-f",
                            local("slack-hooktemplate_failed.yaml"), "--", "sh", "-c", "exit 3"});
    CHECK(f.exit_code == 3);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 4);
    CHECK(requests[0].path == "/services/XX/XX/XX");
    CHECK(requests[0].header("Content-Type") == "application/json");
    const auto ok = nlohmann::json::parse(requests[0].body);
    CHECK(ok["blocks"][0]["text"]["text"] ==
          "Backup completed for demo/ks-demo Status: Succeeded.");
    for (size_t i = 1; i < 4; ++i) {
        const auto failed = nlohmann::json::parse(requests[i].body);
        const std::string text = failed["blocks"][0]["text"]["text"];
        CHECK(text.starts_with("Backup failed for demo/ks-demo Status: "));
        CHECK(text.find("exit") != std::string::npos);
    }
}

TEST_CASE("what KubeStash runs elsewhere is refused with its reason") {
    test::TempDir dir;
    const std::string head = R"(apiVersion: core.kubestash.com/v1alpha1
kind: HookTemplate
metadata: {name: t, namespace: demo}
spec:
  action:
    exec: {command: [echo, hi]}
)";
    const std::string bc = R"(---
apiVersion: core.kubestash.com/v1alpha1
kind: RestoreSession
metadata: {name: r, namespace: demo}
spec:
  hooks:
    preRestore:
      - name: h
        hookTemplate: {name: t, namespace: demo}
)";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"  executor: {type: Operator}\n",
         "runs exec with an Operator executor, in KubeStash's operator container"},
        {"  executor: {type: Function, function: {name: f}}\n", "has a Function executor"},
        {"  executor: {type: Pod, pod: {strategy: ExecuteOnAll}}\n",
         "has a Pod executor without pod.selector"},
        {"  executor: {type: Pod, pod: {selector: a=b, strategy: All}}\n",
         "pod.strategy must be ExecuteOnOne or ExecuteOnAll"},
    };
    for (const auto& [executor, message] : cases) {
        CAPTURE(executor);
        test::write_file(dir / "x.yaml", head + executor + bc);
        auto v = test::run_cli({"validate", "-f", dir / "x.yaml"});
        CHECK(v.exit_code == 1);
        CHECK_MESSAGE(v.err.find(message) != std::string::npos, v.err);
        auto r = test::run_cli({"run", "-f", dir / "x.yaml", "--", "true"});
        CHECK(r.exit_code == 125);
    }
    // A missing template names what is given.
    test::write_file(
        dir / "y.yaml",
        "apiVersion: core.kubestash.com/v1alpha1\nkind: HookTemplate\n"
        "metadata: {name: tt, namespace: demo}\nspec:\n  action:\n"
        "    exec: {command: [echo]}\n  executor: {type: Pod, pod: {selector: a=b}}\n" +
            bc);
    auto v = test::run_cli({"validate", "-f", dir / "y.yaml"});
    CHECK(v.exit_code == 1);
    CHECK_MESSAGE(v.err.find("y.yaml:16:") != std::string::npos, v.err);
    CHECK(v.err.find("refers to HookTemplate \"demo/t\", which is not given: add its file with "
                     "another -f (or as another document of this file); did you mean \"tt\"?") !=
          std::string::npos);
    // Two manifests in one run are refused, not silently one of them.
    test::write_file(dir / "z.yaml", "kind: backup\ncommand: [true]\n---\nkind: restore\n");
    v = test::run_cli({"validate", "-f", dir / "z.yaml"});
    CHECK(v.exit_code == 1);
    CHECK(v.err.find("a second spec or manifest") != std::string::npos);
}

// Stash's own manifests run unchanged, sending the bodies Stash would send.

#include <doctest/doctest.h>

#include "test_support.hpp"

using test::fill;
using test::run_cli;

namespace {

/// Stash's documented Slack hook, pointed at the loopback server.
const char* kBackupConfiguration = R"(apiVersion: stash.appscode.com/v1beta1
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
    volumeMounts:
    - name: source-data
      mountPath: /source/data
    paths:
    - /source/data
  hooks:
    postBackup:
      executionPolicy: Always
      httpPost:
        host: 127.0.0.1
        path: /services/XX/XXX/XXXX
        port: {PORT}
        scheme: HTTP
        httpHeaders:
          - name: Content-Type
            value: application/json
        body: |
          {{- $msg := dict  "type" "mrkdwn" "text" (printf "Backup completed for %s/%s Status: %s." .Namespace .Target.Name .Status.Phase) -}}
          {
            "blocks": [
                {
                  "type": "section",
                  "text": {{ toJson $msg }}
                }
              ]
          }
  retentionPolicy:
    name: 'keep-last-5'
    keepLast: 5
    prune: true
)";

}  // namespace

TEST_CASE(
    "a Stash BackupConfiguration posts Stash's Slack body with the real namespace, target and "
    "phase") {
    test::TestHttpServer server;
    test::answer_ok(server);
    test::TempDir dir;
    test::write_file(dir / "bc.yaml",
                     fill(kBackupConfiguration, {{"PORT", std::to_string(server.port())}}));

    auto ok = run_cli({"run", "-f", dir / "bc.yaml", "--", "true"});
    CHECK(ok.exit_code == 0);
    auto bad = run_cli({"run", "-f", dir / "bc.yaml", "--", "sh", "-c", "exit 2"});
    CHECK(bad.exit_code == 2);

    const auto got = server.requests();
    REQUIRE(got.size() == 2);
    CHECK(got[0].path == "/services/XX/XXX/XXXX");
    CHECK(got[0].header("Content-Type") == "application/json");
    const nlohmann::json expected_ok = {
        {"blocks",
         {{{"type", "section"},
           {"text",
            {{"type", "mrkdwn"},
             {"text", "Backup completed for demo/stash-demo Status: Succeeded."}}}}}}};
    CHECK(nlohmann::json::parse(got[0].body) == expected_ok);
    CHECK(nlohmann::json::parse(got[1].body)["blocks"][0]["text"]["text"] ==
          "Backup completed for demo/stash-demo Status: Failed.");
}

TEST_CASE("a Stash RestoreSession with an OnFailure hook sends nothing on success") {
    test::TestHttpServer server;
    test::answer_ok(server);
    test::TempDir dir;
    test::write_file(dir / "rs.yaml",
                     fill(R"(apiVersion: stash.appscode.com/v1beta1
kind: RestoreSession
metadata:
  name: sample-restore
  namespace: prod
spec:
  repository:
    name: s3-repo
  target:
    ref:
      apiVersion: apps/v1
      kind: StatefulSet
      name: pg
    rules:
    - snapshots: [latest]
  hooks:
    preRestore:
      exec:
        command: ["sh", "-c", "echo pre-restore {{ .Target.Name }} > {DIR}/pre"]
    postRestore:
      executionPolicy: OnFailure
      httpPost:
        host: 127.0.0.1
        port: {PORT}
        path: /alert
        body: "{\"blocks\": [{\"type\": \"section\",\"text\": {\"type\": \"mrkdwn\",\"text\": \"{{if eq .Status.Phase `Succeeded`}}:white_check_mark: Restore succeeded for {{ .Namespace }}/{{.Target.Name}}{{else}}:x: Restore failed for {{ .Namespace }}/{{.Target.Name}} Reason: {{.Status.Error}}.{{end}}\"}}]}"
)",
                          {{"PORT", std::to_string(server.port())}, {"DIR", dir.path()}}));
    auto ok =
        run_cli({"run", "-f", dir / "rs.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(ok.exit_code == 0);
    CHECK(server.requests().empty());
    CHECK(test::read_file(dir / "pre") == "pre-restore pg\n");
    auto st = test::read_json(dir / "st.json");
    CHECK(st["kind"] == "RestoreSession");
    CHECK(st["name"].get<std::string>().rfind("sample-restore-", 0) == 0);

    auto bad = run_cli({"run", "-f", dir / "rs.yaml", "--", "sh", "-c", "exit 5"});
    CHECK(bad.exit_code == 5);
    const auto got = server.requests();
    REQUIRE(got.size() == 1);
    CHECK(nlohmann::json::parse(got[0].body)["blocks"][0]["text"]["text"] ==
          ":x: Restore failed for prod/pg Reason: restore command failed: exit code 5.");
}

TEST_CASE("a Stash BackupBatch runs global and member hooks, members named by alias or target") {
    test::TestHttpServer server;
    test::answer_ok(server);
    test::TempDir dir;
    test::write_file(dir / "bb.yaml",
                     fill(R"(apiVersion: stash.appscode.com/v1beta1
kind: BackupBatch
metadata:
  name: app-backup
  namespace: shop
spec:
  repository:
    name: minio-repo
  schedule: "0 2 * * *"
  hooks:
    preBackup:
      exec:
        command: ["sh", "-c", "echo global-pre >> {DIR}/log"]
    postBackup:
      httpPost:
        host: 127.0.0.1
        port: {PORT}
        path: /batch
        body: '{{ toJson (dict "session" .Invoker.Name "phase" .Status.Phase "ns" .Namespace) }}'
  members:
  - target:
      alias: database
      ref:
        apiVersion: appcatalog.appscode.com/v1alpha1
        kind: AppBinding
        name: shop-db
    task:
      name: postgres-backup-11.9
    hooks:
      postBackup:
        httpPost:
          host: 127.0.0.1
          port: {PORT}
          path: /member
          body: '{{ .Target.Kind }}/{{ .Target.Name }} as {{ .Member }}: {{ .Status.Phase }}'
  - target:
      ref:
        apiVersion: apps/v1
        kind: Deployment
        name: shop-web
      paths: [/var/www]
    command: ["sh", "-c", "echo web-task-$STASH_HOOK_MEMBER >> {DIR}/log"]
  retentionPolicy:
    name: keep-last-5
    keepLast: 5
)",
                          {{"PORT", std::to_string(server.port())}, {"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "bb.yaml", "--status-file", dir / "st.json", "--", "sh",
                      "-c", "echo task-$STASH_HOOK_MEMBER >> " + (dir / "log")});
    CHECK(r.exit_code == 0);
    CHECK(test::read_lines(dir / "log") ==
          std::vector<std::string>{"global-pre", "task-database", "web-task-shop-web"});
    const auto got = server.requests();
    REQUIRE(got.size() == 2);
    CHECK(got[0].path == "/member");
    CHECK(got[0].body == "AppBinding/shop-db as database: Succeeded");
    CHECK(got[1].path == "/batch");
    CHECK(nlohmann::json::parse(got[1].body) ==
          nlohmann::json{{"session", "app-backup"}, {"phase", "Succeeded"}, {"ns", "shop"}});
    auto st = test::read_json(dir / "st.json");
    REQUIRE(st["members"].size() == 2);
    CHECK(st["members"][0]["name"] == "database");
    CHECK(st["members"][1]["name"] == "shop-web");
    CHECK(st["conditions"][0]["type"] == "GlobalPreBackupHookSucceeded");
    CHECK(st["conditions"][0]["reason"] == "GlobalPreBackupHookExecutedSuccessfully");
    CHECK(st["conditions"][1]["type"] == "GlobalPostBackupHookSucceeded");
}

#include <doctest/doctest.h>

#include "spec/hook_template.hpp"

using namespace stash_hook;

TEST_CASE("the template data has Stash's Summary fields and ours") {
    Spec spec;
    spec.ns = "demo";
    spec.invoker = {"stash.appscode.com", "BackupConfiguration", "deployment-backup"};
    spec.target = {"apps/v1", "Deployment", "stash-demo"};
    TemplateFacts facts;
    facts.session_name = "deployment-backup-1";
    facts.stage = Stage::PostBackup;
    facts.phase = "Failed";
    facts.elapsed = std::chrono::milliseconds(10400);
    facts.error = "boom";
    facts.exit_code = 3;
    facts.session_exit_code = 3;
    facts.task_ran = true;
    facts.task_stderr = "Fatal: no repository";
    facts.retry_left = 1;
    facts.command = {"restic", "backup"};
    const auto d = template_data(spec, facts);
    CHECK(d["Name"] == "deployment-backup-1");
    CHECK(d["Namespace"] == "demo");
    CHECK(d["Invoker"]["Kind"] == "BackupConfiguration");
    CHECK(d["Target"]["Name"] == "stash-demo");
    CHECK(d["Status"]["Phase"] == "Failed");
    CHECK(d["Status"]["Duration"] == "10s");
    CHECK(d["Status"]["Error"] == "boom");
    CHECK(d["Status"]["ExitCode"] == 3);
    CHECK(d["Task"]["ExitCode"] == 3);
    CHECK(d["Task"]["Ran"] == true);
    CHECK(d["Task"]["Stderr"] == "Fatal: no repository");
    CHECK(d["Task"]["Output"] == "");
    CHECK(d["RetryLeft"] == 1);
    CHECK(d["Stage"] == "postBackup");
    CHECK(d["Task"]["Command"][0] == "restic");
    CHECK_FALSE(d["Hostname"].get<std::string>().empty());
    // The load-time schema has exactly the same fields.
    const auto& schema = template_schema();
    for (auto it = d.begin(); it != d.end(); ++it) CHECK(schema.contains(it.key()));
    CHECK(schema.size() == d.size());

    Member member;
    member.name = "db";
    member.target = {"", "AppBinding", "pg"};
    facts.member = &member;
    const auto m = template_data(spec, facts);
    CHECK(m["Target"]["Name"] == "pg");
    CHECK(m["Member"] == "db");
}

TEST_CASE("render_hook renders only the templated strings, trimmed") {
    Hook hook;
    HttpAction http;
    http.post = true;
    http.path = "/hook/{{ .Target.Name }}";
    http.headers = {{"X-Phase", " {{ .Status.Phase }} "}, {"X-Plain", "{ not a template }"}};
    http.body = "{{ toJson (dict \"text\" .Status.Error) }}\n";
    http.form = {{"k", {"{{ .Namespace }}", "plain"}}};
    hook.action = http;
    tmpl::Value data = {{"Target", {{"Name", "web"}}},
                        {"Status", {{"Phase", "Failed"}, {"Error", "a \"b\""}}},
                        {"Namespace", "ns"}};
    auto rendered = render_hook(hook, data);
    REQUIRE(rendered.has_value());
    const auto& out = std::get<HttpAction>(rendered->action);
    CHECK(out.path == "/hook/web");
    CHECK(out.headers[0].value == "Failed");
    CHECK(out.headers[1].value == "{ not a template }");
    CHECK(out.body == "{\"text\":\"a \\\"b\\\"\"}");
    CHECK(out.form[0].values == std::vector<std::string>{"ns", "plain"});

    Hook bad;
    bad.action = ExecAction{{"echo", "{{ .Target.Nope }}"}, {}};
    CHECK(std::get<ExecAction>(render_hook(bad, data)->action).command[1] == "<no value>");
    auto failed = render_hook(bad, template_schema());  // Stash's struct
    REQUIRE_FALSE(failed.has_value());
    CHECK(failed.error() ==
          "failed to render the template in exec.command[1]: template:1:4: can't evaluate field "
          "Nope in type v1beta1.TargetRef");
}

TEST_CASE("container commands have the runtimes' exact shapes") {
    Spec spec;
    const std::vector<std::string> cmd = {"pg_ctl", "stop"};
    CHECK(container_command(spec, "", cmd) == cmd);
    spec.container_runtime = ContainerRuntime::Docker;
    CHECK(container_command(spec, "db", cmd) ==
          std::vector<std::string>{"docker", "exec", "-i", "db", "pg_ctl", "stop"});
    spec.container_runtime = ContainerRuntime::Podman;
    CHECK(container_command(spec, "db", cmd) ==
          std::vector<std::string>{"podman", "exec", "-i", "db", "pg_ctl", "stop"});
    spec.container_runtime = ContainerRuntime::Kubectl;
    spec.pod = "pg-0";
    CHECK(container_command(spec, "db", cmd) == std::vector<std::string>{"kubectl", "exec", "pg-0",
                                                                         "-c", "db", "-i", "--",
                                                                         "pg_ctl", "stop"});
}

// Templates in an exec argument, a header value, a path and a form value.

#include <doctest/doctest.h>

#include "test_support.hpp"

using test::fill;
using test::run_cli;

TEST_CASE("templates render in exec arguments, paths, header values and form values") {
    test::TestHttpServer server;
    test::answer_ok(server);
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     fill(R"(name: files
namespace: lab
hooks:
  preBackup:
    - exec: {command: [sh, -c, 'echo "$1" > {DIR}/pre', sh, "{{ .Stage }} {{ .Status.Phase }} {{ .Target.Name }} {{ len .Task.Command }}"]}
  postBackup:
    - httpGet:
        host: 127.0.0.1
        port: {PORT}
        path: "/ping/{{ .Namespace }}/{{ .Target.Name }}?phase={{ .Status.Phase | lower }}&code={{ .Status.ExitCode }}"
        httpHeaders: [{name: X-Session, value: "{{ .Name }}"}, {name: X-Plain, value: "no {braces} here"}]
    - httpPost:
        host: 127.0.0.1
        port: {PORT}
        path: /form
        form: [{key: error, values: ["{{ .Status.Error }}"]}]
)",
                          {{"PORT", std::to_string(server.port())}, {"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh",
                      "-c", "exit 4"});
    CHECK(r.exit_code == 4);
    CHECK(test::read_file(dir / "pre") == "preBackup Running files 3\n");
    const auto got = server.requests();
    REQUIRE(got.size() == 2);
    CHECK(got[0].path == "/ping/lab/files?phase=failed&code=4");
    CHECK(got[0].header("X-Session") == test::read_json(dir / "st.json")["name"]);
    CHECK(got[0].header("X-Plain") == "no {braces} here");
    CHECK(got[1].body == "error=backup+command+failed%3A+exit+code+4");
}

TEST_CASE("a template that fails at run time fails its hook, naming the problem") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", R"(hooks:
  postBackup: {name: bad, exec: {command: [echo, "{{ index .Task.Command 7 }}"]}}
)");
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 121);
    CHECK(test::read_json(dir / "st.json")["hooks"][0]["error"] ==
          "failed to render the template in exec.command[1]: template:1:4: index out of range: 7");
}

TEST_CASE("an unknown field in a template is a load-time error with its place") {
    test::TempDir dir;
    test::write_file(
        dir / "s.yaml",
        "hooks:\n  postBackup:\n    exec: {command: [echo, \"{{ .Target.Nmae }}\"]}\n");
    auto r = run_cli({"validate", "-f", dir / "s.yaml"});
    CHECK(r.exit_code == 1);
    CHECK(r.err ==
          dir / "s.yaml" +
              ":3:5: hook \"postBackup[0]\": bad template in exec.command[1]: template:1:4: "
              "unknown field .Target.Nmae; did you mean .Target.Name?\n");
}

TEST_CASE(
    "hostile templates: 20,000 nested parentheses end validate, plan and run with a clear error, "
    "never a signal") {
    test::TempDir dir;
    const std::string deep = std::string(20'000, '(') + ".Name" + std::string(20'000, ')');
    test::write_file(dir / "s.yaml",
                     "hooks:\n  preBackup: {exec: {command: [echo, \"{{ " + deep + " }}\"]}}\n");
    const std::string message =
        "bad template in exec.command[1]: template:1:104: template nesting deeper than 100";
    auto v = run_cli({"validate", "-f", dir / "s.yaml"});
    CHECK(v.exit_code == 1);
    CHECK(v.err.find(message) != std::string::npos);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"plan", "-f", dir / "s.yaml"},
             {"run", "-f", dir / "s.yaml", "--", "touch", dir / "ran"}}) {
        CAPTURE(args[0]);
        auto r = run_cli(args);
        CHECK(r.exit_code == 125);
        CHECK(r.err.find(message) != std::string::npos);
    }
    CHECK_FALSE(std::filesystem::exists(dir / "ran"));
}

TEST_CASE(
    "hostile templates: an endless range or a doubling variable fails its hook within seconds, "
    "post hooks run") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup:
    - {name: endless, exec: {command: [echo, "{{ range 100000000000 }}{{ end }}"]}, onError: Continue}
    - {name: doubling, exec: {command: [echo, '{{ $x := "ab" }}{{ range 100 }}{{ $x = printf "%s%s" $x $x }}{{ end }}{{ $x }}']}, onError: Continue}
    - {name: nul, exec: {command: [echo, '{{ printf "a%cb" 0 }}']}, onError: Continue}
  postBackup: {name: after, exec: {command: [touch, {DIR}/post]}}
)",
                                          {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 0);
    CHECK(r.seconds < 20);
    CHECK(r.max_rss_kib < 200 * 1024);
    CHECK(std::filesystem::exists(dir / "post"));
    const auto hooks = test::read_json(dir / "st.json")["hooks"];
    REQUIRE(hooks.size() == 4);
    CHECK(hooks[0]["error"] ==
          "failed to render the template in exec.command[1]: template:1:1: template takes "
          "more than 1000000 steps");
    CHECK(hooks[1]["error"] ==
          "failed to render the template in exec.command[1]: template:1:40: template value "
          "exceeds 1 MiB");
    CHECK(hooks[2]["error"] ==
          "failed to render the template in exec.command[1]: the result contains a NUL byte");
}

TEST_CASE("Stash's field names, its structs and define/template render in hooks") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(name: files
namespace: lab
hooks:
  postBackup:
    - exec: {command: [sh, -c, 'printf "%s\n" "$@" > {DIR}/out', sh,
        "{{ .Invoker.APIGroup }} {{ .Target.APIVersion }} {{ .Target.Namespace }}/{{ .Target.Name }}",
        "{{ toJson .Status }}",
        "{{ .Status }}",
        "{{ define \"who\" }}{{ .Kind }}:{{ .Name }}{{ end }}{{ template \"who\" .Invoker }} {{ block \"t\" .Target }}{{ .Name }}{{ end }}",
        "{{ (dict \"a\" 1).b }}"]}
)",
                                          {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c", "exit 3"});
    CHECK(r.exit_code == 3);
    CHECK(test::read_file(dir / "out") ==
          "stash-hook  lab/files\n"
          "{\"phase\":\"Failed\",\"duration\":\"0s\",\"error\":\"backup command failed: exit code "
          "3\",\"exitCode\":3}\n"
          "{Failed 0s backup command failed: exit code 3 3}\n"
          "StashHookSpec:files files\n"
          "<no value>\n");
}

TEST_CASE("a struct's missing field fails the hook, and validate warns about the old spellings") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", R"(hooks:
  postBackup:
    - name: old
      exec: {command: [echo, "{{ .Target.ApiVersion }}", "x {{ $.Invoker.ApiGroup }}"]}
    - name: bad
      exec: {command: [echo, "{{ with .Status }}{{ .Nope }}{{ end }}"]}
)");
    auto v = run_cli({"validate", "-f", dir / "s.yaml"});
    CHECK(v.exit_code == 0);
    CHECK(v.err.find("s.yaml:3:7: warning: hook old: exec.command[1]: template:1:4: "
                     ".Target.ApiVersion fails in Stash; write .Target.APIVersion") !=
          std::string::npos);
    CHECK(v.err.find("warning: hook old: exec.command[2]: template:1:6: .Invoker.ApiGroup fails "
                     "in Stash; write .Invoker.APIGroup") != std::string::npos);
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 121);
    const auto status = test::read_json(dir / "st.json");
    CHECK(status["hooks"][0]["exitCode"] == 0);
    CHECK(status["hooks"][1]["error"] ==
          "failed to render the template in exec.command[1]: template:1:22: can't evaluate field "
          "Nope in type v1beta1.TargetStatus");
}

// Templates in an exec argument, a header value, a path and a form value.

#include <doctest/doctest.h>

#include "test_support.hpp"

using test::fill;
using test::run_cli;

TEST_CASE("templates render in exec arguments, paths, header values and form values") {
    test::TestHttpServer server;
    server.route(".*", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
    server.start();
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(name: files
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
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh", "-c", "exit 4"});
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
    test::write_file(dir / "s.yaml", "hooks:\n  postBackup:\n    exec: {command: [echo, \"{{ .Target.Nmae }}\"]}\n");
    auto r = run_cli({"validate", "-f", dir / "s.yaml"});
    CHECK(r.exit_code == 1);
    CHECK(r.err == dir / "s.yaml" + ":3:5: hook \"postBackup[0]\": bad template in exec.command[1]: template:1:4: "
                                     "unknown field .Target.Nmae; did you mean .Target.Name?\n");
}

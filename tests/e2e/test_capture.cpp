// The task's output captured (man page, SPEC: capture; TEMPLATES), held until failure
// (quietUnlessFailed), and template data defined in every phase.

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "test_support.hpp"

using test::fill;
using test::run_cli;

TEST_CASE("capture: the failure ping, the status and the log say why, in the task's own words") {
    test::TestHttpServer server;
    test::answer_ok(server);
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(capture: {stderr: true}
hooks:
  postBackup:
    - httpPost:
        host: 127.0.0.1
        port: {PORT}
        path: "/fail/{{ .Status.ExitCode }}"
        body: "{{ .Task.Stderr }}"
)",
                                          {{"PORT", std::to_string(server.port())}}));
    auto r =
        run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh", "-c",
                 "echo progress; echo 'Fatal: all target directories/files do not exist' >&2; "
                 "exit 1"});
    CHECK(r.exit_code == 1);
    CHECK(r.out == "progress\n");  // stdout was not captured: untouched
    const auto got = server.requests();
    REQUIRE(got.size() == 1);
    CHECK(got[0].path == "/fail/1");
    CHECK(got[0].body == "Fatal: all target directories/files do not exist");
    const auto st = test::read_json(dir / "st.json");
    CHECK(st["task"]["stderr"] == "Fatal: all target directories/files do not exist\n");
    CHECK(st["task"]["output"] == "Fatal: all target directories/files do not exist\n");
    CHECK_FALSE(st["task"].contains("stdout"));
    // The task's stderr still reaches ours, and the failure line quotes its last line.
    CHECK(r.err.find("Fatal: all target directories/files do not exist\n") != std::string::npos);
    CHECK(r.err.find("backup command failed in ") != std::string::npos);
    CHECK(r.err.find("exit code 1; output: Fatal: all target directories/files do not exist") !=
          std::string::npos);
}

TEST_CASE("capture: stdout keeps its bytes exactly (megabytes of binary data to a file)") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "capture: {stdout: true, stderr: true, limit: 4096}\n");
    test::CliOptions opts;
    opts.stdout_path = dir / "dump";
    auto r =
        run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh", "-c",
                 fill("head -c 12000000 /dev/urandom > {DIR}/source; cat {DIR}/source; "
                      "echo done >&2",
                      {{"DIR", dir.path()}})},
                opts);
    CHECK(r.exit_code == 0);
    const std::string source = test::read_file(dir / "source");
    const std::string dump = test::read_file(dir / "dump");
    CHECK(source.size() == 12000000);
    CHECK(dump.size() == source.size());
    CHECK(dump == source);
    const auto st = test::read_json(dir / "st.json");
    CHECK(st["task"]["stderr"] == "done\n");
    CHECK(st["task"].contains("stdout"));
    CHECK(r.max_rss_kib < test::modest_rss_kib());
}

TEST_CASE("capture: secrets in the task's output are masked in templates and the status") {
    test::TestHttpServer server;
    test::answer_ok(server);
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(capture: true
secretEnv: [REPO_PASSWORD]
hooks:
  postBackup:
    - httpPost: {host: 127.0.0.1, port: {PORT}, path: /p, body: "{{ .Task.Output }}"}
)",
                                          {{"PORT", std::to_string(server.port())}}));
    test::CliOptions opts;
    opts.env = {{"REPO_PASSWORD", "hunter2-very-secret"}};
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh",
                      "-c", "echo \"wrong password $REPO_PASSWORD\" >&2; exit 3"},
                     opts);
    CHECK(r.exit_code == 3);
    const auto got = server.requests();
    REQUIRE(got.size() == 1);
    CHECK(got[0].body == "wrong password ***");
    CHECK(test::read_json(dir / "st.json")["task"]["stderr"] == "wrong password ***\n");
    CHECK(test::read_file(dir / "st.json").find("hunter2") == std::string::npos);
}

TEST_CASE(
    "without capture the task inherits our descriptors, with it only the captured stream "
    "is a pipe") {
    test::TempDir dir;
    test::write_file(dir / "plain.yaml", "name: t\n");
    test::write_file(dir / "cap.yaml", "capture: {stderr: true}\n");
    test::CliOptions opts;
    opts.stdout_path = dir / "out";
    const std::vector<std::string> task = {"sh", "-c",
                                           "readlink /proc/self/fd/1; readlink /proc/self/fd/2"};
    auto args = [&](const std::string& spec) {
        std::vector<std::string> a = {"run", "-f", dir / spec, "--"};
        a.insert(a.end(), task.begin(), task.end());
        return a;
    };
    REQUIRE(run_cli(args("plain.yaml"), opts).exit_code == 0);
    auto plain = test::read_lines(dir / "out");
    REQUIRE(plain.size() == 2);
    CHECK(plain[0] == dir / "out");
    CHECK(plain[1].find("pipe:") == std::string::npos);
    REQUIRE(run_cli(args("cap.yaml"), opts).exit_code == 0);
    auto cap = test::read_lines(dir / "out");
    REQUIRE(cap.size() == 2);
    CHECK(cap[0] == dir / "out");
    CHECK(cap[1].find("pipe:") == 0);
}

TEST_CASE(
    "capture: --capture on the command line, and a bad capture key is refused with its place") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--capture",
                      "--", "sh", "-c", "echo oops >&2; exit 2"});
    CHECK(r.exit_code == 2);
    CHECK(test::read_json(dir / "st.json")["task"]["stderr"] == "oops\n");
    test::write_file(dir / "bad.yaml", "capture: {stderr: true, limit: 0}\n");
    auto bad = run_cli({"validate", "-f", dir / "bad.yaml"});
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.find(dir / "bad.yaml:1:") == 0);
    CHECK(bad.err.find("capture.limit") != std::string::npos);
}

TEST_CASE("every documented field is defined after a pre-hook failure") {
    test::TestHttpServer server;
    test::answer_ok(server);
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup:
    - exec: {command: [sh, -c, "exit 9"]}
  postBackup:
    - httpGet:
        host: 127.0.0.1
        port: {PORT}
        path: "/ping/{{ .Status.ExitCode }}/{{ .Task.Ran }}/{{ .Task.ExitCode }}/{{ .Status.Phase }}/{{ .Task.Output }}"
        httpHeaders: [{name: X-Error, value: "{{ .Status.Error }}"}]
)",
                                          {{"PORT", std::to_string(server.port())}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "touch", dir / "task-ran"});
    CHECK(r.exit_code == 120);
    const auto got = server.requests();
    REQUIRE(got.size() == 1);
    CHECK(got[0].path == "/ping/120/false/0/Failed/");
    CHECK(got[0].header("X-Error") == "Failed to execute preBackup hook. Reason: exit code 9");
}

TEST_CASE("every documented field is defined after SIGTERM, and the task's code is its own") {
    test::TestHttpServer server;
    test::answer_ok(server);
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup:
    - httpGet:
        host: 127.0.0.1
        port: {PORT}
        path: "/ping/{{ .Status.ExitCode }}/{{ .Task.Ran }}/{{ .Task.ExitCode }}"
        httpHeaders: [{name: X-Error, value: "{{ .Status.Error }}"}]
)",
                                          {{"PORT", std::to_string(server.port())}}));
    test::BackgroundCli run({"run", "-f", dir / "s.yaml", "--", "sh", "-c",
                             fill("trap 'exit 3' TERM; touch {DIR}/started; "
                                  "while :; do sleep 0.1; done",
                                  {{"DIR", dir.path()}})});
    REQUIRE(test::wait_for_file(dir / "started"));
    run.signal(SIGTERM);
    CHECK(run.wait().exit_code == 128 + SIGTERM);
    const auto got = server.requests();
    REQUIRE(got.size() == 1);
    CHECK(got[0].path == "/ping/143/true/3");
    CHECK(got[0].header("X-Error") == "interrupted by SIGTERM");
}

TEST_CASE("every documented field is defined in hook POSTSTAGE --phase Failed") {
    test::TestHttpServer server;
    test::answer_ok(server);
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup:
    - httpGet:
        host: 127.0.0.1
        port: {PORT}
        path: "/ping/{{ .Status.ExitCode }}/{{ .Task.Ran }}/{{ .Task.ExitCode }}"
        httpHeaders: [{name: X-Error, value: "{{ .Status.Error }}"}]
)",
                                          {{"PORT", std::to_string(server.port())}}));
    auto r = run_cli({"hook", "-f", dir / "s.yaml", "postBackup", "--phase", "Failed"});
    CHECK(r.exit_code == 0);
    const auto got = server.requests();
    REQUIRE(got.size() == 1);
    CHECK(got[0].path == "/ping/1/false/0");
    CHECK_FALSE(got[0].header("X-Error").empty());
}

TEST_CASE("quietUnlessFailed: a good run prints nothing of the task's, a failed one all of it") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "quietUnlessFailed: true\n");
    const std::string chatter =
        "i=0; while [ $i -lt 3000 ]; do echo \"out line $i\"; echo \"err line $i\" >&2; "
        "i=$((i+1)); done";
    auto good = run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c", chatter});
    CHECK(good.exit_code == 0);
    CHECK(good.out.empty());
    CHECK(good.err.find("err line 0\n") == std::string::npos);  // (the log names the command)

    auto bad = run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c", chatter + "; exit 5"});
    CHECK(bad.exit_code == 5);
    CHECK(bad.out.find("out line 0\nout line 1\n") == 0);
    CHECK(bad.out.find("out line 2999\n") != std::string::npos);
    CHECK(bad.out.find("err line 0") == std::string::npos);
    CHECK(bad.err.find("err line 0\n") != std::string::npos);
    CHECK(bad.err.find("err line 2999\n") != std::string::npos);

    // The flag does the same.
    test::write_file(dir / "plain.yaml", "name: t\n");
    auto flag = run_cli(
        {"run", "-f", dir / "plain.yaml", "--quiet-unless-failed", "--", "sh", "-c", chatter});
    CHECK(flag.exit_code == 0);
    CHECK(flag.out.empty());
}

TEST_CASE("capture: a reader of our stdout that stalls does not stop SIGTERM from ending the run") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "capture: {stdout: true}\n");
    REQUIRE(mkfifo((dir / "fifo").c_str(), 0600) == 0);
    const int reader = open((dir / "fifo").c_str(), O_RDONLY | O_NONBLOCK);  // never reads
    REQUIRE(reader >= 0);
    test::CliOptions opts;
    opts.stdout_path = dir / "fifo";
    test::BackgroundCli run(
        {"run", "-f", dir / "s.yaml", "--", "sh", "-c",
         fill("touch {DIR}/started; head -c 50000000 /dev/zero", {{"DIR", dir.path()}})},
        opts);
    REQUIRE(test::wait_for_file(dir / "started"));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the pipes fill up
    run.signal(SIGTERM);
    auto r = run.wait();
    close(reader);
    CHECK(r.exit_code == 128 + SIGTERM);
    CHECK(r.seconds < 20);
}

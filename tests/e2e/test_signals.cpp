// Signals (man page, SIGNALS): forwarded to what runs, post hooks still run, the
// status file is written, exit 128+N; a second signal stops the post hooks; no
// process we started survives.

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "test_support.hpp"

using test::fill;

TEST_CASE("SIGTERM during the task goes to its group, and post hooks run with the signal named") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup: {name: resume, exec: {command: [sh, -c, 'echo "$STASH_HOOK_PHASE|$STASH_HOOK_ERROR" > {DIR}/post']}}
)",
                                          {{"DIR", dir.path()}}));
    test::BackgroundCli run(
        {"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh", "-c",
         fill("trap 'echo got-TERM > {DIR}/trapped; exit 3' TERM; touch {DIR}/started; "
              "while :; do sleep 0.1; done",
              {{"DIR", dir.path()}})});
    REQUIRE(test::wait_for_file(dir / "started"));
    run.signal(SIGTERM);
    auto r = run.wait();
    CHECK(r.exit_code == 128 + SIGTERM);
    CHECK(test::read_file(dir / "trapped") == "got-TERM\n");
    CHECK(test::read_file(dir / "post") == "Failed|interrupted by SIGTERM\n");
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Failed");
    CHECK(st["exitCode"] == 143);
    CHECK(st["interruptedBy"] == "SIGTERM");
    CHECK(st["postHooksStopped"] == false);
    CHECK(st["error"] == "interrupted by SIGTERM");
    CHECK(st["task"]["error"] == "interrupted by SIGTERM");
}

TEST_CASE("SIGINT during a pre hook stops it, skips the task and still runs the post hooks") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup:
    - {name: slow, exec: {command: [sh, -c, "touch {DIR}/started; sleep 300"]}}
    - {name: next, exec: {command: [touch, {DIR}/next]}}
  postBackup: {name: undo, exec: {command: [touch, {DIR}/undone]}}
)",
                                          {{"DIR", dir.path()}}));
    test::BackgroundCli run({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--",
                             "touch", dir / "task"});
    REQUIRE(test::wait_for_file(dir / "started"));
    run.signal(SIGINT);
    auto r = run.wait();
    CHECK(r.exit_code == 128 + SIGINT);
    CHECK(r.seconds < 30);
    CHECK_FALSE(std::filesystem::exists(dir / "next"));
    CHECK_FALSE(std::filesystem::exists(dir / "task"));
    CHECK(std::filesystem::exists(dir / "undone"));
    auto st = test::read_json(dir / "st.json");
    CHECK(st["hooks"][0]["phase"] == "Failed");
    CHECK(st["hooks"][0]["error"].get<std::string>().rfind("interrupted by SIGINT", 0) == 0);
    CHECK(st["hooks"][1]["phase"] == "Skipped");
    CHECK(st["task"]["phase"] == "Skipped");
    CHECK(st["hooks"][2]["phase"] == "Succeeded");
}

TEST_CASE("a second signal while post hooks run stops them, and the status says so") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup:
    - {name: slow-undo, exec: {command: [sh, -c, "touch {DIR}/post-started; sleep 300"]}}
    - {name: notify, exec: {command: [touch, {DIR}/notified]}}
)",
                                          {{"DIR", dir.path()}}));
    test::BackgroundCli run({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--",
                             "sh", "-c", "touch " + (dir / "started") + "; sleep 300"});
    REQUIRE(test::wait_for_file(dir / "started"));
    run.signal(SIGTERM);
    REQUIRE(test::wait_for_file(dir / "post-started"));
    run.signal(SIGINT);
    auto r = run.wait();
    CHECK(r.exit_code == 128 + SIGTERM);  // the first signal decides the code
    CHECK(r.seconds < 30);
    CHECK_FALSE(std::filesystem::exists(dir / "notified"));
    auto st = test::read_json(dir / "st.json");
    CHECK(st["postHooksStopped"] == true);
    CHECK(st["error"] == "interrupted by SIGTERM; post hooks stopped by SIGINT");
    CHECK(st["hooks"][0]["phase"] == "Failed");
    CHECK(st["hooks"][1]["phase"] == "Skipped");
    CHECK(st["hooks"][1]["reason"] == "post hooks stopped by SIGINT");
}

TEST_CASE("SIGHUP is handled like SIGTERM") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    test::BackgroundCli run({"run", "-f", dir / "s.yaml", "--", "sh", "-c",
                             "touch " + (dir / "started") + "; sleep 300"});
    REQUIRE(test::wait_for_file(dir / "started"));
    run.signal(SIGHUP);
    CHECK(run.wait().exit_code == 128 + SIGHUP);
}

TEST_CASE("no process started by a run survives it, daemonised grandchildren included") {
    test::TempDir dir;
    // setsid puts the grandchild in a session of its own: only the subreaper finds it.
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup: {exec: {command: [sh, -c, "setsid sh -c 'echo $$ > {DIR}/daemon; exec sleep 300' > /dev/null 2>&1 < /dev/null & while [ ! -s {DIR}/daemon ]; do sleep 0.01; done"]}}
)",
                                          {{"DIR", dir.path()}}));
    auto r = test::run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c",
                            "sleep 300 & echo $! > " + (dir / "task-child")});
    CHECK(r.exit_code == 0);
    REQUIRE(test::wait_for_file(dir / "daemon", 5));
    CHECK_FALSE(test::process_alive(std::stoi(test::read_file(dir / "daemon"))));
    CHECK_FALSE(test::process_alive(std::stoi(test::read_file(dir / "task-child"))));
}

namespace {

/// Runs the binary with its stderr into a pipe whose reader is already gone (a log
/// reader such as `logger` that went away); stdout and stdin go to /dev/null.
int run_with_broken_stderr(const std::vector<std::string>& args) {
    int p[2];
    REQUIRE(pipe(p) == 0);
    std::vector<std::string> argv_s = {test::binary()};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        const int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(p[1], 2);
        close(p[0]);
        close(p[1]);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        signal(SIGPIPE, SIG_DFL);
        execv(argv[0], argv.data());
        _exit(98);
    }
    close(p[0]);  // the reader goes away before anything is logged
    close(p[1]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

TEST_CASE("a log reader that goes away (SIGPIPE on stderr) does not stop the session") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup: {name: pre, exec: {command: [touch, {DIR}/pre]}}
  postBackup: {name: post, exec: {command: [touch, {DIR}/post]}}
)",
                                          {{"DIR", dir.path()}}));
    CHECK(run_with_broken_stderr({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json",
                                  "--", "touch", dir / "task"}) == 0);
    CHECK(std::filesystem::exists(dir / "task"));
    CHECK(std::filesystem::exists(dir / "post"));
    CHECK(test::read_json(dir / "st.json")["phase"] == "Succeeded");
    // A failing run still ends with its own exit code and a whole status.
    CHECK(run_with_broken_stderr({"run", "-f", dir / "s.yaml", "--status-file", dir / "st2.json",
                                  "--", "sh", "-c", "exit 7"}) == 7);
    CHECK(test::read_json(dir / "st2.json")["phase"] == "Failed");
}

TEST_CASE("the task still gets the default SIGPIPE") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    // bash reports how yes ended: 128+13 when SIGPIPE killed it.
    auto r = test::run_cli({"run", "-f", dir / "s.yaml", "--", "bash", "-c",
                            "yes | head -n 1 > /dev/null; exit ${PIPESTATUS[0]}"});
    CHECK(r.exit_code == 128 + SIGPIPE);
}

TEST_CASE(
    "a first signal that arrives while post hooks run lets them all run, and the status is whole") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup:
    - {name: slow-undo, exec: {command: [sh, -c, "touch {DIR}/post-started; sleep 1; touch {DIR}/undone"]}}
    - {name: notify, exec: {command: [touch, {DIR}/notified]}}
)",
                                          {{"DIR", dir.path()}}));
    test::BackgroundCli run(
        {"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    REQUIRE(test::wait_for_file(dir / "post-started"));
    run.signal(SIGTERM);
    auto r = run.wait();
    CHECK(r.exit_code == 128 + SIGTERM);
    CHECK(std::filesystem::exists(dir / "undone"));
    CHECK(std::filesystem::exists(dir / "notified"));
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Failed");
    CHECK(st["interruptedBy"] == "SIGTERM");
    CHECK(st["postHooksStopped"] == false);
    CHECK(st["hooks"][0]["phase"] == "Succeeded");
    CHECK(st["hooks"][1]["phase"] == "Succeeded");
}

TEST_CASE("hook POSTSTAGE: a first signal lets every post hook run, as in a session") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup:
    - {name: slow-undo, exec: {command: [sh, -c, "touch {DIR}/post-started; sleep 1; touch {DIR}/undone"]}}
    - {name: notify, exec: {command: [touch, {DIR}/notified]}}
)",
                                          {{"DIR", dir.path()}}));
    test::BackgroundCli run({"hook", "-f", dir / "s.yaml", "postBackup"});
    REQUIRE(test::wait_for_file(dir / "post-started"));
    run.signal(SIGTERM);
    auto r = run.wait();
    CHECK(r.exit_code == 128 + SIGTERM);
    CHECK(std::filesystem::exists(dir / "undone"));
    CHECK(std::filesystem::exists(dir / "notified"));
}

TEST_CASE(
    "a second signal while post hooks run stops them, even when the first came during the post "
    "hooks") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup:
    - {name: slow-undo, exec: {command: [sh, -c, "touch {DIR}/post-started; sleep 300"]}}
    - {name: notify, exec: {command: [touch, {DIR}/notified]}}
)",
                                          {{"DIR", dir.path()}}));
    test::BackgroundCli run(
        {"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    REQUIRE(test::wait_for_file(dir / "post-started"));
    run.signal(SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    run.signal(SIGINT);
    auto r = run.wait();
    CHECK(r.exit_code == 128 + SIGTERM);
    CHECK(r.seconds < 30);
    CHECK_FALSE(std::filesystem::exists(dir / "notified"));
    auto st = test::read_json(dir / "st.json");
    CHECK(st["postHooksStopped"] == true);
    CHECK(st["hooks"][1]["phase"] == "Skipped");
}

TEST_CASE("SIGQUIT and SIGALRM are handled like SIGTERM: forwarded, post hooks run, status whole") {
    for (int sig : {SIGQUIT, SIGALRM}) {
        CAPTURE(sig);
        test::TempDir dir;
        test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup: {name: resume, exec: {command: [touch, {DIR}/post]}}
)",
                                              {{"DIR", dir.path()}}));
        test::BackgroundCli run({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json",
                                 "--", "sh", "-c",
                                 "echo $$ > " + (dir / "task.pid") + "; sleep 300 & wait"});
        REQUIRE(test::wait_for_file(dir / "task.pid"));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        run.signal(sig);
        auto r = run.wait();
        CHECK(r.exit_code == 128 + sig);
        CHECK(r.seconds < 30);
        CHECK(std::filesystem::exists(dir / "post"));
        auto st = test::read_json(dir / "st.json");
        CHECK(st["phase"] == "Failed");
        CHECK(st["interruptedBy"] == (sig == SIGQUIT ? "SIGQUIT" : "SIGALRM"));
        CHECK_FALSE(test::process_alive(std::stoi(test::read_file(dir / "task.pid"))));
    }
}

TEST_CASE("SIGUSR1 and SIGUSR2 are ignored by stash-hook, and the task gets its default for them") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup: {name: resume, exec: {command: [touch, {DIR}/post]}}
)",
                                          {{"DIR", dir.path()}}));
    test::BackgroundCli run(
        {"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh", "-c",
         "touch " + (dir / "started") + "; sleep 1; grep SigIgn /proc/self/status > " +
             (dir / "ignored")});
    REQUIRE(test::wait_for_file(dir / "started"));
    run.signal(SIGUSR1);
    run.signal(SIGUSR2);
    auto r = run.wait();
    CHECK(r.exit_code == 0);
    CHECK(std::filesystem::exists(dir / "post"));
    CHECK(test::read_json(dir / "st.json")["phase"] == "Succeeded");
    // Not ignored in the task: SIGUSR1 is bit 9, SIGUSR2 bit 11 of the mask.
    const std::string line = test::read_file(dir / "ignored");
    REQUIRE(line.rfind("SigIgn:", 0) == 0);
    CHECK((std::stoull(line.substr(7), nullptr, 16) &
           ((1ULL << (SIGUSR1 - 1)) | (1ULL << (SIGUSR2 - 1)))) == 0);
}

namespace {

/// Runs stash-hook on a pseudo-terminal as a job-control shell would: Ctrl-Z is typed
/// while the task runs, then the stopped job is continued. Prints what it saw, one
/// word a line, and exits with stash-hook's exit code (99 when a step timed out).
constexpr const char* kPtyDriver = R"PY(
import os, pty, signal, sys, time
binary, spec, started = sys.argv[1], sys.argv[2], sys.argv[3]
pid, master = pty.fork()
if pid == 0:
    os.execv(binary, [binary, "run", "-f", spec] + sys.argv[4:])
def drain():
    try:
        while True:
            import select
            r, _, _ = select.select([master], [], [], 0)
            if not r: return
            if not os.read(master, 4096): return
    except OSError:
        return
def wait_until(cond, seconds=20):
    end = time.time() + seconds
    while time.time() < end:
        drain()
        if cond(): return True
        time.sleep(0.02)
    return False
if not wait_until(lambda: os.path.exists(started)):
    os.kill(pid, signal.SIGKILL); sys.exit(99)
time.sleep(0.2)
os.write(master, b"\x1a")  # Ctrl-Z
status = [None]
def stopped():
    p, st = os.waitpid(pid, os.WUNTRACED | os.WNOHANG)
    if p == pid: status[0] = st
    return p == pid
if not wait_until(stopped) or not os.WIFSTOPPED(status[0]):
    print("not-stopped", flush=True); os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0); sys.exit(99)
print("stopped", flush=True)
if os.tcgetpgrp(master) == pid: print("terminal-back", flush=True)
os.kill(pid, signal.SIGCONT)  # fg
def exited():
    p, st = os.waitpid(pid, os.WNOHANG)
    if p == pid: status[0] = st
    return p == pid
if not wait_until(exited):
    print("not-exited", flush=True); os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0); sys.exit(99)
sys.exit(os.waitstatus_to_exitcode(status[0]) if os.WIFEXITED(status[0]) else 98)
)PY";

}  // namespace

TEST_CASE(
    "Ctrl-Z in an interactive run stops the job and gives the terminal back, and fg continues it") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     fill("hooks:\n  postBackup: {exec: {command: [touch, {DIR}/post]}}\n",
                          {{"DIR", dir.path()}}));
    test::write_file(dir / "drive.py", kPtyDriver);
    const std::string command = "python3 " + (dir / "drive.py") + " " + test::binary() + " " +
                                (dir / "s.yaml") + " " + (dir / "started") + " -- sh -c 'touch " +
                                (dir / "started") + "; sleep 1; touch " + (dir / "done") + "' > " +
                                (dir / "seen") + " 2>&1";
    const int status = std::system(command.c_str());
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(test::read_lines(dir / "seen") == std::vector<std::string>{"stopped", "terminal-back"});
    CHECK(std::filesystem::exists(dir / "done"));
    CHECK(std::filesystem::exists(dir / "post"));
}

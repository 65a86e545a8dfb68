#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "process/launch.hpp"

using namespace stash_hook;

namespace {

char* const* args(std::initializer_list<const char*> list) {
    static std::vector<char*> v;
    v.clear();
    for (const char* a : list) v.push_back(const_cast<char*>(a));
    v.push_back(nullptr);
    return v.data();
}

/// Everything the child wrote to the pipe, and its exit status.
std::pair<std::string, int> finish(pid_t pid, int read_end) {
    std::string out;
    char buf[4096];
    ssize_t got;
    while ((got = read(read_end, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(got));
    close(read_end);
    int status = -1;
    waitpid(pid, &status, 0);
    return {out, status};
}

}  // namespace

TEST_CASE("launch: a file that does not exist fails with ENOENT and leaves no child") {
    Launch launch;
    errno = 0;
    const pid_t pid = launch.start("/nonexistent/program", args({"program"}), environ);
    CHECK(pid == -1);
    CHECK(errno == ENOENT);
    CHECK(waitpid(-1, nullptr, WNOHANG) <= 0);  // reaped: no zombie of it waits
}

TEST_CASE("launch: a step that fails in the child fails the launch with its errno") {
    Launch launch;
    launch.dup2(987, STDOUT_FILENO);  // not open
    errno = 0;
    CHECK(launch.start("/bin/true", args({"true"}), environ) == -1);
    CHECK(errno == EBADF);
}

TEST_CASE(
    "launch: the child starts with no signal blocked or ignored, in its own group, with "
    "only the descriptors it is given") {
    // What this thread blocks and ignores must not reach the child.
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    struct sigaction ignore {
    }, old_pipe{};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &old_pipe);

    int p[2];
    REQUIRE(pipe2(p, O_CLOEXEC) == 0);
    const int stray = open("/dev/null", O_RDONLY);  // no O_CLOEXEC: close_from must close it
    REQUIRE(stray > 2);
    Launch launch;
    launch.open_null(STDIN_FILENO);
    launch.dup2(p[1], STDOUT_FILENO);
    launch.close_from(3);
    launch.group(0);
    const std::string script =
        "grep -E '^(SigBlk|SigIgn):' /proc/self/status; ls /proc/self/fd | wc -l; "
        "echo pgid $(cut -d' ' -f5 /proc/self/stat) pid $$";
    const pid_t pid = launch.start("/bin/sh", args({"sh", "-c", script.c_str()}), environ);
    close(p[1]);
    close(stray);
    sigaction(SIGPIPE, &old_pipe, nullptr);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    REQUIRE(pid > 0);
    const auto [out, status] = finish(pid, p[0]);
    CHECK(WIFEXITED(status));
    CHECK(out.find("SigBlk:\t0000000000000000\n") != std::string::npos);
    CHECK(out.find("SigIgn:\t0000000000000000\n") != std::string::npos);
    // sh's own 0, 1, 2 and the one ls opens to read the folder: 4.
    CHECK(out.find("\n4\n") != std::string::npos);
    const std::string id = std::to_string(pid);
    CHECK(out.find("pgid " + id + " pid " + id) != std::string::npos);
}

TEST_CASE("launch: dup2 onto itself keeps a descriptor open across exec") {
    int p[2];
    REQUIRE(pipe2(p, O_CLOEXEC) == 0);
    Launch launch;
    launch.dup2(p[1], p[1]);
    const std::string script = "echo kept >&" + std::to_string(p[1]);
    const pid_t pid = launch.start("/bin/sh", args({"sh", "-c", script.c_str()}), environ);
    close(p[1]);
    REQUIRE(pid > 0);
    CHECK(finish(pid, p[0]).first == "kept\n");
}

namespace {
/// In a new session whose controlling terminal is a fresh pty: launches sh in a group
/// of its own, given the terminal or not, and returns sh's exit code: 0 when the
/// terminal's foreground group is sh's own.
int foreground_check(bool give_terminal) {
    const int master = posix_openpt(O_RDWR | O_NOCTTY);
    REQUIRE(master >= 0);
    REQUIRE(grantpt(master) == 0);
    REQUIRE(unlockpt(master) == 0);
    const std::string slave_name = ptsname(master);
    const pid_t helper = fork();
    REQUIRE(helper >= 0);
    if (helper == 0) {
        setsid();
        const int slave = open(slave_name.c_str(), O_RDWR);  // becomes our terminal
        if (slave < 0) _exit(90);
        Launch launch;
        launch.group(0);
        if (give_terminal) launch.foreground_terminal(slave);
        const pid_t pid = launch.start(
            "/bin/sh", args({"sh", "-c", "test \"$(cut -d' ' -f8 /proc/$$/stat)\" = \"$$\""}),
            environ);
        if (pid < 0) _exit(91);
        int status = 0;
        waitpid(pid, &status, 0);
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 92);
    }
    int status = 0;
    waitpid(helper, &status, 0);
    close(master);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
}  // namespace

TEST_CASE("launch: foreground_terminal gives the child's group the terminal, and only then") {
    CHECK(foreground_check(true) == 0);
    CHECK(foreground_check(false) == 1);
}

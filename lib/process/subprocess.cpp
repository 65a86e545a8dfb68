#include "process/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <utility>

#include "process/interrupts.hpp"
#include "process/launch.hpp"
#include "process/stream_forwarder.hpp"

extern char** environ;

namespace stash_hook {
namespace {

using Clock = std::chrono::steady_clock;

/// How long to keep reading after the child exited while something else (a stray
/// grandchild) still holds its output pipes open.
constexpr auto kLinger = std::chrono::milliseconds(200);

class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    Fd& operator=(Fd&& o) noexcept {
        reset();
        fd_ = std::exchange(o.fd_, -1);
        return *this;
    }
    ~Fd() { reset(); }
    int get() const { return fd_; }
    bool open() const { return fd_ >= 0; }
    int release() { return std::exchange(fd_, -1); }
    void reset() {
        if (fd_ >= 0) close(fd_);
        fd_ = -1;
    }

  private:
    int fd_ = -1;
};

std::vector<char*> c_strings(const std::vector<std::string>& v) {
    std::vector<char*> out;
    out.reserve(v.size() + 1);
    for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

/// Holds the terminal for the child and gives it back to us on destruction.
class TerminalHandover {
  public:
    TerminalHandover() {
        if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp()) active_ = true;
    }
    TerminalHandover(TerminalHandover&& o) noexcept : active_(std::exchange(o.active_, false)) {}
    TerminalHandover& operator=(TerminalHandover&&) = delete;
    ~TerminalHandover() {
        if (active_) give_to(getpgrp());
    }
    bool active() const { return active_; }

    /// Job control: the child's group was stopped (Ctrl-Z reaches the terminal's
    /// foreground group, which is the child's). Take the terminal back and stop
    /// ourselves, so the shell sees the job stopped and gets its terminal; once we are
    /// continued (fg or bg), continue the child's group, giving it the terminal again
    /// when we were put in the foreground.
    void suspend_with(pid_t child_group) {
        give_to(getpgrp());
        raise(SIGSTOP);  // returns once we get SIGCONT
        if (tcgetpgrp(STDIN_FILENO) == getpgrp()) give_to(child_group);
        killpg(child_group, SIGCONT);
    }

  private:
    static void give_to(pid_t group) {
        // From a background group, tcsetpgrp would stop us with SIGTTOU.
        sigset_t block, old;
        sigemptyset(&block);
        sigaddset(&block, SIGTTOU);
        pthread_sigmask(SIG_BLOCK, &block, &old);
        tcsetpgrp(STDIN_FILENO, group);
        pthread_sigmask(SIG_SETMASK, &old, nullptr);
    }
    bool active_ = false;
};

int poll_timeout_ms(std::optional<Clock::time_point> until) {
    if (!until) return -1;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(*until - Clock::now());
    return static_cast<int>(std::clamp<int64_t>(left.count(), 0, std::numeric_limits<int>::max()));
}

/// The file execvp would run for `program`: itself when it has a slash, else the
/// first executable regular file of that name in our $PATH (or the default path). Done
/// here with access() because execvp tries an execve in the child for every
/// $PATH entry that lacks it. Empty, with `error` ENOENT, or EACCES when only files
/// we may not execute have that name (as execvp reports).
std::string find_program(const std::string& program, int& error) {
    error = 0;
    if (program.find('/') != std::string::npos) return program;
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/bin:/usr/bin";
    error = ENOENT;
    while (true) {
        const size_t colon = dirs.find(':');
        const std::string_view dir = dirs.substr(0, colon);
        std::string candidate = dir.empty() ? program : std::string(dir) + "/" + program;
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
            if (::access(candidate.c_str(), X_OK) == 0) {
                error = 0;
                return candidate;
            }
            error = EACCES;
        }
        if (colon == std::string_view::npos) return {};
        dirs.remove_prefix(colon + 1);
    }
}

}  // namespace

int shell_exit_code(SpawnFailure failure) {
    switch (failure) {
        case SpawnFailure::NotFound:
            return 127;
        case SpawnFailure::NotExecutable:
            return 126;
        case SpawnFailure::Other:
            return 125;
    }
    return 125;
}

std::string signal_name(int signal) {
    const char* abbrev = sigabbrev_np(signal);
    return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(signal);
}

std::vector<std::string> make_environment(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry(*e);
        bool replaced = false;
        for (const auto& [name, value] : overrides)
            replaced = replaced || (entry.size() > name.size() && entry[name.size()] == '=' &&
                                    entry.substr(0, name.size()) == name);
        if (!replaced) env.emplace_back(entry);
    }
    for (const auto& [name, value] : overrides) env.push_back(name + "=" + value);
    return env;
}

namespace {

/// A spawned child and what the wait for it holds: its group, the read ends of its
/// output pipes, its pidfd and the terminal handed to it.
struct Child {
    pid_t pid = -1;
    Fd out_read, err_read, pidfd;
    Fd forward_out_read, forward_err_read;  // forward_stdout, forward_stderr
    std::optional<TerminalHandover> terminal;
    Clock::time_point start;
};

/// A pipeline stage's place: the group it joins (0: a new one it leads) and its stdin
/// (-1: inherited).
struct Plumbing {
    pid_t group = 0;
    int stdin_fd = -1;
};

/// Step 1, spawn set-up: pipes, descriptors, signal state and process group, then
/// the launch (process/launch.hpp).
expected<Child, SpawnError> spawn_child(const SpawnRequest& request, Plumbing plumbing = {}) {
    if (request.argv.empty()) return unexpected(SpawnError{SpawnFailure::Other, "empty command"});
    const std::string& program = request.argv.front();

    Child child;
    Fd out_write, err_write;
    Launch launch;

    if (request.capture_output) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) != 0)
            return unexpected(SpawnError{
                SpawnFailure::Other, std::string("failed to create a pipe: ") + strerror(errno)});
        child.out_read = Fd(p[0]);
        out_write = Fd(p[1]);
        if (pipe2(p, O_CLOEXEC) != 0)
            return unexpected(SpawnError{
                SpawnFailure::Other, std::string("failed to create a pipe: ") + strerror(errno)});
        child.err_read = Fd(p[0]);
        err_write = Fd(p[1]);
        launch.open_null(STDIN_FILENO);
        launch.dup2(out_write.get(), STDOUT_FILENO);
        launch.dup2(err_write.get(), STDERR_FILENO);
    } else {
        if (plumbing.stdin_fd >= 0) launch.dup2(plumbing.stdin_fd, STDIN_FILENO);
        if (request.stdout_fd >= 0 && request.forward_stdout < 0)
            launch.dup2(request.stdout_fd, STDOUT_FILENO);
        // The task's capture: only the streams asked for go through a pipe; stdin and the
        // others stay inherited (man page, SPEC: capture).
        Fd* reads[2] = {&child.forward_out_read, &child.forward_err_read};
        Fd* writes[2] = {&out_write, &err_write};
        const int forwards[2] = {request.forward_stdout, request.forward_stderr};
        for (int i = 0; i < 2; ++i) {
            if (forwards[i] < 0) continue;
            int p[2];
            if (pipe2(p, O_CLOEXEC) != 0)
                return unexpected(
                    SpawnError{SpawnFailure::Other,
                               std::string("failed to create a pipe: ") + strerror(errno)});
            *reads[i] = Fd(p[0]);
            *writes[i] = Fd(p[1]);
            launch.dup2(p[1], i == 0 ? STDOUT_FILENO : STDERR_FILENO);
        }
    }
    // dup2 onto itself clears FD_CLOEXEC in the child only (as posix_spawn does).
    for (int fd : request.inherit_fds) launch.dup2(fd, fd);
    if (request.take_terminal) {
        child.terminal.emplace();
        if (child.terminal->active()) launch.foreground_terminal(STDIN_FILENO);
    }

    // Nothing above 2 reaches the child but what the request keeps: descriptors
    // without O_CLOEXEC (another library's sockets) would otherwise leak into it.
    std::vector<int> keep = request.inherit_fds;
    std::sort(keep.begin(), keep.end());
    int close_from = STDERR_FILENO + 1;
    for (const int fd : keep) {
        if (fd < close_from) continue;
        for (int gap = close_from; gap < fd; ++gap) launch.close(gap);
        close_from = fd + 1;
    }
    launch.close_from(close_from);

    launch.group(plumbing.group);

    auto argv = c_strings(request.argv);
    auto envp = c_strings(request.env);
    child.start = Clock::now();
    int lookup_error = 0;
    const std::string file = find_program(program, lookup_error);
    int rc = lookup_error;
    if (!file.empty()) {
        child.pid = launch.start(file.c_str(), argv.data(), envp.data());
        rc = child.pid < 0 ? errno : 0;
    }
    if (rc != 0) {
        SpawnFailure kind = SpawnFailure::Other;
        if (rc == ENOENT || rc == ENOTDIR) kind = SpawnFailure::NotFound;
        if (rc == EACCES || rc == ENOEXEC || rc == EISDIR || rc == EPERM)
            kind = SpawnFailure::NotExecutable;
        std::string why = kind == SpawnFailure::NotFound ? "command not found" : strerror(rc);
        return unexpected(SpawnError{kind, "failed to start " + program + ": " + why});
    }
    child.pidfd = Fd(static_cast<int>(syscall(SYS_pidfd_open, child.pid, 0)));
    return child;
}

/// Step 3, timeout escalation: signals forwarded to the group, SIGTERM at the deadline,
/// SIGKILL after the grace.
class Escalation {
  public:
    Escalation(const SpawnRequest& request, pid_t group, Clock::time_point start)
        : request_(request),
          group_(group),
          has_deadline_(request.timeout.has_value()),
          deadline_(deadline_after(start, request.timeout.value_or(Duration{0}))),
          signals_(request.interrupts_seen) {}

    void act(Clock::time_point now, ProcessResult& result) {
        if (signals_.fired()) {
            // Forward what we received to the whole group; SIGKILL after the grace.
            const int sig = signals_.acknowledge();
            killpg(group_, sig);
            if (result.interrupted_by == 0) result.interrupted_by = sig;
            start_grace(now);
        }
        if (!term_sent_ && has_deadline_ && now >= deadline_) {
            killpg(group_, SIGTERM);
            result.timed_out = true;
            start_grace(now);
        }
        if (term_sent_ && !kill_sent_ && now >= kill_at_) {
            killpg(group_, SIGKILL);
            kill_sent_ = true;
        }
    }
    /// The next time act() has something to do, if any.
    std::optional<Clock::time_point> next() const {
        if (has_deadline_ && !term_sent_) return deadline_;
        if (term_sent_ && !kill_sent_) return kill_at_;
        return std::nullopt;
    }
    bool stopping() const { return term_sent_; }
    int signal_fd() const { return signals_.fd(); }

  private:
    void start_grace(Clock::time_point now) {
        if (term_sent_) return;
        term_sent_ = true;
        kill_at_ = now + request_.kill_grace;
    }
    const SpawnRequest& request_;
    pid_t group_;
    bool has_deadline_;
    Clock::time_point deadline_;
    interrupts::Watch signals_;
    bool term_sent_ = false;
    bool kill_sent_ = false;
    Clock::time_point kill_at_{};
};

/// Step 2, the drain loop: reads both pipes into `output` until the child exited and
/// its pipes closed (or lingered too long), with escalation acting on the way.
void drain_until_exit(Child& child, const SpawnRequest& request, CapturedOutput* output,
                      ProcessResult& result) {
    const pid_t pid = child.pid;
    Escalation escalation(request, pid, child.start);
    bool exited = false;
    std::optional<Clock::time_point> linger_until;
    constexpr size_t kBufferSize = size_t{64} * 1024;
    const auto buffer =
        std::make_unique_for_overwrite<char[]>(kBufferSize);  // not zeroed: read() fills it

    auto check_exited = [&] {
        siginfo_t info{};
        if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
            info.si_pid == pid) {
            exited = true;
            linger_until = Clock::now() + kLinger;
        }
    };

    while (true) {
        const auto now = Clock::now();
        escalation.act(now, result);
        const bool pipes_open = child.out_read.open() || child.err_read.open();
        if (exited && (!pipes_open || now >= *linger_until)) break;

        std::optional<Clock::time_point> wake = escalation.next();
        auto earliest = [&](Clock::time_point t) { wake = wake ? std::min(*wake, t) : t; };
        if (exited) earliest(*linger_until);
        const bool job_control = child.terminal && child.terminal->active() && !exited;
        if (job_control)
            earliest(Clock::now() + std::chrono::milliseconds(100));  // to notice a Ctrl-Z

        pollfd fds[4];
        nfds_t n = 0;
        int pid_slot = -1, out_slot = -1, err_slot = -1;
        if (!exited && child.pidfd.open()) {
            pid_slot = static_cast<int>(n);
            fds[n++] = {child.pidfd.get(), POLLIN, 0};
        }
        if (child.out_read.open()) {
            out_slot = static_cast<int>(n);
            fds[n++] = {child.out_read.get(), POLLIN, 0};
        }
        if (child.err_read.open()) {
            err_slot = static_cast<int>(n);
            fds[n++] = {child.err_read.get(), POLLIN, 0};
        }
        if (escalation.signal_fd() >= 0) fds[n++] = {escalation.signal_fd(), POLLIN, 0};
        int timeout_ms = poll_timeout_ms(wake);
        if (!exited && !child.pidfd.open()) {  // no pidfd (old kernel): check now and then
            timeout_ms = timeout_ms < 0 ? 20 : std::min(timeout_ms, 20);
        }
        const int ready = poll(fds, n, timeout_ms);
        if (ready < 0 && errno != EINTR) break;
        if (pid_slot >= 0 && (fds[pid_slot].revents & POLLIN)) check_exited();
        if (!exited && !child.pidfd.open()) check_exited();
        if (job_control) {
            siginfo_t info{};
            if (waitid(P_PID, static_cast<id_t>(pid), &info, WSTOPPED | WNOHANG) == 0 &&
                info.si_pid == pid && !escalation.stopping())
                child.terminal->suspend_with(pid);
        }
        auto drain = [&](int slot, Fd& fd, bool is_stderr) {
            if (slot < 0 || !(fds[slot].revents & (POLLIN | POLLHUP | POLLERR))) return;
            const ssize_t got = read(fd.get(), buffer.get(), kBufferSize);
            if (got > 0) {
                if (output) {
                    std::string_view chunk(buffer.get(), static_cast<size_t>(got));
                    output->combined.append(chunk);
                    (is_stderr ? output->stderr_only : output->stdout_only).append(chunk);
                }
            } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
                fd.reset();
            }
        };
        drain(out_slot, child.out_read, false);
        drain(err_slot, child.err_read, true);
    }
}

/// Step 4, reap: SIGKILL what is left of the group, reap the child, read its status.
void reap(const Child& child, ProcessResult& result) {
    // The group id is still ours while the child is an unreaped zombie, so this
    // cannot hit an unrelated group.
    killpg(child.pid, SIGKILL);
    int status = 0;
    while (waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.duration = Clock::now() - child.start;
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
}

}  // namespace

expected<ProcessResult, SpawnError> run_process(const SpawnRequest& request,
                                                CapturedOutput* output) {
    auto child = spawn_child(request);
    if (!child) return unexpected(child.error());
    ProcessResult result;
    std::mutex tails_lock;
    std::optional<StreamForwarder> forward_out, forward_err;
    if (child->forward_out_read.open())
        forward_out.emplace(child->forward_out_read.release(), request.forward_stdout,
                            output ? &output->stdout_only : nullptr,
                            output ? &output->combined : nullptr, &tails_lock);
    if (child->forward_err_read.open())
        forward_err.emplace(child->forward_err_read.release(), request.forward_stderr,
                            output ? &output->stderr_only : nullptr,
                            output ? &output->combined : nullptr, &tails_lock);
    drain_until_exit(*child, request, output, result);
    // The rest of what the child wrote, until the pipes close (what a stray grandchild
    // holds open is read for kLinger at most).
    if (forward_out) forward_out->finish(kLinger);
    if (forward_err) forward_err->finish(kLinger);
    reap(*child, result);
    return result;
}

expected<PipelineResult, SpawnError> run_pipeline(
    const std::vector<std::vector<std::string>>& stages, const SpawnRequest& request) {
    std::vector<Child> children;
    pid_t group = 0;
    auto abandon = [&] {  // a stage could not start: end those that did
        if (group != 0) killpg(group, SIGKILL);
        for (const auto& c : children)
            while (waitpid(c.pid, nullptr, 0) < 0 && errno == EINTR) {
            }
    };
    Fd next_stdin;
    for (size_t i = 0; i < stages.size(); ++i) {
        SpawnRequest stage = request;
        stage.argv = stages[i];
        stage.capture_output = false;
        stage.take_terminal = request.take_terminal && i == 0;
        Fd pipe_read, pipe_write;
        if (i + 1 < stages.size()) {
            int p[2];
            if (pipe2(p, O_CLOEXEC) != 0) {
                abandon();
                return unexpected(
                    SpawnError{SpawnFailure::Other,
                               std::string("failed to create a pipe: ") + strerror(errno)});
            }
            pipe_read = Fd(p[0]);
            pipe_write = Fd(p[1]);
            stage.stdout_fd = pipe_write.get();
        }
        auto child = spawn_child(stage, {group, next_stdin.get()});
        if (!child) {
            abandon();
            return unexpected(child.error());
        }
        if (i == 0) group = child->pid;
        children.push_back(std::move(*child));
        next_stdin = std::move(pipe_read);  // our copy of the write end closes here
    }
    next_stdin.reset();

    PipelineResult out;
    ProcessResult shared;
    Escalation escalation(request, group, children.front().start);
    std::vector<bool> exited(children.size(), false);
    while (true) {
        escalation.act(Clock::now(), shared);
        bool all = true;
        for (size_t i = 0; i < children.size(); ++i) {
            siginfo_t info{};
            if (!exited[i] &&
                waitid(P_PID, static_cast<id_t>(children[i].pid), &info,
                       WEXITED | WNOHANG | WNOWAIT) == 0 &&
                info.si_pid == children[i].pid)
                exited[i] = true;
            all = all && exited[i];
        }
        if (all) break;
        std::vector<pollfd> fds;
        bool without_pidfd = false;
        for (size_t i = 0; i < children.size(); ++i) {
            if (exited[i]) continue;
            if (children[i].pidfd.open())
                fds.push_back({children[i].pidfd.get(), POLLIN, 0});
            else
                without_pidfd = true;
        }
        if (escalation.signal_fd() >= 0) fds.push_back({escalation.signal_fd(), POLLIN, 0});
        int timeout_ms = poll_timeout_ms(escalation.next());
        if (without_pidfd) timeout_ms = timeout_ms < 0 ? 20 : std::min(timeout_ms, 20);
        if (poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) break;
    }
    // The leader is reaped last, so the group id stays ours until the end.
    killpg(group, SIGKILL);
    out.stages.resize(children.size());
    for (size_t i = children.size(); i-- > 0;) {
        ProcessResult& r = out.stages[i];
        r.timed_out = shared.timed_out;
        r.interrupted_by = shared.interrupted_by;
        reap(children[i], r);
    }
    out.timed_out = shared.timed_out;
    out.interrupted_by = shared.interrupted_by;
    out.duration = Clock::now() - children.front().start;
    return out;
}

std::string describe_end(const ProcessResult& result, Duration timeout) {
    if (result.interrupted_by != 0) return "interrupted by " + signal_name(result.interrupted_by);
    if (result.timed_out) return "timed out after " + format_duration(timeout);
    if (result.signal) return "killed by " + signal_name(*result.signal);
    if (result.exit_code != 0) return "exit code " + std::to_string(result.exit_code.value_or(-1));
    return "";
}

}  // namespace stash_hook

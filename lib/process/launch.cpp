#include "process/launch.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "launch.cpp: the kernel's struct sigaction layout is known for x86-64 and arm64 only"
#endif

namespace stash_hook {
namespace {

/// The kernel's struct sigaction (rt_sigaction), which glibc's differs from.
struct KernelSigaction {
    uintptr_t handler, flags, restorer;
    uint64_t mask;
};

/// The signals (bit sig-1) whose disposition is not the default when we first launch:
/// ignored or caught. Asked of the kernel directly, which also answers for glibc's
/// own two signals that sigaction() hides.
uint64_t signals_not_default() {
    static const uint64_t set = [] {
        uint64_t s = 0;
        for (int sig = 1; sig <= 64; ++sig) {
            if (sig == SIGKILL || sig == SIGSTOP) continue;
            KernelSigaction old{};
            if (syscall(SYS_rt_sigaction, sig, nullptr, &old, sizeof(uint64_t)) == 0 &&
                old.handler != reinterpret_cast<uintptr_t>(SIG_DFL))
                s |= uint64_t{1} << (sig - 1);
        }
        s |= uint64_t{1} << (SIGPIPE - 1);
        return s;
    }();
    return set;
}

struct Plan {
    const Launch::Step* steps;
    size_t count;
    pid_t group;
    uint64_t to_default;
    const char* file;
    char* const* argv;
    char* const* envp;
    int error;  // set by the child when a step or the execve fails
};

// The child: our memory, our caller's stack below, the parent thread stopped until it
// execs or exits. Raw system calls only (no sanitizer interceptor, no allocation, no
// lock); a failure leaves its errno in the plan and ends the child with 127.
__attribute__((no_sanitize("address", "undefined"))) int child_main(void* arg) {
    using Op = Launch::Op;
    Plan& plan = *static_cast<Plan*>(arg);
    // SIG_DFL for every signal not at its default (those with a handler would run it
    // here, in our memory, once unblocked; ignored ones would stay ignored after exec).
    const KernelSigaction dfl{reinterpret_cast<uintptr_t>(SIG_DFL), 0, 0, 0};
    for (int sig = 1; sig <= 64; ++sig)
        if ((plan.to_default >> (sig - 1)) & 1)
            syscall(SYS_rt_sigaction, sig, &dfl, nullptr, sizeof(uint64_t));
    if (syscall(SYS_setpgid, 0, plan.group) != 0) goto fail;
    for (size_t i = 0; i < plan.count; ++i) {
        const Launch::Step& s = plan.steps[i];
        switch (s.op) {
            case Op::OpenNull: {  // POSIX closes the descriptor first
                syscall(SYS_close, s.fd);
                const long fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY, 0);
                if (fd < 0) goto fail;
                if (fd != s.fd) {
                    if (syscall(SYS_dup2, fd, s.fd) < 0) goto fail;
                    syscall(SYS_close, fd);
                }
                break;
            }
            case Op::Dup2:
                if (s.fd == s.to) {
                    const long flags = syscall(SYS_fcntl, s.fd, F_GETFD);
                    if (flags < 0 || syscall(SYS_fcntl, s.fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
                        goto fail;
                } else if (syscall(SYS_dup2, s.fd, s.to) < 0) {
                    goto fail;
                }
                break;
            case Op::Close:
                syscall(SYS_close, s.fd);
                break;
            case Op::CloseFrom:  // one by one on kernels before 5.9
                if (syscall(SYS_close_range, s.fd, ~0U, 0) != 0) {
                    if (errno != ENOSYS) goto fail;
                    struct {
                        uint64_t cur, max;
                    } limit{};
                    if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, nullptr, &limit) != 0) goto fail;
                    for (uint64_t fd = static_cast<uint64_t>(s.fd);
                         fd < limit.cur && fd < (1u << 20); ++fd)
                        syscall(SYS_close, fd);
                }
                break;
            case Op::Terminal: {  // blocked, SIGTTOU does not stop a background group
                pid_t pgid = static_cast<pid_t>(syscall(SYS_getpgid, 0));
                if (syscall(SYS_ioctl, s.fd, TIOCSPGRP, &pgid) != 0) goto fail;
                break;
            }
        }
    }
    {
        const uint64_t none = 0;
        syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, sizeof none);
    }
    syscall(SYS_execve, plan.file, plan.argv, plan.envp);
fail:
    plan.error = errno;
    syscall(SYS_exit, 127);
    return 127;
}

}  // namespace

void Launch::open_null(int fd) { steps_.push_back({Op::OpenNull, fd, fd}); }
void Launch::dup2(int from, int to) { steps_.push_back({Op::Dup2, from, to}); }
void Launch::close(int fd) { steps_.push_back({Op::Close, fd, fd}); }
void Launch::close_from(int fd) { steps_.push_back({Op::CloseFrom, fd, fd}); }
void Launch::foreground_terminal(int tty_fd) { steps_.push_back({Op::Terminal, tty_fd, tty_fd}); }

pid_t Launch::start(const char* file, char* const* argv, char* const* envp) {
    Plan plan{steps_.data(), steps_.size(), group_, signals_not_default(), file, argv, envp, 0};
    // The child's stack: ours is stopped while it runs (CLONE_VFORK).
    alignas(64) std::array<char, 32768> stack;
    // Every signal blocked across clone, glibc's own included (pthread_sigmask would
    // leave those out), so no handler runs in the child before it resets them.
    const uint64_t all = ~uint64_t{0};
    uint64_t old = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, sizeof all);
    const pid_t pid =
        clone(child_main, stack.data() + stack.size(), CLONE_VM | CLONE_VFORK | SIGCHLD, &plan);
    const int clone_errno = errno;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, nullptr, sizeof old);
    if (pid < 0) {
        errno = clone_errno;
        return -1;
    }
    if (plan.error != 0) {
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        errno = plan.error;
        return -1;
    }
    return pid;
}

}  // namespace stash_hook

#pragma once
// Starting a child: clone(CLONE_VM | CLONE_VFORK), a few steps, execve. What
// posix_spawn does, minus the part that cost most: glibc's child calls sigaction for
// each of the 64 signals before it execs (about 120 system calls per child, a third
// of a hook's cost on a VM), while our child resets only the signals that are not at
// their default when we first launch (ignored ones, inherited from cron or nohup, and
// SIGPIPE, SIGUSR1, SIGUSR2, which we ignore; handlers only in sanitizer builds).
// Until execve the child shares our memory and runs on a stack of the caller's:
// it makes raw system calls only, and every signal stays blocked until the exec.

#include <sys/types.h>

#include <vector>

namespace stash_hook {

class Launch {
  public:
    /// The child's steps, in the order added (posix_spawn's file actions).
    void open_null(int fd);                ///< `fd` becomes /dev/null, read-only
    void dup2(int from, int to);           ///< from == to: only clears FD_CLOEXEC
    void close(int fd);                    ///< errors ignored
    void close_from(int fd);               ///< every descriptor >= fd
    void foreground_terminal(int tty_fd);  ///< the child's group takes the terminal
    /// The child's process group: 0 makes a new one that it leads.
    void group(pid_t pgid) { group_ = pgid; }

    /// Starts `file` (a path, no $PATH search) with `argv` and `envp` (both ending
    /// in nullptr), an empty signal mask and default dispositions. The child's pid,
    /// or -1 with errno set: from clone, or from the step or the execve that failed
    /// in the child (which has then been reaped).
    pid_t start(const char* file, char* const* argv, char* const* envp);

    /// One step as the child reads it (launch.cpp).
    enum class Op { OpenNull, Dup2, Close, CloseFrom, Terminal };
    struct Step {
        Op op;
        int fd;
        int to;
    };

  private:
    std::vector<Step> steps_;
    pid_t group_ = 0;
};

}  // namespace stash_hook

#include "process/orphans.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace stash_hook::orphans {
namespace {

/// Our live children, from /proc (each task's "children" list).
std::vector<pid_t> children() {
    std::vector<pid_t> out;
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
        std::ifstream in(task.path() / "children");
        for (pid_t pid; in >> pid;) out.push_back(pid);
    }
    return out;
}

}  // namespace

void become_subreaper() { prctl(PR_SET_CHILD_SUBREAPER, 1); }

int kill_all_children() {
    int killed = 0;
    // Killing a child can hand us its own orphans: repeat until none is left.
    for (int round = 0; round < 100; ++round) {
        const auto pids = children();
        bool any = false;
        for (pid_t pid : pids) {
            if (kill(pid, SIGKILL) == 0) {
                ++killed;
                any = true;
            }
        }
        while (waitpid(-1, nullptr, WNOHANG) > 0) {
        }
        if (!any) break;
        usleep(10000);
    }
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    return killed;
}

}  // namespace stash_hook::orphans

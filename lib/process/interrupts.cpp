#include "process/interrupts.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <algorithm>
#include <cerrno>
#include <limits>
#include <mutex>
#include <thread>

namespace stash_hook::interrupts {
namespace {

std::atomic<int> g_count{0};
std::atomic<int> g_hangups{0};
bool g_hangup_interrupts = true;
std::atomic<int> g_first{0};
std::atomic<int> g_last{0};
int g_wake_fd = -1;
std::once_flag g_once;

sigset_t watched() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGQUIT);
    sigaddset(&set, SIGALRM);
    return set;
}

void watch() {
    const sigset_t set = watched();
    while (true) {
        siginfo_t info{};
        const int sig = sigwaitinfo(&set, &info);
        if (sig < 0) {
            if (errno == EINTR) continue;
            return;
        }
        if (sig == SIGHUP && !g_hangup_interrupts) {
            ++g_hangups;
            continue;
        }
        int expected = 0;
        g_first.compare_exchange_strong(expected, sig);
        g_last = sig;
        ++g_count;
        const uint64_t one = 1;
        [[maybe_unused]] auto n = write(g_wake_fd, &one, sizeof one);
    }
}

}  // namespace

void install(bool hangup_interrupts) {
    std::call_once(g_once, [hangup_interrupts] {
        g_hangup_interrupts = hangup_interrupts;
        const sigset_t set = watched();
        pthread_sigmask(SIG_BLOCK, &set, nullptr);
        // A log reader that went away must not kill us mid-session (writes to stderr
        // then fail with EPIPE instead), and SIGUSR1/SIGUSR2 mean nothing to us. Children
        // get these back at their default (subprocess.cpp resets ignored signals).
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        sigemptyset(&ignore.sa_mask);
        for (int sig : {SIGPIPE, SIGUSR1, SIGUSR2}) sigaction(sig, &ignore, nullptr);
        g_wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        std::thread(watch).detach();
    });
}

int count() { return g_count.load(); }
int hangups() { return g_hangups.load(); }
int first_signal() { return g_first.load(); }
int last_signal() { return g_last.load(); }
int wake_fd() { return g_wake_fd; }

bool sleep_for(Duration d, int seen) {
    using Clock = std::chrono::steady_clock;
    const auto until = deadline_after(Clock::now(), d);
    while (true) {
        if (count() > seen) return false;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()).count();
        if (left <= 0) return true;
        if (g_wake_fd < 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(left));
            return true;
        }
        // The eventfd stays readable after the first signal: then sleep in slices.
        pollfd p{g_wake_fd, POLLIN, 0};
        const bool armed = count() == 0;
        poll(&p, armed ? 1 : 0, static_cast<int>(std::min<int64_t>(left, armed ? std::numeric_limits<int>::max() : 50)));
    }
}

}  // namespace stash_hook::interrupts

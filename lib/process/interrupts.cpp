#include "process/interrupts.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

namespace stash_hook::interrupts {
namespace {

std::atomic<int> g_count{0};
std::atomic<int> g_hangups{0};
bool g_hangup_interrupts = true;
std::atomic<int> g_first{0};
std::atomic<int> g_last{0};
bool g_installed = false;
std::once_flag g_once;
// The descriptors of the live watches, each told of every signal by the watcher thread.
std::mutex g_watches_mutex;
struct Registered {
    int fd;
    bool hangups;
};
std::vector<Registered> g_watches;

void wake(int fd) {
    const uint64_t one = 1;
    [[maybe_unused]] auto n = write(fd, &one, sizeof one);
}

void wake_all(bool hangup) {
    std::lock_guard lock(g_watches_mutex);
    for (const Registered& w : g_watches)
        if (!hangup || w.hangups) wake(w.fd);
}

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
            wake_all(/*hangup=*/true);
            continue;
        }
        int expected = 0;
        g_first.compare_exchange_strong(expected, sig);
        g_last = sig;
        ++g_count;
        wake_all(/*hangup=*/false);
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
        g_installed = true;
        std::thread(watch).detach();
    });
}

int count() { return g_count.load(); }
int hangups() { return g_hangups.load(); }
int first_signal() { return g_first.load(); }
int last_signal() { return g_last.load(); }
Watch::Watch(int seen, bool hangups)
    : seen_(seen), hangups_seen_(g_hangups.load()), hangups_(hangups) {
    if (seen < 0 || !g_installed) return;
    fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd_ < 0) return;
    {
        std::lock_guard lock(g_watches_mutex);
        g_watches.push_back({fd_, hangups_});
    }
    if (fired()) wake(fd_);  // arrived before it was registered
}

Watch::~Watch() {
    if (fd_ < 0) return;
    {
        std::lock_guard lock(g_watches_mutex);
        std::erase_if(g_watches, [this](const Registered& w) { return w.fd == fd_; });
    }
    close(fd_);
}

bool Watch::fired() const { return seen_ >= 0 && g_count.load() > seen_; }

void Watch::drain() const {
    uint64_t value = 0;
    if (fd_ >= 0) [[maybe_unused]]
        auto n = read(fd_, &value, sizeof value);
}

int Watch::acknowledge() {
    drain();
    seen_ = g_count.load();
    // Another signal may have arrived between the drain and the load: it is counted.
    return g_last.load();
}

bool Watch::hung_up() {
    const int now = g_hangups.load();
    if (!hangups_ || now == hangups_seen_) return false;
    hangups_seen_ = now;
    if (!fired()) drain();
    return true;
}

Watch::Wake Watch::wait(int other, short events, std::chrono::steady_clock::time_point deadline) {
    using Clock = std::chrono::steady_clock;
    while (true) {
        pollfd fds[2];
        nfds_t n = 0;
        if (other >= 0) fds[n++] = {other, events, 0};
        const int own = static_cast<int>(n);
        if (fd_ >= 0) fds[n++] = {fd_, POLLIN, 0};
        if (fired()) {
            if (other >= 0 && ::poll(fds, 1, 0) > 0 &&
                (fds[0].revents & (events | POLLHUP | POLLERR)))
                return Wake::Ready;
            return Wake::Fired;
        }
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return Wake::Deadline;
        const int ready = ::poll(
            fds, n, static_cast<int>(std::min<int64_t>(left, std::numeric_limits<int>::max())));
        if (ready < 0 && errno != EINTR) return Wake::Deadline;
        if (other >= 0 && ready > 0 && (fds[0].revents & (events | POLLHUP | POLLERR)))
            return Wake::Ready;
        if (fd_ >= 0 && ready > 0 && (fds[own].revents & POLLIN)) {
            if (fired()) return Wake::Fired;
            if (hangups_ && g_hangups.load() != hangups_seen_) return Wake::Fired;
        }
    }
}

bool Watch::sleep_for(Duration d) {
    return wait(-1, 0, deadline_after(std::chrono::steady_clock::now(), d)) == Wake::Deadline;
}

}  // namespace stash_hook::interrupts

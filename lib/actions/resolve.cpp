// Name resolution bounded by the hook's deadline and by signals (man page, ACTIONS):
// used by the HTTP and TCP actions.

#include "actions/resolve.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <thread>

#include "process/interrupts.hpp"

namespace stash_hook {
namespace {

int lookup_once(const std::string& name, int flags, std::vector<std::string>& out) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    addrinfo* found = nullptr;
    const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &found);
    for (addrinfo* a = found; rc == 0 && a != nullptr; a = a->ai_next) {
        char text[NI_MAXHOST];
        if (getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) ==
                0 &&
            std::find(out.begin(), out.end(), text) == out.end())
            out.emplace_back(text);
    }
    if (found != nullptr) freeaddrinfo(found);
    return rc;
}

}  // namespace

DoneSignal::DoneSignal() : fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

DoneSignal::~DoneSignal() {
    if (fd_ >= 0) close(fd_);
}

void DoneSignal::set() {
    const uint64_t one = 1;
    [[maybe_unused]] auto n = write(fd_, &one, sizeof one);
}

void wait_within(const DoneSignal& done, std::chrono::steady_clock::time_point deadline,
                 int interrupts_seen, bool& timed_out, int& interrupted_by) {
    interrupts::Watch signals(interrupts_seen);
    switch (signals.wait(done.fd(), POLLIN, deadline)) {
        case interrupts::Watch::Wake::Ready:
            return;
        case interrupts::Watch::Wake::Fired:
            interrupted_by = signals.acknowledge();
            return;
        case interrupts::Watch::Wake::Deadline:
            timed_out = true;
            return;
    }
}

expected<std::vector<std::string>, std::string> resolve_within(
    const std::string& host, std::chrono::steady_clock::time_point deadline, int interrupts_seen,
    bool& timed_out, int& interrupted_by) {
    struct Lookup {
        std::mutex mutex;
        DoneSignal done_signal;
        bool done = false;
        int rc = 0;
        std::vector<std::string> addresses;
    };
    std::vector<std::string> numeric;
    if (lookup_once(host, AI_NUMERICHOST, numeric) == 0) return numeric;  // an address already

    auto lookup = std::make_shared<Lookup>();
    std::thread([lookup, host] {
        std::vector<std::string> found;
        const int rc = lookup_once(host, 0, found);
        std::lock_guard lock(lookup->mutex);
        lookup->rc = rc;
        lookup->addresses = std::move(found);
        lookup->done = true;
        lookup->done_signal.set();
    }).detach();
    wait_within(lookup->done_signal, deadline, interrupts_seen, timed_out, interrupted_by);
    std::lock_guard lock(lookup->mutex);
    if (!lookup->done) return unexpected<std::string>("abandoned");
    if (lookup->rc != 0) return unexpected<std::string>(gai_strerror(lookup->rc));
    if (lookup->addresses.empty()) return unexpected<std::string>("no address");
    return lookup->addresses;
}

}  // namespace stash_hook

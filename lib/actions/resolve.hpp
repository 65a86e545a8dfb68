#pragma once
// Bounded waits for the network actions: name resolution that the hook's deadline
// and signals can cut short (getaddrinfo cannot be cancelled), and the wait it uses.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "process/interrupts.hpp"
#include "util/expected.hpp"

namespace stash_hook {

/// Waits on `cv` (under `lock`) until `done()`, the deadline or a signal after
/// `interrupts_seen`; sets `interrupted_by` or `timed_out` when it gave up.
template <typename Done>
void wait_within(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, Done done,
                 std::chrono::steady_clock::time_point deadline, int interrupts_seen, bool& timed_out,
                 int& interrupted_by) {
    auto interrupted = [&] { return interrupts_seen >= 0 && interrupts::count() > interrupts_seen; };
    // Wake now and then to notice signals (they arrive on another thread).
    while (!done() && !interrupted() && std::chrono::steady_clock::now() < deadline)
        cv.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)), done);
    if (done()) return;
    if (interrupted())
        interrupted_by = interrupts::last_signal();
    else
        timed_out = true;
}

/// The numeric addresses of `host` (IPv4 and IPv6 text, no port), in getaddrinfo's
/// order; a numeric host is returned at once. The lookup runs on a detached thread
/// that owns its state with us: at the deadline or on a signal after
/// `interrupts_seen` (-1: none counts) we stop waiting, set `timed_out` or
/// `interrupted_by`, and it finishes alone, later. The error is gai_strerror's text,
/// "no address", or "abandoned" when `timed_out` or `interrupted_by` is set.
expected<std::vector<std::string>, std::string> resolve_within(const std::string& host,
                                                               std::chrono::steady_clock::time_point deadline,
                                                               int interrupts_seen, bool& timed_out,
                                                               int& interrupted_by);

}  // namespace stash_hook

#pragma once
// Bounded waits for the network actions: name resolution that the hook's deadline
// and signals can cut short (getaddrinfo cannot be cancelled), and the wait it uses.

#include <chrono>
#include <string>
#include <vector>

#include "util/expected.hpp"

namespace stash_hook {

/// An eventfd that a helper thread writes once when its work is done, and that a
/// wait puts in its poll set beside its interrupts::Watch.
class DoneSignal {
  public:
    DoneSignal();
    ~DoneSignal();
    DoneSignal(const DoneSignal&) = delete;
    DoneSignal& operator=(const DoneSignal&) = delete;
    void set();
    int fd() const { return fd_; }

  private:
    int fd_;
};

/// Waits until `done` is set, the deadline or a signal after `interrupts_seen` (-1:
/// none counts); sets `interrupted_by` or `timed_out` when it gave up first.
void wait_within(const DoneSignal& done, std::chrono::steady_clock::time_point deadline,
                 int interrupts_seen, bool& timed_out, int& interrupted_by);

/// The numeric addresses of `host` (IPv4 and IPv6 text, no port), in getaddrinfo's
/// order; a numeric host is returned at once. The lookup runs on a detached thread
/// that owns its state with us: at the deadline or on a signal after
/// `interrupts_seen` (-1: none counts) we stop waiting, set `timed_out` or
/// `interrupted_by`, and it finishes alone, later. The error is gai_strerror's text,
/// "no address", or "abandoned" when `timed_out` or `interrupted_by` is set.
expected<std::vector<std::string>, std::string> resolve_within(
    const std::string& host, std::chrono::steady_clock::time_point deadline, int interrupts_seen,
    bool& timed_out, int& interrupted_by);

}  // namespace stash_hook

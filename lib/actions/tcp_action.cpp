// tcpSocket (man page, ACTIONS): succeeds if a TCP connection opens within the
// timeout, which bounds name resolution (resolve_within) and every connect; a signal
// ends it too.

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "actions/action.hpp"
#include "actions/resolve.hpp"
#include "process/interrupts.hpp"
#include "process/subprocess.hpp"
#include "util/duration.hpp"

namespace stash_hook {
namespace {

/// Connects to `a` by the deadline, or until a signal after
/// `interrupts_seen`. 0 when it connected, else the errno (ETIMEDOUT at the
/// deadline); sets `interrupted_by` when a signal stopped it.
int connect_within(const addrinfo& a, std::chrono::steady_clock::time_point deadline,
                   int interrupts_seen, int& interrupted_by) {
    const int fd = socket(a.ai_family, a.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a.ai_protocol);
    if (fd < 0) return errno;
    int err = 0;
    if (connect(fd, a.ai_addr, a.ai_addrlen) != 0) {
        err = errno;
        if (err == EINPROGRESS) {
            interrupts::Watch signals(interrupts_seen);
            const auto wake = signals.wait(fd, POLLOUT, deadline);
            if (wake == interrupts::Watch::Wake::Fired) interrupted_by = signals.acknowledge();
            if (wake != interrupts::Watch::Wake::Ready) {
                err = ETIMEDOUT;
            } else {
                socklen_t len = sizeof err;
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
            }
        }
    }
    close(fd);
    return err;
}

}  // namespace

ActionOutcome run_tcp_action(const TcpAction& tcp, const ActionContext& context) {
    const auto deadline = deadline_after(std::chrono::steady_clock::now(), context.timeout);
    const std::string port = std::to_string(tcp.port);
    const std::string target = tcp.host + ":" + port;
    const std::string timed_out_after = "timed out after " + format_duration(context.timeout);
    ActionOutcome outcome;

    bool timed_out = false;
    int interrupted_by = 0;
    auto addresses =
        resolve_within(tcp.host, deadline, context.interrupts_seen, timed_out, interrupted_by);
    if (interrupted_by) {
        outcome.error = "interrupted by " + signal_name(interrupted_by);
        return outcome;
    }
    if (!addresses) {
        outcome.error = "failed to resolve " + tcp.host + ": " +
                        (timed_out ? timed_out_after : addresses.error());
        return outcome;
    }
    // Each address in turn, in getaddrinfo's order, while the deadline allows.
    std::string last_error = "no address";
    for (const std::string& address : *addresses) {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;  // no lookup: the address is numeric
        addrinfo* a = nullptr;
        if (int rc = getaddrinfo(address.c_str(), port.c_str(), &hints, &a); rc != 0) {
            last_error = gai_strerror(rc);
            continue;
        }
        const int err = connect_within(*a, deadline, context.interrupts_seen, interrupted_by);
        freeaddrinfo(a);
        if (interrupted_by) {
            outcome.error = "interrupted by " + signal_name(interrupted_by);
            return outcome;
        }
        if (err == 0) {
            outcome.succeeded = true;
            return outcome;
        }
        last_error = err == ETIMEDOUT ? timed_out_after : strerror(err);
        if (std::chrono::steady_clock::now() >= deadline) break;
    }
    outcome.error = "failed to connect to " + target + ": " + last_error;
    return outcome;
}

}  // namespace stash_hook

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>

#include "actions/action.hpp"
#include "process/interrupts.hpp"
#include "process/subprocess.hpp"

namespace stash_hook {

ActionOutcome run_tcp_action(const TcpAction& tcp, const ActionContext& context) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = deadline_after(Clock::now(), context.timeout);
    const std::string target = tcp.host + ":" + std::to_string(tcp.port);
    ActionOutcome outcome;

    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* addresses = nullptr;
    const std::string port = std::to_string(tcp.port);
    if (int rc = getaddrinfo(tcp.host.c_str(), port.c_str(), &hints, &addresses); rc != 0) {
        outcome.error = "failed to resolve " + tcp.host + ": " + gai_strerror(rc);
        return outcome;
    }
    std::string last_error = "no address";
    for (addrinfo* a = addresses; a != nullptr; a = a->ai_next) {
        const int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                              a->ai_protocol);
        if (fd < 0) {
            last_error = strerror(errno);
            continue;
        }
        int err = 0;
        if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            err = errno;
            if (err == EINPROGRESS) {
                pollfd p{fd, POLLOUT, 0};
                int ready = 0;
                bool interrupted = false;
                // In slices, to notice signals.
                while (true) {
                    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
                    ready = poll(&p, 1, static_cast<int>(std::clamp<int64_t>(left.count(), 0, 50)));
                    if (ready > 0 || (ready < 0 && errno != EINTR) || left.count() <= 0) break;
                    if (context.interrupts_seen >= 0 && interrupts::count() > context.interrupts_seen) {
                        interrupted = true;
                        break;
                    }
                }
                if (interrupted) {
                    close(fd);
                    freeaddrinfo(addresses);
                    outcome.error = "interrupted by " + signal_name(interrupts::last_signal());
                    return outcome;
                }
                if (ready <= 0) {
                    err = ETIMEDOUT;
                } else {
                    socklen_t len = sizeof err;
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
                }
            }
        }
        close(fd);
        if (err == 0) {
            freeaddrinfo(addresses);
            outcome.succeeded = true;
            return outcome;
        }
        last_error = err == ETIMEDOUT ? "timed out after " + format_duration(context.timeout)
                                      : strerror(err);
        if (Clock::now() >= deadline) break;
    }
    freeaddrinfo(addresses);
    outcome.error = "failed to connect to " + target + ": " + last_error;
    return outcome;
}

}  // namespace stash_hook

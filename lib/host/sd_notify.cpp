#include "host/sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace stash_hook {

void SystemdNotifier::read_environment() {
    SystemdNotifier& n = *this;
    const char* socket = std::getenv("NOTIFY_SOCKET");
    if (socket && (socket[0] == '/' || socket[0] == '@') &&
        std::strlen(socket) < sizeof(sockaddr_un::sun_path)) {
        n.socket_path_ = socket;
        if (n.socket_path_[0] == '@') n.socket_path_[0] = '\0';
    }
    const char* usec = std::getenv("WATCHDOG_USEC");
    const char* pid = std::getenv("WATCHDOG_PID");
    const bool ours = !pid || std::strtoll(pid, nullptr, 10) == static_cast<long long>(getpid());
    if (usec && ours) {
        char* end = nullptr;
        const long long value = std::strtoll(usec, &end, 10);
        if (end && *end == '\0' && value > 0) n.watchdog_ = std::chrono::microseconds(value);
    }
    for (const char* name : {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"}) ::unsetenv(name);
}

void SystemdNotifier::notify(const std::string& state) {
    if (!enabled()) return;
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, socket_path_.data(), socket_path_.size());
    const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_path_.size() +
                                            (socket_path_[0] == '\0' ? 0 : 1));
    (void)::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
                   reinterpret_cast<const sockaddr*>(&addr), len);
    ::close(fd);
}

void SystemdNotifier::watchdog(std::chrono::steady_clock::time_point now) {
    if (!enabled() || !watchdog_) return;
    {
        std::lock_guard lock(mutex_);
        if (now - last_ping_ < *watchdog_ / 2) return;
        last_ping_ = now;
    }
    notify("WATCHDOG=1");
}

}  // namespace stash_hook

#pragma once
// systemd's notification protocol (sd_notify(3)), by hand over the AF_UNIX datagram
// socket in $NOTIFY_SOCKET, so that `serve` works as a Type=notify unit with a
// watchdog: READY=1, STATUS=..., WATCHDOG=1 every half of $WATCHDOG_USEC, STOPPING=1.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

namespace stash_hook {

class SystemdNotifier {
  public:
    /// Reads $NOTIFY_SOCKET ("/path" or "@abstract"), $WATCHDOG_USEC and $WATCHDOG_PID,
    /// and unsets them so that hooks and tasks do not speak for us. Disabled without
    /// a socket.
    void read_environment();

    bool enabled() const { return !socket_path_.empty(); }
    /// Sends `state` ("READY=1\nSTATUS=..."); failures are ignored, as sd_notify's are.
    void notify(const std::string& state);
    /// Sends WATCHDOG=1 when half the watchdog interval has passed since the last one.
    void watchdog(std::chrono::steady_clock::time_point now);
    std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }

  private:
    std::string socket_path_;  // '\0' first for an abstract socket
    std::optional<std::chrono::microseconds> watchdog_;
    std::chrono::steady_clock::time_point last_ping_{};
    std::mutex mutex_;
};

}  // namespace stash_hook

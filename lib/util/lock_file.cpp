#include "util/lock_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

namespace stash_hook {

expected<LockFile, std::string> LockFile::acquire(const std::string& path, Duration wait,
                                                       const std::function<bool()>& keep_waiting) {
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return unexpected("failed to open lock file " + path + ": " + std::strerror(errno));
    using Clock = std::chrono::steady_clock;
    const auto until = Clock::now() + wait;
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            const int err = errno;
            close(fd);
            return unexpected("failed to lock " + path + ": " + std::strerror(err));
        }
        if (Clock::now() >= until || (keep_waiting && !keep_waiting())) {
            char holder[32] = {};
            const ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
            close(fd);
            std::string who = n > 0 ? std::string(holder, static_cast<size_t>(n)) : "";
            while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
            return unexpected("another run holds the lock " + path + (who.empty() ? "" : " (pid " + who + ")") +
                                   (wait.count() > 0 ? " after waiting " + format_duration(wait) : ""));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    // Record the holder for the next one's message.
    const std::string pid = std::to_string(getpid()) + "\n";
    if (ftruncate(fd, 0) == 0) {
        [[maybe_unused]] auto written = pwrite(fd, pid.data(), pid.size(), 0);
    }
    return LockFile(fd);
}

LockFile::LockFile(LockFile&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

LockFile::~LockFile() {
    if (fd_ >= 0) close(fd_);  // releases the flock
}

}  // namespace stash_hook

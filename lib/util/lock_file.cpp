#include "util/lock_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

namespace stash_hook {
namespace {

/// True when `content` is what we write into a lock file: a pid and a newline.
bool looks_like_pid(std::string_view content) {
    if (!content.empty() && content.back() == '\n') content.remove_suffix(1);
    return !content.empty() && std::all_of(content.begin(), content.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
    });
}

std::string read_small(int fd) {
    char buffer[64];
    const ssize_t n = pread(fd, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
}

}  // namespace

expected<LockFile, LockError> LockFile::acquire(const std::string& path, Duration wait,
                                                const std::function<bool(Duration)>& pause) {
    auto refuse = [&](const std::string& why) {
        return unexpected(LockError{false, "failed to open lock file " + path + ": " + why});
    };
    // Refused before opening: opening a device or a FIFO can have effects of its own.
    struct stat st {};
    if (lstat(path.c_str(), &st) == 0) {
        if (S_ISLNK(st.st_mode))
            return refuse("it is a symbolic link (give the lock file's own path)");
        if (S_ISDIR(st.st_mode)) return refuse(std::strerror(EISDIR));
        if (!S_ISREG(st.st_mode)) return refuse("not a regular file");
    }
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
    if (fd < 0)
        return refuse(errno == ELOOP ? "it is a symbolic link (give the lock file's own path)"
                                     : std::strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {  // replaced between lstat and open
        close(fd);
        return refuse("not a regular file");
    }
    using Clock = std::chrono::steady_clock;
    const auto until = deadline_after(Clock::now(), wait);
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            const int err = errno;
            close(fd);
            return unexpected(
                LockError{false, "failed to lock " + path + ": " + std::strerror(err)});
        }
        const auto now = Clock::now();
        bool go_on = now < until;
        if (go_on) {
            const Duration step = std::min<Duration>(std::chrono::milliseconds(50), until - now);
            if (pause)
                go_on = pause(step);
            else
                std::this_thread::sleep_for(step);
        }
        if (!go_on) {
            std::string who = read_small(fd);
            close(fd);
            if (!looks_like_pid(who)) who.clear();
            while (!who.empty() && who.back() == '\n') who.pop_back();
            return unexpected(LockError{
                true, "another run holds the lock " + path +
                          (who.empty() ? "" : " (pid " + who + ")") +
                          (wait.count() > 0 ? " after waiting " + format_duration(wait) : "")});
        }
    }
    // Record the holder for the next one's message, but only in a file of ours.
    if (fstat(fd, &st) == 0 &&
        (st.st_size == 0 || (st.st_size < 64 && looks_like_pid(read_small(fd))))) {
        const std::string pid = std::to_string(getpid()) + "\n";
        if (ftruncate(fd, 0) == 0) {
            [[maybe_unused]] auto written = pwrite(fd, pid.data(), pid.size(), 0);
        }
    }
    return LockFile(fd);
}

LockFile::LockFile(LockFile&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

LockFile::~LockFile() {
    if (fd_ >= 0) close(fd_);  // releases the flock unless a child still holds a copy
}

}  // namespace stash_hook

#include "process/stream_forwarder.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <memory>
#include <string_view>

namespace stash_hook {
namespace {

/// Writes all of `data` to `fd`; false when it cannot (the reader went away) or, with
/// `small_steps`, when `stop_fd` became readable while waiting for room.
bool write_all(int fd, const char* data, size_t size, bool small_steps, int stop_fd) {
    while (size > 0) {
        size_t step = size;
        if (small_steps) {
            // A pipe, socket or terminal whose reader stalls would block a large write
            // for ever: wait for room (or for finish() to give up), then write what one
            // free pipe buffer takes.
            pollfd fds[2] = {{fd, POLLOUT, 0}, {stop_fd, POLLIN, 0}};
            if (poll(fds, 2, -1) < 0) {
                if (errno == EINTR) continue;
                return false;
            }
            if (fds[1].revents & POLLIN) return false;
            size_t room = PIPE_BUF;
            int queued = 0;  // a pipe: its free space is its size less what waits in it
            if (const int pipe_size = fcntl(fd, F_GETPIPE_SZ);
                pipe_size > 0 && ioctl(fd, FIONREAD, &queued) == 0 && pipe_size > queued)
                room = std::max<size_t>(room, static_cast<size_t>(pipe_size - queued));
            step = std::min(size, room);
        }
        const ssize_t n = write(fd, data, step);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {  // a descriptor someone made non-blocking: wait for room
                pollfd p{fd, POLLOUT, 0};
                poll(&p, 1, 100);
                continue;
            }
            return false;
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

}  // namespace

StreamForwarder::StreamForwarder(int pipe_read, int destination, OutputTail* own,
                                 OutputTail* combined, std::mutex* tails_lock)
    : pipe_read_(pipe_read),
      destination_(destination),
      own_(own),
      combined_(combined),
      tails_lock_(tails_lock),
      stop_fd_(eventfd(0, EFD_CLOEXEC)),
      done_fd_(eventfd(0, EFD_CLOEXEC)) {
    // A larger pipe means fewer wake-ups for a task that writes a lot (best effort).
    fcntl(pipe_read_, F_SETPIPE_SZ, 1 << 20);
    thread_ = std::thread([this] { run(); });
}

StreamForwarder::~StreamForwarder() {
    finish(Duration{0});
    if (stop_fd_ >= 0) close(stop_fd_);
    if (done_fd_ >= 0) close(done_fd_);
}

void StreamForwarder::finish(Duration linger) {
    if (!thread_.joinable()) return;
    pollfd done{done_fd_, POLLIN, 0};
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(linger).count();
    if (poll(&done, 1, static_cast<int>(ms)) <= 0) {
        const uint64_t one = 1;
        [[maybe_unused]] const ssize_t n = write(stop_fd_, &one, sizeof one);
    }
    thread_.join();
}

void StreamForwarder::run() {
    constexpr size_t kBufferSize = size_t{256} * 1024;
    const auto buffer = std::make_unique_for_overwrite<char[]>(kBufferSize);
    struct stat st {};
    const bool small_steps = fstat(destination_, &st) != 0 || !S_ISREG(st.st_mode);
    while (true) {
        pollfd fds[2] = {{pipe_read_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[1].revents & POLLIN) break;
        const ssize_t got = read(pipe_read_, buffer.get(), kBufferSize);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (got <= 0) break;
        const size_t size = static_cast<size_t>(got);
        if (!write_all(destination_, buffer.get(), size, small_steps, stop_fd_))
            break;  // closing the pipe gives the child EPIPE, as our destination gave us
        std::lock_guard lock(*tails_lock_);
        const std::string_view chunk(buffer.get(), size);
        if (own_) own_->append(chunk);
        if (combined_) combined_->append(chunk);
    }
    close(pipe_read_);
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = write(done_fd_, &one, sizeof one);
}

}  // namespace stash_hook

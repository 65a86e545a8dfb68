#pragma once
// One run at a time: an exclusive flock(2) on a lock file, held until destruction.
// The kernel drops it when the last descriptor of its open file description closes:
// when the holder dies, unless a task it started inherited the descriptor (fd()), in
// which case the lock lives as long as that task.

#include <functional>
#include <string>

#include "util/duration.hpp"
#include "util/expected.hpp"

namespace stash_hook {

struct LockError {
    bool held = false;    // another run holds it (else the file could not be used)
    std::string message;  // "another run holds the lock ..." or "failed to open lock file ...: ..."
};

class LockFile {
  public:
    /// Takes the lock on `path` (a regular file, created if missing; symbolic links
    /// and other kinds of file are refused), waiting up to `wait` for a holder to let
    /// go. flock() has no descriptor to wait on, so it is tried again every 50 ms;
    /// `pause` (when given) sleeps between tries and returns false to end the wait (a
    /// signal's watch wakes it at once). The holder's
    /// pid is written into the file only when it is empty or holds nothing but a pid,
    /// so an existing file of other content is never changed. The error says who holds
    /// it when we can tell.
    static expected<LockFile, LockError> acquire(const std::string& path, Duration wait,
                                                 const std::function<bool(Duration)>& pause = {});
    LockFile(LockFile&& other) noexcept;
    LockFile& operator=(LockFile&&) = delete;
    LockFile(const LockFile&) = delete;
    ~LockFile();

    /// The locked descriptor (close-on-exec): hand it to a child to keep the lock
    /// held while the child lives.
    int fd() const { return fd_; }

  private:
    explicit LockFile(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace stash_hook

#pragma once
// One run at a time: an exclusive flock(2) on a lock file, held until destruction.
// The kernel drops it when the holder dies, so a killed run never blocks the next.

#include "util/expected.hpp"
#include <functional>
#include <string>

#include "util/duration.hpp"

namespace stash_hook {

class LockFile {
public:
    /// Takes the lock on `path` (created if missing), waiting up to `wait` for a
    /// holder to let go; `keep_waiting` is asked between tries and may end the wait.
    /// The error says who holds it when we can tell.
    static expected<LockFile, std::string> acquire(const std::string& path, Duration wait,
                                                        const std::function<bool()>& keep_waiting = {});
    LockFile(LockFile&& other) noexcept;
    LockFile& operator=(LockFile&&) = delete;
    LockFile(const LockFile&) = delete;
    ~LockFile();

private:
    explicit LockFile(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace stash_hook

#pragma once
// The one exception type that crosses the library's edge. Low-level code returns
// expected<T, std::string>; the layers that decide (session, app) throw Error.

#include <stdexcept>
#include <string>

namespace stash_hook {

/// Exit code for "stash-hook itself failed" (man page, EXIT STATUS).
inline constexpr int kExitUsage = 125;
/// Exit code for "another run holds the lock; nothing ran".
inline constexpr int kExitLocked = 122;

/// A failure of stash-hook itself. `exit_code` is what the process should exit with.
class Error : public std::runtime_error {
  public:
    explicit Error(const std::string& message, int exit_code = kExitUsage)
        : std::runtime_error(message), exit_code_(exit_code) {}
    int exit_code() const { return exit_code_; }

  private:
    int exit_code_;
};

}  // namespace stash_hook

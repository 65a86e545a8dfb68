#pragma once
// quietUnlessFailed (man page, SPEC): the task's stdout and stderr held in two unlinked
// temporary files (so any amount, bounded by $TMPDIR's space, not by memory), printed to
// ours only if the session fails, like moreutils' chronic.

#include <string>

#include "util/expected.hpp"

namespace stash_hook {

class HeldOutput {
  public:
    /// Two anonymous files in $TMPDIR (else /tmp).
    static expected<HeldOutput, std::string> create();
    HeldOutput(HeldOutput&& o) noexcept;
    HeldOutput& operator=(HeldOutput&&) = delete;
    ~HeldOutput();

    int stdout_fd() const { return out_; }
    int stderr_fd() const { return err_; }
    /// Writes what was held to our stdout and stderr, each to its own.
    void print() const;

  private:
    HeldOutput(int out, int err) : out_(out), err_(err) {}
    int out_ = -1;
    int err_ = -1;
};

}  // namespace stash_hook

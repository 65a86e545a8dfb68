#pragma once
// A bounded ring buffer that keeps the last N bytes of a stream, so that a child
// printing gigabytes costs a fixed amount of memory.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace stash_hook {

class OutputTail {
  public:
    explicit OutputTail(size_t capacity);

    void append(std::string_view data);
    /// The kept bytes, oldest first. At most capacity() bytes. Once bytes were dropped,
    /// the piece of a secret left at the front by the cut reads "***" (secrets.hpp).
    std::string str() const;
    /// How many bytes were appended in all.
    uint64_t total() const { return total_; }
    /// True when bytes were dropped from the front.
    bool truncated() const { return total_ > capacity_; }
    size_t capacity() const { return capacity_; }

  private:
    size_t capacity_;
    std::string buffer_;  // grows to capacity_, then a ring
    size_t next_ = 0;     // where the next byte goes
    uint64_t total_ = 0;
};

}  // namespace stash_hook

#include "util/output_tail.hpp"

#include <algorithm>

#include "util/secrets.hpp"

namespace stash_hook {

OutputTail::OutputTail(size_t capacity) : capacity_(capacity) {}

void OutputTail::append(std::string_view data) {
    total_ += data.size();
    const size_t cap = capacity_;
    if (cap == 0) return;
    if (buffer_.size() < cap) {  // filling up: the buffer grows with what arrives
        const size_t room = cap - buffer_.size();
        buffer_.append(data.substr(0, room));
        if (data.size() <= room) {
            next_ = buffer_.size() % cap;
            return;
        }
        data.remove_prefix(room);
        next_ = 0;
    }
    if (data.size() >= cap) {  // only the last `cap` bytes can survive
        data.remove_prefix(data.size() - cap);
        std::copy(data.begin(), data.end(), buffer_.begin());
        next_ = 0;
        return;
    }
    const size_t first = std::min(data.size(), cap - next_);
    std::copy_n(data.begin(), first, buffer_.begin() + static_cast<std::ptrdiff_t>(next_));
    std::copy(data.begin() + static_cast<std::ptrdiff_t>(first), data.end(), buffer_.begin());
    next_ = (next_ + data.size()) % cap;
}

std::string OutputTail::str() const {
    if (total_ < capacity_) return buffer_;
    // The cut may have kept the end of a secret without its start, which redact()
    // alone would not recognise.
    return secrets::redact_cut_front(buffer_.substr(next_) + buffer_.substr(0, next_));
}

}  // namespace stash_hook

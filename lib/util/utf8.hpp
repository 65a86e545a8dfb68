#pragma once
// UTF-8 validation, shared by the spec loader (which rejects invalid specs) and the
// template engine's JSON encoder (which replaces bad bytes, as Go does).

#include <cstddef>
#include <string_view>

namespace stash_hook {

/// The length (1-4) of the valid UTF-8 sequence starting at `s[i]`, or 0 when the
/// bytes there are not valid UTF-8 (stray continuation bytes, overlong forms,
/// surrogates, values past U+10FFFF, truncated sequences).
inline size_t utf8_sequence_length(std::string_view s, size_t i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return 1;
    const size_t len = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (len == 0 || i + len > s.size()) return 0;
    for (size_t k = 1; k < len; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    const unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
    if (len == 3 && ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0))) return 0;
    if (len == 4 && ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))) return 0;
    return len;
}

}  // namespace stash_hook

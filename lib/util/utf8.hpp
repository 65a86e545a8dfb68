#pragma once
// UTF-8 validation, shared by the spec loader (which rejects invalid specs) and the
// template engine's JSON encoder (which replaces bad bytes, as Go does).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace stash_hook {

/// The length (1-4) of the valid UTF-8 sequence starting at `s[i]`, or 0 when the
/// bytes there are not valid UTF-8 (stray continuation bytes, overlong forms,
/// surrogates, values past U+10FFFF, truncated sequences).
inline size_t utf8_sequence_length(std::string_view s, size_t i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return 1;
    const size_t len = c >= 0xF0 && c < 0xF5   ? 4
                       : c >= 0xE0 && c < 0xF0 ? 3
                       : c >= 0xC2 && c < 0xE0 ? 2
                                               : 0;
    if (len == 0 || i + len > s.size()) return 0;
    for (size_t k = 1; k < len; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    const unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
    if (len == 3 && ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0))) return 0;
    if (len == 4 && ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))) return 0;
    return len;
}

/// The UTF-8 bytes of code point `cp`; U+FFFD for surrogates and values outside
/// Unicode (as Go's utf8.EncodeRune does).
inline std::string utf8_encode(int64_t cp) {
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    const auto c = static_cast<uint32_t>(cp);
    std::string s;
    if (c < 0x80) {
        s += static_cast<char>(c);
    } else if (c < 0x800) {
        s += static_cast<char>(0xC0 | (c >> 6));
        s += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        s += static_cast<char>(0xE0 | (c >> 12));
        s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        s += static_cast<char>(0xF0 | (c >> 18));
        s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (c & 0x3F));
    }
    return s;
}

}  // namespace stash_hook

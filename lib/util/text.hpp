#pragma once
// ASCII case mapping: defined for every byte (std::tolower on a plain char is not, for
// bytes above 127), and independent of the locale. Names, schemes, header names and
// cron words are ASCII; any other byte is kept as it is.

#include <string>
#include <string_view>

namespace stash_hook {

inline char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
inline char ascii_upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

inline std::string ascii_upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = ascii_upper(c);
    return out;
}

}  // namespace stash_hook

#pragma once
// The one string escaper, for the three spellings the project writes:
//   Escape::Json     JSON as nlohmann::json dumps it (the status file; secrets masks this
//                    spelling of a secret too)
//   Escape::GoJson   JSON as Go's encoding/json writes it (the template engine's toJson):
//                    <, > and & as \u00XX, invalid UTF-8 as \ufffd, U+2028/9 escaped
//   Escape::GoQuote  Go's strconv.Quote between its quotes (quote, %q): \a \b \f \v, \xNN

#include <string>
#include <string_view>

#include "util/utf8.hpp"

namespace stash_hook {

enum class Escape { Json, GoJson, GoQuote };

/// Appends `s` to `out` as it appears between the quotes of a string in `style`.
inline void append_escaped(std::string& out, std::string_view s, Escape style) {
    static constexpr char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80 && style == Escape::GoJson) {
            const size_t len = utf8_sequence_length(s, i);
            const std::string_view seq = s.substr(i, len == 0 ? 1 : len);
            out += len == 0                ? "\\ufffd"
                   : seq == "\xE2\x80\xA8" ? "\\u2028"
                   : seq == "\xE2\x80\xA9" ? "\\u2029"
                                           : seq;
            i += seq.size();
            continue;
        }
        ++i;
        std::string_view named;
        switch (c) {
            case '"':
                named = "\\\"";
                break;
            case '\\':
                named = "\\\\";
                break;
            case '\n':
                named = "\\n";
                break;
            case '\r':
                named = "\\r";
                break;
            case '\t':
                named = "\\t";
                break;
            case '\b':
                if (style != Escape::GoJson) named = "\\b";
                break;
            case '\f':
                if (style != Escape::GoJson) named = "\\f";
                break;
            case '\a':
                if (style == Escape::GoQuote) named = "\\a";
                break;
            case '\v':
                if (style == Escape::GoQuote) named = "\\v";
                break;
            default:
                break;
        }
        if (!named.empty()) {
            out += named;
        } else if (c < 0x20 || (style == Escape::GoQuote && c == 0x7f) ||
                   (style == Escape::GoJson && (c == '<' || c == '>' || c == '&'))) {
            out += style == Escape::GoQuote ? "\\x" : "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
}

inline std::string escaped(std::string_view s, Escape style) {
    std::string out;
    append_escaped(out, s, style);
    return out;
}

}  // namespace stash_hook

// Sprig's case and whitespace functions with Go's Unicode rules (sprig functions.go:
// upper, lower, title as strings.ToUpper/ToLower/Title; untitle, swapcase, initials as
// goutils; trim as strings.TrimSpace). Case maps are Unicode's simple mappings, from
// utf8proc; invalid UTF-8 reads as U+FFFD, as Go's range over a string does.

#include <utf8proc.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "template/functions.hpp"
#include "util/utf8.hpp"

namespace stash_hook::tmpl {

namespace {

constexpr int32_t kReplacement = 0xFFFD;

/// The rune at s[i] and its length in bytes (U+FFFD and 1 for an invalid byte).
int32_t decode(std::string_view s, size_t i, size_t& len) {
    len = utf8_sequence_length(s, i);
    if (len == 0) {
        len = 1;
        return kReplacement;
    }
    int32_t cp = 0;
    utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                     static_cast<utf8proc_ssize_t>(len), &cp);
    return cp;
}

/// The string's runes, as Go's []rune(s) has them.
std::vector<int32_t> runes(std::string_view s) {
    std::vector<int32_t> out;
    size_t len = 0;
    for (size_t i = 0; i < s.size(); i += len) out.push_back(decode(s, i, len));
    return out;
}

void append_rune(std::string& out, int32_t cp) {
    utf8proc_uint8_t buf[4];
    const auto len = utf8proc_encode_char(cp, buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(len));
}

std::string from_runes(const std::vector<int32_t>& rs) {
    std::string out;
    for (int32_t cp : rs) append_rune(out, cp);
    return out;
}

utf8proc_category_t category(int32_t cp) { return utf8proc_category(cp); }
bool is_upper(int32_t cp) { return category(cp) == UTF8PROC_CATEGORY_LU; }
bool is_lower(int32_t cp) { return category(cp) == UTF8PROC_CATEGORY_LL; }
bool is_title(int32_t cp) { return category(cp) == UTF8PROC_CATEGORY_LT; }
bool is_letter(int32_t cp) {
    const auto c = category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}
bool is_digit(int32_t cp) { return category(cp) == UTF8PROC_CATEGORY_ND; }

/// Go's unicode.IsSpace: Unicode's White_Space.
bool is_space(int32_t cp) {
    switch (cp) {
        case '\t':
        case '\n':
        case '\v':
        case '\f':
        case '\r':
        case ' ':
        case 0x85:
        case 0xA0:
        case 0x1680:
        case 0x2028:
        case 0x2029:
        case 0x202F:
        case 0x205F:
        case 0x3000:
            return true;
        default:
            return cp >= 0x2000 && cp <= 0x200A;
    }
}

/// unicode.ToUpper and ToTitle: utf8proc maps ß to ẞ, which Go's tables do not.
int32_t go_upper(int32_t cp) { return cp == 0xDF ? cp : utf8proc_toupper(cp); }
int32_t go_title(int32_t cp) { return cp == 0xDF ? cp : utf8proc_totitle(cp); }

/// strings.Map with `f`: valid runes mapped, invalid bytes become U+FFFD.
std::string map_runes(std::string_view s, int32_t (*f)(int32_t)) {
    std::string out;
    for (int32_t cp : runes(s)) append_rune(out, f(cp));
    return out;
}

Value fn_upper(Call& c) { return map_runes(c.str(0), go_upper); }
Value fn_lower(Call& c) { return map_runes(c.str(0), utf8proc_tolower); }

/// strings.Title's word boundary.
bool is_separator(int32_t cp) {
    if (cp <= 0x7F)
        return !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
                 cp == '_');
    if (is_letter(cp) || is_digit(cp)) return false;
    return is_space(cp);
}

Value fn_title(Call& c) {
    auto rs = runes(c.str(0));
    int32_t prev = ' ';
    for (int32_t& cp : rs) {
        const int32_t original = cp;
        if (is_separator(prev)) cp = go_title(cp);
        prev = original;
    }
    return from_runes(rs);
}

/// goutils.Uncapitalize: the first rune of each space-separated word lower.
Value fn_untitle(Call& c) {
    auto rs = runes(c.str(0));
    bool next = true;
    for (int32_t& cp : rs) {
        if (is_space(cp)) {
            next = true;
        } else if (next) {
            cp = utf8proc_tolower(cp);
            next = false;
        }
    }
    return from_runes(rs);
}

/// goutils.SwapCase: upper and title to lower; lower to upper (title case at a word start).
Value fn_swapcase(Call& c) {
    auto rs = runes(c.str(0));
    bool whitespace = true;
    for (int32_t& cp : rs) {
        if (is_upper(cp) || is_title(cp)) {
            cp = utf8proc_tolower(cp);
            whitespace = false;
        } else if (is_lower(cp)) {
            cp = whitespace ? go_title(cp) : go_upper(cp);
            whitespace = false;
        } else {
            whitespace = is_space(cp);
        }
    }
    return from_runes(rs);
}

/// goutils.Initials: byte by byte (each byte a rune of its own, as goutils reads it).
Value fn_initials(Call& c) {
    std::string out;
    bool gap = true;
    for (unsigned char ch : c.str(0)) {
        if (is_space(ch)) {
            gap = true;
        } else if (gap) {
            append_rune(out, ch);
            gap = false;
        }
    }
    return out;
}

/// strings.TrimSpace (bytes inside kept as they are).
Value fn_trim(Call& c) {
    const std::string& s = c.str(0);
    std::vector<size_t> starts;
    std::vector<int32_t> rs;
    size_t len = 0;
    for (size_t i = 0; i < s.size(); i += len) {
        starts.push_back(i);
        rs.push_back(decode(s, i, len));
    }
    starts.push_back(s.size());
    size_t b = 0, e = rs.size();
    while (b < e && is_space(rs[b])) ++b;
    while (e > b && is_space(rs[e - 1])) --e;
    return s.substr(starts[b], starts[e] - starts[b]);
}

bool is_connector(int32_t cp) { return cp == '-' || cp == '_' || is_space(cp); }

/// xstrings.ToCamelCase: connectors (-, _, spaces) dropped, the rune after one upper,
/// the first non-connector upper, the rest lower; leading connectors stay.
Value fn_camelcase(Call& c) {
    const auto rs = runes(c.str(0));
    if (rs.empty()) return std::string();
    std::string out;
    size_t i = 0;
    int32_t r0 = 0;
    while (i < rs.size()) {
        r0 = rs[i++];
        if (!is_connector(r0)) {
            r0 = go_upper(r0);
            break;
        }
        append_rune(out, r0);
    }
    if (i == rs.size()) {
        append_rune(out, r0);
        return out;
    }
    while (i < rs.size()) {
        const int32_t r1 = r0;
        r0 = rs[i++];
        if (is_connector(r0) && is_connector(r1)) {
            append_rune(out, r1);
            continue;
        }
        if (is_connector(r1)) {
            r0 = go_upper(r0);
        } else {
            r0 = utf8proc_tolower(r0);
            append_rune(out, r1);
        }
    }
    append_rune(out, r0);
    return out;
}

/// xstrings.Shuffle: the runes in a random order.
Value fn_shuffle(Call& c) {
    auto rs = runes(c.str(0));
    static thread_local std::mt19937_64 random{std::random_device{}()};
    std::shuffle(rs.begin(), rs.end(), random);
    return c.str(0).empty() ? std::string() : from_runes(rs);
}

constexpr Function kFunctions[] = {
    {"camelcase", 1, 1, fn_camelcase}, {"shuffle", 1, 1, fn_shuffle},
    {"upper", 1, 1, fn_upper},         {"lower", 1, 1, fn_lower},
    {"title", 1, 1, fn_title},         {"untitle", 1, 1, fn_untitle},
    {"swapcase", 1, 1, fn_swapcase},   {"initials", 1, 1, fn_initials},
    {"trim", 1, 1, fn_trim},
};

}  // namespace

std::span<const Function> case_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

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
#include <tuple>
#include <utility>
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

// xstrings' snake_case and kebab-case: the string cut into words (runs of upper case,
// letters, digits, connectors, punctuation), each lowered, joined by the connector.
enum class WordType { Invalid, Number, Upper, Alphabet, Connector, Punct, Other };

struct Word {
    WordType type = WordType::Invalid;
    std::string_view text, rest;
};

bool is_punct(int32_t cp) {
    const auto k = category(cp);
    return k >= UTF8PROC_CATEGORY_PC && k <= UTF8PROC_CATEGORY_PO;
}
bool is_number(int32_t cp) {
    const auto k = category(cp);
    return k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO;
}
/// xstrings' isAlphabet: a letter that is not a CJK ideograph.
bool is_alphabet(int32_t cp) {
    return is_letter(cp) && !(cp >= 0x4E00 && cp <= 0x9FCC) && !(cp >= 0x3400 && cp <= 0x4D85) &&
           !(cp >= 0x20000 && cp <= 0x2B81D);
}

/// xstrings' nextValidRune: the first valid rune and the bytes up to its end, or
/// `prev` and every byte when there is none.
std::pair<int32_t, size_t> next_valid(std::string_view s, int32_t prev) {
    size_t total = 0, len = 0;
    while (total < s.size()) {
        const int32_t cp = decode(s, total, len);
        total += len;
        if (cp != kReplacement) return {cp, total};
    }
    return {prev, total};
}

Word next_word(std::string_view str) {
    Word w;
    if (str.empty()) return w;
    std::string_view rest = str;
    // Plain variables, not a structured binding: the lambda below captures them (clang 14,
    // which builds the fuzzers, refuses to capture a binding).
    int32_t r = 0;
    size_t size = 0;
    std::tie(r, size) = next_valid(rest, kReplacement);
    size_t offset = size;
    if (r == kReplacement) return {WordType::Invalid, str.substr(0, offset), str.substr(offset)};
    // Takes runes while `keep` holds for them.
    auto take = [&](auto keep) {
        while (!rest.empty()) {
            std::tie(r, size) = next_valid(rest, r);
            if (!keep(r)) break;
            offset += size;
            rest.remove_prefix(size);
        }
    };
    auto word_rune = [](int32_t cp) { return is_alphabet(cp) && !is_upper(cp); };
    rest.remove_prefix(size);
    if (is_connector(r)) {
        w.type = WordType::Connector;
        take(is_connector);
    } else if (is_punct(r)) {
        w.type = WordType::Punct;
        take(is_punct);
    } else if (is_upper(r)) {
        w.type = WordType::Upper;
        if (!rest.empty()) {
            std::tie(r, size) = next_valid(rest, r);
            if (is_upper(r)) {
                size_t prev_size = size;
                offset += size;
                rest.remove_prefix(size);
                while (!rest.empty()) {
                    std::tie(r, size) = next_valid(rest, r);
                    if (!is_upper(r)) break;
                    prev_size = size;
                    offset += size;
                    rest.remove_prefix(size);
                }
                if (!rest.empty() && is_alphabet(r)) {
                    offset -= prev_size;
                    rest = str.substr(offset);
                }
            } else if (is_alphabet(r)) {
                offset += size;
                rest.remove_prefix(size);
                take(word_rune);
            }
        }
    } else if (is_alphabet(r)) {
        w.type = WordType::Alphabet;
        take(word_rune);
    } else if (is_number(r)) {
        w.type = WordType::Number;
        take(is_number);
    } else {
        w.type = WordType::Other;
        while (!rest.empty()) {
            std::tie(r, size) = next_valid(rest, r);
            if (size == 0 || is_connector(r) || is_alphabet(r) || is_number(r) || is_punct(r))
                break;
            offset += size;
            rest.remove_prefix(size);
        }
    }
    w.text = str.substr(0, offset);
    w.rest = rest;
    return w;
}

void lower_word(std::string& out, WordType type, std::string_view text, char connector) {
    if (type != WordType::Upper && type != WordType::Connector) {
        out += text;
        return;
    }
    for (int32_t cp : runes(text)) {
        if (is_connector(cp))
            out += connector;
        else
            append_rune(out, is_upper(cp) ? utf8proc_tolower(cp) : cp);
    }
}

/// xstrings' camelCaseToLowerCase.
std::string to_lower_case(std::string_view str, char connector) {
    if (str.empty()) return "";
    std::string out;
    Word w = next_word(str);
    auto joinable = [](WordType t) {
        return t != WordType::Invalid && t != WordType::Punct && t != WordType::Connector;
    };
    while (!w.rest.empty()) {
        if (w.type != WordType::Connector) lower_word(out, w.type, w.text, connector);
        const Word prev = w;
        w = next_word(w.rest);
        switch (prev.type) {
            case WordType::Number:
                while (w.type == WordType::Alphabet || w.type == WordType::Number) {
                    lower_word(out, w.type, w.text, connector);
                    w = next_word(w.rest);
                }
                if (joinable(w.type)) out += connector;
                break;
            case WordType::Connector:
                lower_word(out, prev.type, prev.text, connector);
                break;
            case WordType::Punct:
                break;
            default: {
                if (w.type != WordType::Number) {
                    if (w.type != WordType::Connector && w.type != WordType::Punct)
                        out += connector;
                    break;
                }
                if (w.rest.empty()) break;
                const std::string_view last = w.text;
                w = next_word(w.rest);
                if (w.type != WordType::Alphabet) {
                    lower_word(out, WordType::Number, last, connector);
                    if (w.type != WordType::Connector && w.type != WordType::Punct)
                        out += connector;
                    break;
                }
                out += connector;
                lower_word(out, WordType::Number, last, connector);
                while (w.type == WordType::Alphabet || w.type == WordType::Number) {
                    lower_word(out, w.type, w.text, connector);
                    w = next_word(w.rest);
                }
                if (joinable(w.type)) out += connector;
            }
        }
    }
    lower_word(out, w.type, w.text, connector);
    return out;
}

Value fn_snakecase(Call& c) { return to_lower_case(c.str(0), '_'); }
Value fn_kebabcase(Call& c) { return to_lower_case(c.str(0), '-'); }

/// xstrings.Shuffle: the runes in a random order.
Value fn_shuffle(Call& c) {
    auto rs = runes(c.str(0));
    static thread_local std::mt19937_64 random{std::random_device{}()};
    std::shuffle(rs.begin(), rs.end(), random);
    return c.str(0).empty() ? std::string() : from_runes(rs);
}

constexpr Function kFunctions[] = {
    {"camelcase", 1, 1, fn_camelcase}, {"snakecase", 1, 1, fn_snakecase},
    {"kebabcase", 1, 1, fn_kebabcase}, {"shuffle", 1, 1, fn_shuffle},
    {"upper", 1, 1, fn_upper},         {"lower", 1, 1, fn_lower},
    {"title", 1, 1, fn_title},         {"untitle", 1, 1, fn_untitle},
    {"swapcase", 1, 1, fn_swapcase},   {"initials", 1, 1, fn_initials},
    {"trim", 1, 1, fn_trim},
};

}  // namespace

std::span<const Function> case_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

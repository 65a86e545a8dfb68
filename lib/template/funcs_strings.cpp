// Sprig's string functions (sprig functions.go, strings.go).

#include <algorithm>
#include <cctype>

#include "template/functions.hpp"
#include "util/utf8.hpp"

namespace stash_hook::tmpl {

namespace {

/// quote, squote and cat: the arguments but nil, each spelled by `spell`, joined by spaces.
template <typename Spell>
std::string join_non_nil(const std::vector<Value>& args, Spell spell) {
    std::string s;
    bool first = true;
    for (const auto& v : args) {
        if (v.is_null()) continue;
        if (!first) s += ' ';
        first = false;
        s += spell(v);
    }
    return s;
}

Value fn_quote(Call& c) {
    return join_non_nil(c.args, [](const Value& v) {
        return go_quote(v.is_string() ? v.get<std::string>() : sprint_value(v));
    });
}

Value fn_trunc(Call& c) {  // trunc N S: the first N bytes, or the last -N
    const int64_t n = c.integer(0);
    const std::string& s = c.str(1);
    const auto len = static_cast<int64_t>(s.size());
    if (n < 0 && len + n > 0) return s.substr(static_cast<size_t>(len + n));
    if (n >= 0 && len > n) return s.substr(0, static_cast<size_t>(n));
    return s;
}

Value fn_contains(Call& c) { return c.str(1).find(c.str(0)) != std::string::npos; }
Value fn_has_prefix(Call& c) { return c.str(1).starts_with(c.str(0)); }
Value fn_has_suffix(Call& c) { return c.str(1).ends_with(c.str(0)); }

/// strings.Replace(s, old, new, -1), with Go's rule for an empty old (between runes).
std::string replace_all(const std::string& s, const std::string& from, const std::string& to) {
    std::string out;
    if (from.empty()) {
        out += to;
        for (size_t i = 0; i < s.size();) {
            const size_t len = std::max<size_t>(1, utf8_sequence_length(s, i));
            out += s.substr(i, len);
            out += to;
            i += len;
        }
        return out;
    }
    size_t at = 0;
    for (size_t hit; (hit = s.find(from, at)) != std::string::npos; at = hit + from.size()) {
        out.append(s, at, hit - at);
        out += to;
        if (out.size() > kMaxBytes) break;
    }
    return out + s.substr(at);
}

Value fn_replace(Call& c) { return replace_all(c.str(2), c.str(0), c.str(1)); }

Value fn_repeat(Call& c) {
    const int64_t n = c.integer(0);
    const std::string& s = c.str(1);
    if (n < 0) c.fail("strings: negative Repeat count");
    if (!s.empty() && static_cast<uint64_t>(n) > kMaxBytes / s.size())
        throw Failure{c.pos, kTooBig};
    std::string out;
    for (int64_t i = 0; i < n; ++i) out += s;
    return out;
}

/// strings.Trim / TrimLeft / TrimRight with a cutset of bytes (ASCII cutsets; a
/// multi-byte cutset trims whole characters).
bool in_cutset(std::string_view cutset, std::string_view ch) {
    return cutset.find(ch) != std::string_view::npos;
}

std::string trim_cutset(const std::string& s, std::string_view cutset, bool left, bool right) {
    size_t b = 0, e = s.size();
    while (left && b < e) {
        const size_t len = std::max<size_t>(1, utf8_sequence_length(s, b));
        if (!in_cutset(cutset, std::string_view(s).substr(b, len))) break;
        b += len;
    }
    while (right && e > b) {
        size_t start = e - 1;
        while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
        if (!in_cutset(cutset, std::string_view(s).substr(start, e - start))) break;
        e = start;
    }
    return s.substr(b, e - b);
}

Value fn_trim_all(Call& c) { return trim_cutset(c.str(1), c.str(0), true, true); }
Value fn_trim_prefix(Call& c) {
    const std::string& s = c.str(1);
    return s.starts_with(c.str(0)) ? s.substr(c.str(0).size()) : s;
}
Value fn_trim_suffix(Call& c) {
    const std::string& s = c.str(1);
    return s.ends_with(c.str(0)) ? s.substr(0, s.size() - c.str(0).size()) : s;
}

Value fn_nospace(Call& c) {
    std::string out;
    for (char ch : c.str(0))
        if (!std::isspace(static_cast<unsigned char>(ch))) out += ch;
    return out;
}

Value fn_squote(Call& c) {
    return join_non_nil(c.args, [](const Value& v) { return "'" + strval(v) + "'"; });
}

Value fn_cat(Call& c) { return join_non_nil(c.args, sprint_value); }

std::string indent(int64_t spaces, const std::string& s) {
    if (spaces < 0 || static_cast<uint64_t>(spaces) > kMaxBytes) return s;
    const std::string pad(static_cast<size_t>(spaces), ' ');
    return pad + replace_all(s, "\n", "\n" + pad);
}

Value fn_indent(Call& c) { return indent(c.integer(0), c.str(1)); }
Value fn_nindent(Call& c) { return "\n" + indent(c.integer(0), c.str(1)); }

Value fn_plural(Call& c) { return c.integer(2) == 1 ? c.str(0) : c.str(1); }

Value fn_substr(Call& c) {
    const int64_t start = c.integer(0), end = c.integer(1);
    const std::string& s = c.str(2);
    const auto len = static_cast<int64_t>(s.size());
    int64_t b = start, e = end;
    if (start < 0)
        b = 0;
    else if (end < 0 || end > len)
        e = len;
    if (b < 0 || e < b || e > len)
        c.fail("slice bounds out of range [" + std::to_string(b) + ":" + std::to_string(e) + "]");
    return s.substr(static_cast<size_t>(b), static_cast<size_t>(e - b));
}

Value fn_join(Call& c) {
    std::string out;
    const auto parts = strslice(c.args[1]);
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i) out += c.str(0);
        out += parts[i];
        if (out.size() > kMaxBytes) throw Failure{c.pos, kTooBig};
    }
    return out;
}

std::vector<std::string> split_all(const std::string& s, const std::string& sep, int64_t n) {
    std::vector<std::string> out;
    if (n == 0) return out;
    if (sep.empty()) {
        for (size_t i = 0; i < s.size();) {
            const size_t len = std::max<size_t>(1, utf8_sequence_length(s, i));
            if (n > 0 && static_cast<int64_t>(out.size()) == n - 1) {
                out.push_back(s.substr(i));
                return out;
            }
            out.push_back(s.substr(i, len));
            i += len;
        }
        return out;
    }
    size_t at = 0;
    for (size_t hit; (n < 0 || static_cast<int64_t>(out.size()) < n - 1) &&
                     (hit = s.find(sep, at)) != std::string::npos;
         at = hit + sep.size())
        out.push_back(s.substr(at, hit - at));
    out.push_back(s.substr(at));
    return out;
}

Value parts_map(const std::vector<std::string>& parts) {
    Value m = Value::object();
    for (size_t i = 0; i < parts.size(); ++i) m["_" + std::to_string(i)] = parts[i];
    return m;
}

Value fn_split(Call& c) { return parts_map(split_all(c.str(1), c.str(0), -1)); }
Value fn_splitn(Call& c) { return parts_map(split_all(c.str(2), c.str(0), c.integer(1))); }
Value fn_split_list(Call& c) {
    Value list = Value::array();
    for (auto& p : split_all(c.str(1), c.str(0), -1)) list.push_back(std::move(p));
    return list;
}

Value fn_to_string(Call& c) { return strval(c.args[0]); }
Value fn_to_strings(Call& c) {
    Value list = Value::array();
    for (auto& p : strslice(c.args[0])) list.push_back(std::move(p));
    return list;
}

/// goutils.AbbreviateFull: at most `width` bytes, "..." marking what is cut, the
/// window starting near byte `offset`. Widths Sprig refuses leave the string as is.
std::string abbreviate(const std::string& s, int64_t offset, int64_t width) {
    const auto len = static_cast<int64_t>(s.size());
    if (s.empty() || width < 4 || len <= width) return s;
    offset = std::min(offset, len);
    if (len - offset < width - 3) offset = len - (width - 3);
    if (offset <= 4) return s.substr(0, static_cast<size_t>(width - 3)) + "...";
    if (width < 7) return "";
    if (offset + width - 3 < len)
        return "..." + abbreviate(s.substr(static_cast<size_t>(offset)), 0, width - 3);
    return "..." + s.substr(static_cast<size_t>(len - (width - 3)));
}

Value fn_abbrev(Call& c) { return abbreviate(c.str(1), 0, c.integer(0)); }
Value fn_abbrevboth(Call& c) {
    const int64_t left = c.integer(0), right = c.integer(1);
    if (right < 4 || (left > 0 && right < 7)) return c.str(2);
    return abbreviate(c.str(2), left, right);
}

/// goutils.WrapCustom: lines of at most `width` bytes broken at spaces; long words
/// cut (long_words) or left whole.
std::string wrap(const Call& c, const std::string& s, int64_t width, std::string sep,
                 bool long_words) {
    if (s.empty()) return "";
    if (sep.empty()) sep = "\n";
    const size_t w = static_cast<size_t>(std::max<int64_t>(width, 1));
    std::string out;
    size_t offset = 0;
    while (s.size() - offset > w) {
        if (out.size() > kMaxBytes) throw Failure{c.pos, kTooBig};
        if (s[offset] == ' ') {
            ++offset;
            continue;
        }
        const size_t space = std::string_view(s).substr(offset, w + 1).rfind(' ');
        if (space != std::string::npos) {
            out += s.substr(offset, space) + sep;
            offset += space + 1;
        } else if (long_words) {
            out += s.substr(offset, w) + sep;
            offset += w;
        } else {
            const size_t next = s.find(' ', offset + w);
            if (next == std::string::npos) {
                out += s.substr(offset);
                offset = s.size();
            } else {
                out += s.substr(offset, next - offset) + sep;
                offset = next + 1;
            }
        }
    }
    out += s.substr(offset);
    if (out.size() > kMaxBytes) throw Failure{c.pos, kTooBig};
    return out;
}

Value fn_wrap(Call& c) { return wrap(c, c.str(1), c.integer(0), "", false); }
Value fn_wrap_with(Call& c) { return wrap(c, c.str(2), c.integer(0), c.str(1), true); }

Value fn_hello(Call&) { return "Hello!"; }

constexpr Function kFunctions[] = {
    {"hello", 0, 0, fn_hello},
    {"abbrev", 2, 2, fn_abbrev},
    {"abbrevboth", 3, 3, fn_abbrevboth},
    {"wrap", 2, 2, fn_wrap},
    {"wrapWith", 3, 3, fn_wrap_with},
    {"quote", 0, kVariadic, fn_quote},
    {"trunc", 2, 2, fn_trunc},
    {"contains", 2, 2, fn_contains},
    {"hasPrefix", 2, 2, fn_has_prefix},
    {"hasSuffix", 2, 2, fn_has_suffix},
    {"replace", 3, 3, fn_replace},
    {"repeat", 2, 2, fn_repeat},
    {"trimAll", 2, 2, fn_trim_all},
    {"trimall", 2, 2, fn_trim_all},
    {"trimPrefix", 2, 2, fn_trim_prefix},
    {"trimSuffix", 2, 2, fn_trim_suffix},
    {"nospace", 1, 1, fn_nospace},
    {"squote", 0, kVariadic, fn_squote},
    {"cat", 0, kVariadic, fn_cat},
    {"indent", 2, 2, fn_indent},
    {"nindent", 2, 2, fn_nindent},
    {"plural", 3, 3, fn_plural},
    {"substr", 3, 3, fn_substr},
    {"join", 2, 2, fn_join},
    {"split", 2, 2, fn_split},
    {"splitn", 3, 3, fn_splitn},
    {"splitList", 2, 2, fn_split_list},
    {"toString", 1, 1, fn_to_string},
    {"toStrings", 1, 1, fn_to_strings},
};

}  // namespace

std::span<const Function> string_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

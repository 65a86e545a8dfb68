// Sprig's regular expressions (sprig regex.go) over RE2, the engine Go's regexp is a
// port of: same syntax, leftmost-first matching, linear time on any input. Finding all
// matches, replacing ($1, ${name}) and splitting follow Go's regexp package, which
// RE2's own helpers do not (empty matches, expansion syntax).

#include <re2/re2.h>

#include <cctype>
#include <memory>

#include "template/functions.hpp"
#include "util/utf8.hpp"

namespace stash_hook::tmpl {

namespace {

std::unique_ptr<RE2> make_regex(const std::string& pattern) {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(8 << 20);
    return std::make_unique<RE2>(pattern, options);
}

/// Compiles `pattern` as Go's regexp.Compile does, or fails the call with Go's message.
std::unique_ptr<RE2> compile(const Call& c, const std::string& pattern) {
    auto re = make_regex(pattern);
    if (!re->ok())
        c.fail("regexp: Compile(" + go_quote(pattern) + "): error parsing regexp: " + re->error());
    return re;
}

/// Go's regexp allMatches: every match's group offsets, at most `n` (n < 0: all), with
/// an empty match right after a previous match skipped.
std::vector<std::vector<re2::StringPiece>> all_matches(const Call& c, const RE2& re,
                                                       std::string_view s, int64_t n, int groups) {
    std::vector<std::vector<re2::StringPiece>> out;
    const re2::StringPiece text(s.data(), s.size());
    std::vector<re2::StringPiece> m(static_cast<size_t>(groups));
    ptrdiff_t prev_end = -1;
    for (size_t pos = 0; (n < 0 || static_cast<int64_t>(out.size()) < n) && pos <= s.size();) {
        if (!re.Match(text, pos, s.size(), RE2::UNANCHORED, m.data(), groups)) break;
        const auto begin = m[0].data() - s.data();
        const auto end = begin + static_cast<ptrdiff_t>(m[0].size());
        bool accept = true;
        if (static_cast<size_t>(end) == pos) {
            if (begin == prev_end) accept = false;
            pos += pos < s.size() ? std::max<size_t>(1, utf8_sequence_length(s, pos)) : 1;
        } else {
            pos = static_cast<size_t>(end);
        }
        prev_end = end;
        if (accept) out.push_back(m);
        if (out.size() > kMaxBytes / 8) throw Failure{c.pos, kTooBig};
    }
    return out;
}

/// Go's Regexp.Expand: $1, ${1}, $name, ${name}; $$ is a dollar; a malformed $ stays.
void expand(std::string& out, std::string_view repl, const RE2& re,
            const std::vector<re2::StringPiece>& m) {
    auto is_name = [](unsigned char ch) { return std::isalnum(ch) || ch == '_' || ch >= 0x80; };
    while (!repl.empty()) {
        const size_t dollar = repl.find('$');
        out += repl.substr(0, dollar);
        if (dollar == std::string_view::npos) return;
        repl.remove_prefix(dollar + 1);
        if (!repl.empty() && repl[0] == '$') {
            out += '$';
            repl.remove_prefix(1);
            continue;
        }
        const bool brace = !repl.empty() && repl[0] == '{';
        size_t i = brace ? 1 : 0;
        while (i < repl.size() && is_name(static_cast<unsigned char>(repl[i]))) ++i;
        const size_t name_begin = brace ? 1 : 0;
        if (i == name_begin || (brace && (i >= repl.size() || repl[i] != '}'))) {
            out += '$';
            continue;
        }
        const std::string name(repl.substr(name_begin, i - name_begin));
        repl.remove_prefix(brace ? i + 1 : i);
        int num = 0;
        for (char ch : name) {
            if (ch < '0' || ch > '9' || num >= 100000000) {
                num = -1;
                break;
            }
            num = num * 10 + (ch - '0');
        }
        if (name[0] == '0' && name.size() > 1) num = -1;
        if (num < 0) {
            const auto& names = re.NamedCapturingGroups();
            auto it = names.find(name);
            num = it == names.end() ? -1 : it->second;
        }
        if (num >= 0 && static_cast<size_t>(num) < m.size() && m[static_cast<size_t>(num)].data())
            out.append(m[static_cast<size_t>(num)].data(), m[static_cast<size_t>(num)].size());
    }
}

/// Go's Regexp.ReplaceAllString (literal: ReplaceAllLiteralString).
std::string replace_all(const Call& c, const RE2& re, std::string_view s, std::string_view repl,
                        bool literal) {
    const int groups = literal ? 1 : re.NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> m(static_cast<size_t>(groups));
    const re2::StringPiece text(s.data(), s.size());
    std::string out;
    size_t last_end = 0, search = 0;
    while (search <= s.size()) {
        if (!re.Match(text, search, s.size(), RE2::UNANCHORED, m.data(), groups)) break;
        const auto begin = static_cast<size_t>(m[0].data() - s.data());
        const size_t end = begin + m[0].size();
        out += s.substr(last_end, begin - last_end);
        if (end > last_end || begin == 0) {
            if (literal)
                out += repl;
            else
                expand(out, repl, re, m);
        }
        if (out.size() > kMaxBytes) throw Failure{c.pos, kTooBig};
        last_end = end;
        const size_t width =
            search < s.size() ? std::max<size_t>(1, utf8_sequence_length(s, search)) : 0;
        if (search + width > end)
            search += width;
        else if (search + 1 > end)
            ++search;
        else
            search = end;
    }
    out += s.substr(last_end);
    if (out.size() > kMaxBytes) throw Failure{c.pos, kTooBig};
    return out;
}

Value strings_value(std::vector<std::string> parts) {
    Value list = Value::array();
    for (auto& p : parts) list.push_back(std::move(p));
    return list;
}

Value match(Call& c, bool must) {
    const auto re = must ? compile(c, c.str(0)) : make_regex(c.str(0));
    return re->ok() && RE2::PartialMatch(c.str(1), *re);
}
Value fn_regex_match(Call& c) { return match(c, false); }
Value fn_must_regex_match(Call& c) { return match(c, true); }

Value fn_regex_find_all(Call& c) {
    const auto re = compile(c, c.str(0));
    const std::string& s = c.str(1);
    std::vector<std::string> parts;
    for (const auto& m : all_matches(c, *re, s, c.integer(2), 1)) parts.emplace_back(m[0]);
    return strings_value(std::move(parts));
}

Value fn_regex_find(Call& c) {
    const auto re = compile(c, c.str(0));
    re2::StringPiece m;
    if (!re->Match(c.str(1), 0, c.str(1).size(), RE2::UNANCHORED, &m, 1)) return std::string();
    return std::string(m);
}

Value fn_regex_replace_all(Call& c) {
    const auto re = compile(c, c.str(0));
    return replace_all(c, *re, c.str(1), c.str(2), false);
}

Value fn_regex_replace_all_literal(Call& c) {
    const auto re = compile(c, c.str(0));
    return replace_all(c, *re, c.str(1), c.str(2), true);
}

/// Go's Regexp.Split.
Value fn_regex_split(Call& c) {
    const std::string& pattern = c.str(0);
    const auto re = compile(c, pattern);
    const std::string& s = c.str(1);
    const int64_t n = c.integer(2);
    std::vector<std::string> parts;
    if (n == 0) return strings_value({});
    if (!pattern.empty() && s.empty()) return strings_value({""});
    size_t begin = 0, end = 0;
    for (const auto& m : all_matches(c, *re, s, n, 1)) {
        if (n > 0 && static_cast<int64_t>(parts.size()) == n - 1) break;
        end = static_cast<size_t>(m[0].data() - s.data());
        const size_t match_end = end + m[0].size();
        if (match_end != 0) parts.push_back(s.substr(begin, end - begin));
        begin = match_end;
    }
    if (end != s.size()) parts.push_back(s.substr(begin));
    return strings_value(std::move(parts));
}

Value fn_regex_quote_meta(Call& c) {
    std::string out;
    for (char ch : c.str(0)) {
        if (std::string_view(R"(\.+*?()|[]{}^$)").find(ch) != std::string_view::npos) out += '\\';
        out += ch;
    }
    return out;
}

constexpr Function kFunctions[] = {
    {"regexMatch", 2, 2, fn_regex_match},
    {"mustRegexMatch", 2, 2, fn_must_regex_match},
    {"regexFindAll", 3, 3, fn_regex_find_all},
    {"mustRegexFindAll", 3, 3, fn_regex_find_all},
    {"regexFind", 2, 2, fn_regex_find},
    {"mustRegexFind", 2, 2, fn_regex_find},
    {"regexReplaceAll", 3, 3, fn_regex_replace_all},
    {"mustRegexReplaceAll", 3, 3, fn_regex_replace_all},
    {"regexReplaceAllLiteral", 3, 3, fn_regex_replace_all_literal},
    {"mustRegexReplaceAllLiteral", 3, 3, fn_regex_replace_all_literal},
    {"regexSplit", 3, 3, fn_regex_split},
    {"mustRegexSplit", 3, 3, fn_regex_split},
    {"regexQuoteMeta", 1, 1, fn_regex_quote_meta},
};

}  // namespace

std::span<const Function> regex_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

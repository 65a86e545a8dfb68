// Sprig's semver and semverCompare (semver.go) over Masterminds/semver v3 as Debian's
// Sprig uses it: NewVersion (the loose form: "v1.2", "1"), Compare with prerelease
// precedence, and NewConstraint's language (= != > < >= <= ~ ~> ^, x X * wildcards,
// "a - b" ranges, "," or space for and, || for or). Its regular expressions are
// semver's own, over RE2 (the engine Go's regexp is a port of).
#include <re2/re2.h>

#include <charconv>
#include <optional>

#include "template/ast.hpp"
#include "template/functions.hpp"
#include "template/go_time.hpp"

namespace stash_hook::tmpl {

namespace {

struct Version {
    uint64_t major = 0, minor = 0, patch = 0;
    std::string pre, metadata;
    std::string str() const {  // Version.String()
        std::string s =
            std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
        if (!pre.empty()) s += "-" + pre;
        if (!metadata.empty()) s += "+" + metadata;
        return s;
    }
};

const std::string kCv = R"(v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?)"
                        R"((-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)"
                        R"((\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)";
const std::string kOps = R"(=||!=|>|<|>=|=>|<=|=<|~|~>|\^)";

const RE2& regex(const std::string& pattern) {
    static thread_local std::map<std::string, std::unique_ptr<RE2>> cache;
    auto& re = cache[pattern];
    if (!re) {
        RE2::Options options;
        options.set_log_errors(false);
        re = std::make_unique<RE2>(pattern, options);
    }
    return *re;
}

/// Go's FindStringSubmatch: the groups of the leftmost match ("" for a group that did
/// not take part), or nullopt.
std::optional<std::vector<std::string>> submatch(const RE2& re, std::string_view s,
                                                 size_t from = 0) {
    const int n = re.NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> m(static_cast<size_t>(n));
    if (!re.Match(re2::StringPiece(s.data(), s.size()), from, s.size(), RE2::UNANCHORED, m.data(),
                  n))
        return std::nullopt;
    std::vector<std::string> out;
    for (const auto& g : m)
        out.emplace_back(g.data() ? std::string(g.data(), g.size()) : std::string());
    return out;
}

bool only(std::string_view s, std::string_view set) {
    return s.find_first_not_of(set) == std::string_view::npos;
}

constexpr std::string_view kNum = "0123456789";
constexpr std::string_view kAllowed =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789";

std::vector<std::string_view> split_dots(std::string_view s) {
    std::vector<std::string_view> parts;
    for (size_t start = 0;;) {
        const size_t dot = s.find('.', start);
        parts.push_back(s.substr(start, dot - start));
        if (dot == std::string_view::npos) return parts;
        start = dot + 1;
    }
}

std::optional<uint64_t> parse_uint(std::string_view s) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

/// semver.NewVersion, or its error.
expected<Version, std::string> new_version(std::string_view text) {
    static const std::string kVersion = R"(^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?)"
                                        R"((-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)"
                                        R"((\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$)";
    auto m = submatch(regex(kVersion), text);
    if (!m) return unexpected(std::string("Invalid Semantic Version"));
    Version v;
    v.pre = (*m)[5];
    v.metadata = (*m)[8];
    auto segment = [](const std::string& g) {
        return parse_uint(g.empty() || g[0] != '.' ? g : g.substr(1));
    };
    auto major = segment((*m)[1]);
    auto minor = (*m)[2].empty() ? std::optional<uint64_t>(0) : segment((*m)[2]);
    auto patch = (*m)[3].empty() ? std::optional<uint64_t>(0) : segment((*m)[3]);
    if (!major || !minor || !patch)
        return unexpected(std::string("Error parsing version segment: value out of range"));
    v.major = *major;
    v.minor = *minor;
    v.patch = *patch;
    if (!v.pre.empty())
        for (std::string_view p : split_dots(v.pre)) {
            if (only(p, kNum)) {
                if (p.size() > 1 && p[0] == '0')
                    return unexpected(std::string("Version segment starts with 0"));
            } else if (!only(p, kAllowed)) {
                return unexpected(std::string("Invalid Prerelease string"));
            }
        }
    if (!v.metadata.empty())
        for (std::string_view p : split_dots(v.metadata))
            if (!only(p, kAllowed)) return unexpected(std::string("Invalid Metadata string"));
    return v;
}

int compare_segment(uint64_t a, uint64_t b) { return a < b ? -1 : a > b ? 1 : 0; }

int compare_pre_part(std::string_view s, std::string_view o) {
    if (s == o) return 0;
    if (s.empty()) return -1;
    if (o.empty()) return 1;
    const auto oi = parse_uint(o), si = parse_uint(s);
    if (!oi && !si) return s > o ? 1 : -1;
    if (!oi) return -1;
    if (!si) return 1;
    return *si > *oi ? 1 : -1;
}

int compare_prerelease(std::string_view a, std::string_view b) {
    const auto sp = split_dots(a), op = split_dots(b);
    for (size_t i = 0; i < std::max(sp.size(), op.size()); ++i)
        if (int d = compare_pre_part(i < sp.size() ? sp[i] : "", i < op.size() ? op[i] : ""))
            return d;
    return 0;
}

int compare(const Version& v, const Version& o) {
    if (int d = compare_segment(v.major, o.major)) return d;
    if (int d = compare_segment(v.minor, o.minor)) return d;
    if (int d = compare_segment(v.patch, o.patch)) return d;
    if (v.pre.empty() && o.pre.empty()) return 0;
    if (v.pre.empty()) return 1;
    if (o.pre.empty()) return -1;
    return compare_prerelease(v.pre, o.pre);
}

struct Constraint {
    Version con;
    std::string op;
    bool minor_dirty = false, dirty = false, patch_dirty = false;
};

bool is_x(std::string_view s) { return s == "x" || s == "*" || s == "X"; }

expected<Constraint, std::string> parse_constraint(std::string_view text) {
    Constraint c;
    if (text.empty()) {
        c.dirty = true;
        return c;
    }
    static const std::string kOne = R"(^\s*()" + kOps + R"()\s*()" + kCv + R"()\s*$)";
    auto m = submatch(regex(kOne), text);
    if (!m) return unexpected("improper constraint: " + std::string(text));
    c.op = (*m)[1];
    std::string ver = (*m)[2];
    const std::string &major = (*m)[3], &minor = (*m)[4], &patch = (*m)[5], &pre = (*m)[6];
    auto trim_dot = [](const std::string& g) {
        return std::string_view(g).substr(g.empty() ? 0 : 1);
    };
    if (is_x(major) || major.empty()) {
        ver = "0.0.0" + pre;
        c.dirty = true;
    } else if (is_x(trim_dot(minor)) || minor.empty()) {
        c.minor_dirty = c.dirty = true;
        ver = major + ".0.0" + pre;
    } else if (is_x(trim_dot(patch)) || patch.empty()) {
        c.dirty = c.patch_dirty = true;
        ver = major + minor + ".0" + pre;
    }
    auto v = new_version(ver);
    if (!v) return unexpected(std::string("constraint Parser Error"));
    c.con = *v;
    return c;
}

bool tilde(const Version& v, const Constraint& c) {
    if (!v.pre.empty() && c.con.pre.empty()) return false;
    if (compare(v, c.con) < 0) return false;
    if (c.con.major == 0 && c.con.minor == 0 && c.con.patch == 0 && !c.minor_dirty &&
        !c.patch_dirty)
        return true;
    if (v.major != c.con.major) return false;
    return v.minor == c.con.minor || c.minor_dirty;
}

/// constraint.check: semver's constraintOps.
bool check(const Version& v, const Constraint& c) {
    const std::string& op = c.op;
    const bool release_only = !v.pre.empty() && c.con.pre.empty();
    if (op == "!=") {
        if (c.dirty) {
            if (release_only) return false;
            if (c.con.major != v.major) return true;
            if (c.con.minor != v.minor && !c.minor_dirty) return true;
            if (c.minor_dirty) return false;
            if (c.con.patch != v.patch && !c.patch_dirty) return true;
            if (c.patch_dirty) {
                if (!v.pre.empty() || !c.con.pre.empty())
                    return compare_prerelease(v.pre, c.con.pre) != 0;
                return false;
            }
        }
        return compare(v, c.con) != 0;
    }
    if (release_only) return false;
    if (op.empty() || op == "=") return c.dirty ? tilde(v, c) : compare(v, c.con) == 0;
    if (op == ">") {
        if (!c.dirty) return compare(v, c.con) == 1;
        if (v.major != c.con.major) return v.major > c.con.major;
        if (c.minor_dirty) return false;
        if (c.patch_dirty) return v.minor > c.con.minor;
        return compare(v, c.con) == 1;
    }
    if (op == "<") return compare(v, c.con) < 0;
    if (op == ">=" || op == "=>") return compare(v, c.con) >= 0;
    if (op == "<=" || op == "=<") {
        if (!c.dirty) return compare(v, c.con) <= 0;
        if (v.major > c.con.major) return false;
        return !(v.major == c.con.major && v.minor > c.con.minor && !c.minor_dirty);
    }
    if (op == "~" || op == "~>") return tilde(v, c);
    // ^
    if (compare(v, c.con) < 0) return false;
    if (c.con.major > 0 || c.minor_dirty) return v.major == c.con.major;
    if (v.major > 0) return false;
    if (c.con.minor > 0 || c.patch_dirty) return v.minor == c.con.minor;
    if (v.minor > 0) return false;
    return c.con.patch == v.patch;
}

/// Every non-overlapping match of `re` in `s` (none of these regexes matches empty).
std::vector<std::vector<std::string>> find_all(const RE2& re, std::string_view s) {
    std::vector<std::vector<std::string>> out;
    const int n = re.NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> m(static_cast<size_t>(n));
    for (size_t pos = 0; pos <= s.size();) {
        if (!re.Match(re2::StringPiece(s.data(), s.size()), pos, s.size(), RE2::UNANCHORED,
                      m.data(), n))
            break;
        std::vector<std::string> groups;
        for (const auto& g : m)
            groups.emplace_back(g.data() ? std::string(g.data(), g.size()) : std::string());
        out.push_back(groups);
        const size_t end = static_cast<size_t>(m[0].data() - s.data()) + m[0].size();
        pos = m[0].empty() ? end + 1 : end;
    }
    return out;
}

/// semver.NewConstraint: the alternatives (||) of constraints that must all hold.
expected<std::vector<std::vector<Constraint>>, std::string> new_constraints(std::string text) {
    static const std::string kRange = R"(\s*()" + kCv + R"()\s+-\s+()" + kCv + R"()\s*)";
    for (const auto& m : find_all(regex(kRange), text)) {  // rewriteRange
        const size_t at = text.find(m[0]);
        if (at != std::string::npos) text.replace(at, m[0].size(), ">= " + m[1] + ", <= " + m[11]);
    }
    static const std::string kValid = R"(^(\s*()" + kOps + R"()\s*()" + kCv +
                                      R"()\s*)((?:\s+|,\s*)()" + kOps + R"()\s*()" + kCv +
                                      R"()\s*)*$)";
    static const std::string kFind = "(" + kOps + R"()\s*()" + kCv + ")";
    std::vector<std::vector<Constraint>> ors;
    for (size_t start = 0;;) {
        const size_t bar = text.find("||", start);
        const std::string part =
            text.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
        if (!RE2::PartialMatch(part, regex(kValid)))
            return unexpected("improper constraint: " + part);
        std::vector<Constraint> ands;
        auto found = find_all(regex(kFind), part);
        if (found.empty()) found.push_back({part});
        for (const auto& f : found) {
            auto c = parse_constraint(f[0]);
            if (!c) return unexpected(c.error());
            ands.push_back(*c);
        }
        ors.push_back(std::move(ands));
        if (bar == std::string::npos) break;
        start = bar + 2;
    }
    return ors;
}

Value fn_semver(Call& c) {
    auto v = new_version(c.str(0));
    if (!v) c.fail(v.error());
    return make_stringer("*semver.Version", v->str());
}

Value fn_semver_compare(Call& c) {
    const std::string& text = c.str(0);
    if (text.size() > 4096) c.fail("improper constraint: longer than 4096 bytes");
    auto constraints = new_constraints(text);
    if (!constraints) c.fail(constraints.error());
    auto v = new_version(c.str(1));
    if (!v) c.fail(v.error());
    for (const auto& ands : *constraints) {
        bool all = true;
        for (const auto& one : ands) all = all && check(*v, one);
        if (all) return true;
    }
    return false;
}

constexpr Function kFunctions[] = {
    {"semver", 1, 1, fn_semver},
    {"semverCompare", 2, 2, fn_semver_compare},
};

}  // namespace

std::span<const Function> semver_functions() { return kFunctions; }

std::optional<Value> method_of(const Value& v, std::string_view name) {
    if (is_time(v)) return time_method(time_of(v), name);
    if (!is_stringer(v)) return std::nullopt;
    if (stringer_type(v) == "time.Month" || stringer_type(v) == "time.Weekday")
        return name == "String" ? std::optional<Value>(stringer_text(v)) : std::nullopt;
    if (stringer_type(v) != "*semver.Version") return std::nullopt;
    auto version = new_version(stringer_text(v));
    if (!version) return std::nullopt;
    if (name == "Major") return Value(version->major);
    if (name == "Minor") return Value(version->minor);
    if (name == "Patch") return Value(version->patch);
    if (name == "Prerelease") return Value(version->pre);
    if (name == "Metadata") return Value(version->metadata);
    if (name == "String") return Value(version->str());
    return std::nullopt;
}

}  // namespace stash_hook::tmpl

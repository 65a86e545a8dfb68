// Sprig's date functions (date.go, and now from functions.go): now, date, dateInZone,
// htmlDate, htmlDateInZone, toDate, mustToDate, dateModify, mustDateModify, duration,
// durationRound, unixEpoch, ago. Times are go_time.hpp's values.

#include <cstdlib>

#include "template/ast.hpp"
#include "template/functions.hpp"
#include "template/go_time.hpp"

namespace stash_hook::tmpl {

namespace {

/// An argument Go declares time.Time: anything else fails before the call, as Go's does.
GoTime time_arg(const Call& c, size_t i) {
    if (!is_time(c.args.at(i)))
        c.fail("wrong type for value; expected time.Time; got " + type_name(c.args[i]));
    return time_of(c.args[i]);
}

/// Seconds since 1970 as a time (time.Unix(s, 0)) in Local.
GoTime unix_time(int64_t s) {
    GoTime t;
    t.sec = s;
    t.zone = "Local";
    return t;
}

/// Seconds past which a time is refused (about 146 billion years): Go's arithmetic
/// wraps around near the int64 limit; ours stops with an error (docs/TEMPLATE_DIFFERENCES.md).
constexpr int64_t kMaxSeconds = int64_t{1} << 62;

GoTime in_range(const Call& c, const GoTime& t) {
    if (t.sec > kMaxSeconds || t.sec < -kMaxSeconds) c.fail("time out of range");
    return t;
}

/// dateInZone's date: a time, an int (seconds since 1970), anything else now.
GoTime date_arg(const Call& c, const Value& v) {
    if (is_time(v)) return in_range(c, time_of(v));
    if (v.is_number_integer()) return in_range(c, unix_time(v.get<int64_t>()));
    return time_now();
}

std::string in_zone(const Call& c, const std::string& layout, const GoTime& t,
                    std::string_view zone) {
    std::string out = format_time(time_in(t, load_location(zone).value_or("UTC")), layout);
    if (out.size() > kMaxBytes) throw Failure{c.pos, kTooBig};
    return out;
}

Value fn_now(Call&) { return make_time(time_now()); }
Value fn_date(Call& c) { return in_zone(c, c.str(0), date_arg(c, c.args[1]), "Local"); }
Value fn_date_in_zone(Call& c) { return in_zone(c, c.str(0), date_arg(c, c.args[1]), c.str(2)); }
Value fn_html_date(Call& c) { return in_zone(c, "2006-01-02", date_arg(c, c.args[0]), "Local"); }
Value fn_html_date_in_zone(Call& c) {
    return in_zone(c, "2006-01-02", date_arg(c, c.args[0]), c.str(1));
}

Value fn_to_date(Call& c) {
    auto t = parse_time(c.str(0), c.str(1));
    return make_time(t ? *t : GoTime{});
}

Value fn_must_to_date(Call& c) {
    auto t = parse_time(c.str(0), c.str(1));
    if (!t) c.fail(t.error());
    return make_time(*t);
}

GoTime modified(const Call& c, const GoTime& t, int64_t d) {
    auto out = time_add(t, d);
    if (!out) c.fail("time out of range");
    return in_range(c, *out);
}

Value fn_date_modify(Call& c) {
    const std::string& text = c.str(0);
    const GoTime t = in_range(c, time_arg(c, 1));
    auto d = parse_duration(text);
    return make_time(d ? modified(c, t, *d) : t);
}

Value fn_must_date_modify(Call& c) {
    const std::string& text = c.str(0);
    const GoTime t = in_range(c, time_arg(c, 1));
    auto d = parse_duration(text);
    if (!d) c.fail(d.error());
    return make_time(modified(c, t, *d));
}

/// duration: seconds as a string (strconv.ParseInt, whose range error gives the
/// limit) or an int64; Go's int literals are ints, which Sprig leaves at 0.
Value fn_duration(Call& c) {
    int64_t n = 0;
    if (c.args[0].is_string()) {
        const std::string& s = c.args[0].get_ref<const std::string&>();
        errno = 0;
        char* end = nullptr;
        const bool digits = !s.empty() && s.find_first_not_of("+-0123456789") == std::string::npos;
        const long long v = std::strtoll(s.c_str(), &end, 10);
        if (digits && *end == '\0') n = v;  // ERANGE: strtoll gives the limit, as ParseInt
    }
    // time.Duration(n) * time.Second wraps in Go; so does this.
    return duration_string(static_cast<int64_t>(static_cast<uint64_t>(n) * 1'000'000'000u));
}

Value fn_duration_round(Call& c) {
    const Value& v = c.args[0];
    int64_t d = 0;
    if (v.is_string()) {
        auto parsed = parse_duration(v.get_ref<const std::string&>());
        d = parsed ? *parsed : 0;
    } else if (is_time(v)) {
        d = time_sub(time_now(), time_of(v));
    }
    uint64_t u = static_cast<uint64_t>(d);
    if (d < 0) u = 0 - u;
    constexpr uint64_t kHour = 3'600'000'000'000, kDay = kHour * 24;
    const struct {
        uint64_t size;
        const char* unit;
    } kUnits[] = {{kDay * 365, "y"}, {kDay * 30, "mo"},     {kDay, "d"},
                  {kHour, "h"},      {60'000'000'000, "m"}, {1'000'000'000, "s"}};
    for (const auto& unit : kUnits)
        if (u > unit.size) return std::to_string(u / unit.size) + unit.unit;
    return "0s";
}

Value fn_unix_epoch(Call& c) { return std::to_string(time_arg(c, 0).sec); }

/// ago: time.Since(t) rounded to seconds.
Value fn_ago(Call& c) {
    const GoTime now = time_now();
    const GoTime t = date_arg(c, c.args[0]);
    return duration_string(duration_round(time_sub(now, t), 1'000'000'000));
}

constexpr Function kFunctions[] = {
    {"now", 0, 0, fn_now},
    {"date", 2, 2, fn_date},
    {"dateInZone", 3, 3, fn_date_in_zone},
    {"date_in_zone", 3, 3, fn_date_in_zone},
    {"htmlDate", 1, 1, fn_html_date},
    {"htmlDateInZone", 2, 2, fn_html_date_in_zone},
    {"toDate", 2, 2, fn_to_date},
    {"mustToDate", 2, 2, fn_must_to_date},
    {"dateModify", 2, 2, fn_date_modify},
    {"date_modify", 2, 2, fn_date_modify},
    {"mustDateModify", 2, 2, fn_must_date_modify},
    {"must_date_modify", 2, 2, fn_must_date_modify},
    {"duration", 1, 1, fn_duration},
    {"durationRound", 1, 1, fn_duration_round},
    {"unixEpoch", 1, 1, fn_unix_epoch},
    {"ago", 1, 1, fn_ago},
};

}  // namespace

std::span<const Function> date_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

#include "schedule/cron.hpp"

#include <array>
#include <charconv>
#include <climits>
#include <cstdio>
#include <vector>

#include "util/duration.hpp"
#include "util/text.hpp"

namespace stash_hook {
namespace {

const std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                  "jul", "aug", "sep", "oct", "nov", "dec"};
const std::array<std::string_view, 7> kDays = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
constexpr std::string_view kSpace = " \t\n\v\f\r";

std::string_view trim(std::string_view s) {
    const size_t b = s.find_first_not_of(kSpace);
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (true) {
        const size_t at = s.find(sep, start);
        out.push_back(
            s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
        if (at == std::string_view::npos) return out;
        start = at + 1;
    }
}

struct Field {
    const char* name;
    int min;
    int max;
    const std::string_view* names;  // optional, indexed from `min`
    size_t name_count;
};

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

/// A number as Go's strconv.Atoi reads it (an optional sign), or a name.
expected<int, std::string> value(std::string_view token, const Field& f) {
    if (f.names) {
        const std::string t = ascii_lower(token);
        for (size_t i = 0; i < f.name_count; ++i)
            if (t == f.names[i]) return f.min + static_cast<int>(i);
    }
    std::string_view digits = token;
    if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
    int v = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size())
        return unexpected(std::string(f.name) + ": " + quoted(token) + " is not a number" +
                          (f.names ? " or a name (" + std::string(f.names[0]) + "-" +
                                         std::string(f.names[f.name_count - 1]) + ")"
                                   : ""));
    return v;
}

std::string out_of_range(const Field& f, int v) {
    std::string msg = std::string(f.name) + ": " + std::to_string(v) + " is out of range (" +
                      std::to_string(f.min) + "-" + std::to_string(f.max) + ")";
    if (f.max == 6 && v == 7) msg += ": write 0 or sun for Sunday";
    return msg;
}

/// Sets the bits of `bits` (indexed by value) that `text` selects, as robfig/cron v3's
/// getField does; `star` tells that an item starts with * or ? and has no step above 1.
template <size_t N>
expected<void, std::string> field(std::string_view text, const Field& f, std::bitset<N>& bits,
                                  bool& star) {
    star = false;
    bool any = false;
    for (std::string_view item : split(text, ',')) {
        if (item.empty()) continue;  // robfig skips empty list items
        any = true;
        const auto range_step = split(item, '/');
        if (range_step.size() > 2)
            return unexpected(std::string(f.name) + ": too many slashes in " + quoted(item));
        const auto low_high = split(range_step[0], '-');
        int lo = f.min, hi = f.max, step = 1;
        bool item_star = false;
        if (low_high[0] == "*" || low_high[0] == "?") {
            item_star = true;
        } else {
            if (low_high.size() > 2)
                return unexpected(std::string(f.name) + ": too many hyphens in " + quoted(item));
            auto a = value(low_high[0], f);
            if (!a) return unexpected(a.error());
            lo = hi = *a;
            if (low_high.size() == 2) {
                auto b = value(low_high[1], f);
                if (!b) return unexpected(b.error());
                hi = *b;
            }
        }
        if (range_step.size() == 2) {
            auto s = value(range_step[1], Field{f.name, 0, 0, nullptr, 0});
            if (!s)
                return unexpected(std::string(f.name) + ": bad step " + quoted(range_step[1]) +
                                  " in " + quoted(item));
            step = *s;
            if (low_high.size() == 1) hi = f.max;  // "5/15" means 5-max/15
            if (step > 1) item_star = false;
        }
        if (lo < f.min) return unexpected(out_of_range(f, lo));
        if (hi > f.max) return unexpected(out_of_range(f, hi));
        if (lo > hi)
            return unexpected(std::string(f.name) + ": range " + std::string(range_step[0]) +
                              " runs backwards (write " + std::to_string(lo) + "-" +
                              std::to_string(f.max) + "," + std::to_string(f.min) + "-" +
                              std::to_string(hi) + ")");
        if (step <= 0)
            return unexpected(std::string(f.name) + ": bad step \"0\" in " + quoted(item) +
                              " (a step is 1 or more)");
        for (int v = lo; v <= hi; v += step) bits.set(static_cast<size_t>(v));
        star = star || item_star;
    }
    if (!any)
        return unexpected(std::string(f.name) + ": " + quoted(text) +
                          " selects nothing (write a value, a range or *)");
    return {};
}

const std::pair<std::string_view, std::string_view> kDescriptors[] = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"}};

}  // namespace

expected<CronSchedule, std::string> CronSchedule::parse(std::string_view text,
                                                        std::string_view zone) {
    CronSchedule s;
    s.text_ = std::string(text);
    std::string_view expr = trim(text);
    if (expr.empty())
        return unexpected(
            std::string("empty schedule: write 5 fields such as \"0 3 * * *\", or @daily"));
    std::optional<TimeZone> tz;
    if (expr.starts_with("TZ=") || expr.starts_with("CRON_TZ=")) {
        const size_t eq = expr.find('='), space = expr.find(' ');
        const std::string_view prefix = expr.substr(0, eq);
        if (space == std::string_view::npos)
            return unexpected(std::string(prefix) +
                              "= needs a schedule after the zone and a space (write \"" +
                              std::string(prefix) + "=Europe/Berlin 0 3 * * *\")");
        const std::string_view name = expr.substr(eq + 1, space - eq - 1);
        auto z =
            name.empty() ? expected<TimeZone, std::string>(TimeZone::utc()) : TimeZone::load(name);
        if (!z) return unexpected(std::string(prefix) + ": " + z.error());
        tz = *z;
        expr = trim(expr.substr(space));
    }
    if (!tz) {
        auto z = zone.empty() ? TimeZone::local() : TimeZone::load(zone);
        if (!z) return unexpected(z.error());
        tz = *z;
    }
    s.zone_ = *tz;
    std::string fields_text(expr);
    if (expr.starts_with("@")) {
        if (expr.starts_with("@every ")) {
            auto d = parse_duration(expr.substr(7));
            if (!d) return unexpected("@every: " + d.error() + " (write a duration such as 1h30m)");
            // robfig's Every: whole seconds, at least one.
            s.every_ = std::max(std::chrono::seconds(1),
                                std::chrono::duration_cast<std::chrono::seconds>(*d));
            return s;
        }
        bool found = false;
        for (auto [name, meaning] : kDescriptors)
            if (expr == name) {
                fields_text = meaning;
                found = true;
            }
        if (!found) {
            const std::string low = ascii_lower(expr);
            for (auto [name, meaning] : kDescriptors)
                if (low == name)
                    return unexpected("descriptors are lower-case: write " + std::string(name));
            if (low.starts_with("@every"))
                return unexpected(
                    std::string("write @every, a space and a duration, such as \"@every 1h30m\""));
            return unexpected("unknown descriptor " + quoted(expr) +
                              " (write @hourly, @daily, @midnight, @weekly, @monthly, @yearly, "
                              "@annually or @every <duration>)");
        }
    }
    std::vector<std::string_view> parts;
    std::string_view rest(fields_text);
    while (!(rest = trim(rest)).empty()) {
        const size_t e = rest.find_first_of(kSpace);
        parts.push_back(rest.substr(0, e));
        rest = e == std::string_view::npos ? std::string_view() : rest.substr(e);
    }
    if (parts.size() != 5)
        return unexpected(
            "a schedule has 5 fields (minute hour day-of-month month day-of-week), not " +
            std::to_string(parts.size()) + ": " + quoted(expr) +
            (parts.size() == 6 ? " (a seconds field is not supported: drop it)" : ""));
    const Field minute{"minute", 0, 59, nullptr, 0}, hour{"hour", 0, 23, nullptr, 0},
        day{"day of month", 1, 31, nullptr, 0},
        month{"month", 1, 12, kMonths.data(), kMonths.size()},
        weekday{"day of week", 0, 6, kDays.data(), kDays.size()};
    bool star = false;
    if (auto r = field(parts[0], minute, s.minutes_, star); !r) return unexpected(r.error());
    if (auto r = field(parts[1], hour, s.hours_, star); !r) return unexpected(r.error());
    if (auto r = field(parts[2], day, s.days_, s.any_day_); !r) return unexpected(r.error());
    if (auto r = field(parts[3], month, s.months_, star); !r) return unexpected(r.error());
    if (auto r = field(parts[4], weekday, s.weekdays_, s.any_weekday_); !r)
        return unexpected(r.error());
    s.cadence_ = parts[0].find_first_of("*?/") != std::string_view::npos ||
                 parts[1].find_first_of("*?/") != std::string_view::npos;
    if (!s.any_day_ && s.any_weekday_) {  // the days of month alone decide: one must exist
        static const int max_days[] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        bool exists = false;
        for (int m = 1; m <= 12; ++m)
            for (int d = 1; d <= max_days[m]; ++d)
                exists = exists || (s.months_.test(m) && s.days_.test(d));
        if (!exists)
            return unexpected("day of month: no month selected has these days, so " + quoted(expr) +
                              " never runs");
    }
    return s;
}

int64_t CronSchedule::next_seconds(int64_t after) const {
    if (every_) return after + every_->count();
    // Every instant a wall time names is within the zone's offsets of it: start at the
    // earliest wall time that can name an instant after `after`, walk matching wall
    // times upwards, and stop once no later one can name an earlier instant.
    const auto [lowest, highest] = zone_.offset_range(after - 86400, after + 86400);
    int64_t wall = floor_div(after + lowest, 60) * 60;
    const int64_t limit = wall + 5LL * 366 * 86400;
    std::optional<int64_t> best;
    int32_t bound = highest;
    auto consider = [&](int64_t t) {
        if (t <= after || (best && t >= *best)) return;
        best = t;
        bound = zone_.offset_range(after - 86400, t + 86400).second;
    };
    while (wall <= limit) {
        const int64_t days = floor_div(wall, 86400);
        const int64_t sod = wall - days * 86400;
        const auto h = static_cast<size_t>(sod / 3600), mi = static_cast<size_t>(sod / 60 % 60);
        int64_t y;
        unsigned m, d;
        civil_from_days(days, y, m, d);
        if (!months_.test(m)) {
            wall = days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) * 86400;
            continue;
        }
        const bool dom = days_.test(d);
        const bool dow = weekdays_.test(static_cast<size_t>(((days + 4) % 7 + 7) % 7));
        // robfig and Vixie cron: when both day fields are restricted, either may match.
        if (!((any_day_ || any_weekday_) ? (dom && dow) : (dom || dow))) {
            wall = (days + 1) * 86400;
            continue;
        }
        if (!hours_.test(h)) {
            wall = days * 86400 + static_cast<int64_t>(h + 1) * 3600;
            continue;
        }
        if (!minutes_.test(mi)) {
            wall += 60;
            continue;
        }
        if (best && wall - bound > *best) break;
        const TimeZone::Local r = zone_.resolve(wall);
        consider(r.first);  // a skipped wall time: the transition; a repeated one: its first pass
        if (r.kind == TimeZone::Local::repeated && cadence_) consider(r.second);
        wall += 60;
    }
    return best ? *best : INT64_MAX;
}

std::chrono::system_clock::time_point CronSchedule::next_after(
    std::chrono::system_clock::time_point after) const {
    using namespace std::chrono;
    const int64_t t = floor<seconds>(after).time_since_epoch().count();
    const int64_t next = next_seconds(t);
    if (next == INT64_MAX ||
        next > duration_cast<seconds>(system_clock::time_point::max().time_since_epoch()).count())
        return system_clock::time_point::max();
    return system_clock::time_point(seconds(next));
}

std::string CronSchedule::format(std::chrono::system_clock::time_point t) const {
    using namespace std::chrono;
    if (t == system_clock::time_point::max()) return "never";
    const int64_t s = floor<seconds>(t).time_since_epoch().count();
    const TimeZone::Info info = zone_.info_at(s);
    const int64_t wall = s + info.offset;
    const int64_t days = floor_div(wall, 86400), sod = wall - days * 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02lld:%02lld:%02lld ",
                  static_cast<long long>(y), m, d, static_cast<long long>(sod / 3600),
                  static_cast<long long>(sod / 60 % 60), static_cast<long long>(sod % 60));
    return buf + std::string(info.abbrev);
}

std::string CronSchedule::describe_next(std::chrono::system_clock::time_point after,
                                        int count) const {
    std::string out;
    for (int i = 0; i < count && after != std::chrono::system_clock::time_point::max(); ++i) {
        after = next_after(after);
        out += (i ? ", " : "") + format(after);
    }
    return out + " (" + zone_.name() + ")";
}

}  // namespace stash_hook

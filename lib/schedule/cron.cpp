#include "schedule/cron.hpp"

#include <charconv>
#include <tuple>
#include <ctime>
#include <vector>

namespace stash_hook {
namespace {

const std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                  "jul", "aug", "sep", "oct", "nov", "dec"};
const std::array<std::string_view, 7> kDays = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (true) {
        const size_t at = s.find(sep, start);
        out.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
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

expected<int, std::string> value(std::string_view token, const Field& f) {
    if (f.names) {
        const std::string t = lower(token);
        for (size_t i = 0; i < f.name_count; ++i)
            if (t == f.names[i]) return f.min + static_cast<int>(i);
    }
    int v = 0;
    auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
    if (ec != std::errc() || ptr != token.data() + token.size())
        return unexpected(std::string(f.name) + ": \"" + std::string(token) + "\" is not a number" +
                          (f.names ? " or a name" : ""));
    const int max = std::string_view(f.name) == "day of week" ? 7 : f.max;  // 7 is Sunday too
    if (v < f.min || v > max)
        return unexpected(std::string(f.name) + ": " + std::to_string(v) + " is out of range (" +
                          std::to_string(f.min) + "-" + std::to_string(max) + ")");
    return v;
}

/// Sets the bits of `bits` (indexed by value) that `text` selects; `star` tells "*".
template <size_t N>
expected<void, std::string> field(std::string_view text, const Field& f, std::bitset<N>& bits, bool& star) {
    star = text == "*";
    for (std::string_view item : split(text, ',')) {
        if (item.empty()) return unexpected(std::string(f.name) + ": empty list item");
        int step = 1;
        if (auto slash = item.find('/'); slash != std::string_view::npos) {
            std::string_view s = item.substr(slash + 1);
            auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), step);
            if (ec != std::errc() || ptr != s.data() + s.size() || step < 1)
                return unexpected(std::string(f.name) + ": bad step \"" + std::string(s) + "\"");
            item = item.substr(0, slash);
            star = false;
        }
        int lo = f.min, hi = f.max;
        if (item != "*") {
            const size_t dash = item.find('-');
            auto a = value(item.substr(0, dash), f);
            if (!a) return unexpected(a.error());
            lo = hi = *a;
            if (dash != std::string_view::npos) {
                auto b = value(item.substr(dash + 1), f);
                if (!b) return unexpected(b.error());
                hi = *b;
                if (hi < lo) return unexpected(std::string(f.name) + ": range " + std::string(item) + " runs backwards");
            } else if (step > 1) {
                hi = f.max;  // "5/15" means 5-max/15
            }
        }
        for (int v = lo; v <= hi; v += step) bits.set(static_cast<size_t>(v % static_cast<int>(N == 8 ? 7 : N + 1)));
    }
    return {};
}

}  // namespace

expected<CronSchedule, std::string> CronSchedule::parse(std::string_view text) {
    CronSchedule s;
    s.text_ = std::string(text);
    std::string expr = lower(text);
    const std::pair<std::string_view, std::string_view> shorthands[] = {
        {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
        {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
        {"@hourly", "0 * * * *"}};
    if (!expr.empty() && expr[0] == '@') {
        bool found = false;
        for (auto [name, meaning] : shorthands)
            if (expr == name) {
                expr = meaning;
                found = true;
            }
        if (!found)
            return unexpected("unknown shorthand \"" + std::string(text) +
                              "\" (use @hourly, @daily, @midnight, @weekly, @monthly, @yearly)");
    }
    std::vector<std::string_view> parts;
    std::string_view rest(expr);
    while (!rest.empty()) {
        const size_t b = rest.find_first_not_of(" \t");
        if (b == std::string_view::npos) break;
        rest.remove_prefix(b);
        const size_t e = rest.find_first_of(" \t");
        parts.push_back(rest.substr(0, e));
        rest = e == std::string_view::npos ? std::string_view() : rest.substr(e);
    }
    if (parts.size() != 5)
        return unexpected("a schedule has 5 fields (minute hour day-of-month month day-of-week), not " +
                          std::to_string(parts.size()) + ": \"" + std::string(text) + "\"");
    bool star = false;
    const Field minute{"minute", 0, 59, nullptr, 0}, hour{"hour", 0, 23, nullptr, 0},
        day{"day of month", 1, 31, nullptr, 0}, month{"month", 1, 12, kMonths.data(), kMonths.size()},
        weekday{"day of week", 0, 6, kDays.data(), kDays.size()};
    // Each bitset is indexed by value; the modulo in field() only folds weekday 7 onto 0.
    std::bitset<60> minutes;
    std::bitset<24> hours;
    for (auto [text_part, f, which] : {std::tuple{parts[0], minute, 0}, std::tuple{parts[1], hour, 1}}) {
        auto r = which == 0 ? field(text_part, f, minutes, star) : field(text_part, f, hours, star);
        if (!r) return unexpected(r.error());
    }
    s.minutes_ = minutes;
    s.hours_ = hours;
    if (auto r = field(parts[2], day, s.days_, s.any_day_); !r) return unexpected(r.error());
    if (auto r = field(parts[3], month, s.months_, star); !r) return unexpected(r.error());
    if (auto r = field(parts[4], weekday, s.weekdays_, s.any_weekday_); !r) return unexpected(r.error());
    return s;
}

std::chrono::system_clock::time_point CronSchedule::next_after(std::chrono::system_clock::time_point after) const {
    using namespace std::chrono;
    std::time_t t = system_clock::to_time_t(time_point_cast<seconds>(after));
    std::tm tm{};
    localtime_r(&t, &tm);
    tm.tm_sec = 0;
    tm.tm_min += 1;  // strictly after, on a whole minute
    // At most four years of minutes; a valid expression matches well before.
    for (int guard = 0; guard < 4 * 366 * 24 * 60; ++guard) {
        tm.tm_isdst = -1;
        const std::time_t candidate = std::mktime(&tm);  // normalises tm
        if (!months_.test(static_cast<size_t>(tm.tm_mon + 1))) {
            tm.tm_mon += 1;
            tm.tm_mday = 1;
            tm.tm_hour = 0;
            tm.tm_min = 0;
            continue;
        }
        const bool dom = days_.test(static_cast<size_t>(tm.tm_mday));
        const bool dow = weekdays_.test(static_cast<size_t>(tm.tm_wday));
        // Vixie cron: when both day fields are restricted, either may match.
        const bool day_ok = any_day_ ? (any_weekday_ || dow) : (any_weekday_ ? dom : (dom || dow));
        if (!day_ok) {
            tm.tm_mday += 1;
            tm.tm_hour = 0;
            tm.tm_min = 0;
            continue;
        }
        if (!hours_.test(static_cast<size_t>(tm.tm_hour))) {
            tm.tm_hour += 1;
            tm.tm_min = 0;
            continue;
        }
        if (!minutes_.test(static_cast<size_t>(tm.tm_min))) {
            tm.tm_min += 1;
            continue;
        }
        return system_clock::from_time_t(candidate);
    }
    return system_clock::time_point::max();
}

}  // namespace stash_hook

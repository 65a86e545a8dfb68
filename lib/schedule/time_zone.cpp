#include "schedule/time_zone.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>

#include "util/atomic_file.hpp"

namespace stash_hook {

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

namespace {

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned month_days(int64_t y, unsigned m) {
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

/// A POSIX TZ rule: "CET-1CEST,M3.5.0,M10.5.0/3".
struct PosixRule {
    std::string std_name, dst_name;
    int32_t std_off = 0, dst_off = 0;  // seconds east of UTC
    bool has_dst = false;
    struct Date {
        char kind = 'M';  // 'J' (1-365, no Feb 29), 'n' (0-365), 'M' (month.week.day)
        int a = 0, b = 0, c = 0;
        int32_t time = 7200;
    } start, end;

    /// Local seconds (of the day the rule names in year y) at which `date` happens.
    static int64_t local_at(const Date& date, int64_t y) {
        int64_t day = 0;
        const int64_t jan1 = days_from_civil(y, 1, 1);
        if (date.kind == 'J') {
            day = jan1 + date.a - 1 + (leap(y) && date.a >= 60 ? 1 : 0);
        } else if (date.kind == 'n') {
            day = jan1 + date.a;
        } else {
            const int64_t first = days_from_civil(y, static_cast<unsigned>(date.a), 1);
            const int wd_first =
                static_cast<int>(((first + 4) % 7 + 7) % 7);  // 1970-01-01: Thursday
            day = first + (date.c - wd_first + 7) % 7 + int64_t{date.b - 1} * 7;
            const int64_t last = first + month_days(y, static_cast<unsigned>(date.a)) - 1;
            while (day > last) day -= 7;
        }
        return day * 86400 + date.time;
    }

    /// Instants of the year's change to DST and back.
    std::pair<int64_t, int64_t> changes(int64_t y) const {
        return {local_at(start, y) - std_off, local_at(end, y) - dst_off};
    }

    bool dst_at(int64_t t) const {
        if (!has_dst) return false;
        int64_t y;
        unsigned m, d;
        civil_from_days(floor_div(t + std_off, 86400), y, m, d);
        const auto [s, e] = changes(y);
        return s < e ? (s <= t && t < e) : !(e <= t && t < s);
    }
};

/// Parses a POSIX TZ string; nullopt when it is not one.
std::optional<PosixRule> parse_posix(std::string_view s) {
    size_t i = 0;
    auto name = [&](std::string& out) {
        if (i < s.size() && s[i] == '<') {
            const size_t close = s.find('>', i);
            if (close == std::string_view::npos) return false;
            out = std::string(s.substr(i + 1, close - i - 1));
            i = close + 1;
            return out.size() >= 3;
        }
        const size_t b = i;
        while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
        out = std::string(s.substr(b, i - b));
        return out.size() >= 3;
    };
    auto number = [&](int& out, int max) {
        const size_t b = i;
        out = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - b < 3)
            out = out * 10 + (s[i++] - '0');
        return i > b && out <= max;
    };
    auto hms = [&](int32_t& out, int max_hours) {  // [+-]hh[:mm[:ss]]
        int sign = 1;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
        int h = 0, m = 0, sec = 0;
        if (!number(h, max_hours)) return false;
        if (i < s.size() && s[i] == ':') {
            ++i;
            if (!number(m, 59)) return false;
            if (i < s.size() && s[i] == ':') {
                ++i;
                if (!number(sec, 59)) return false;
            }
        }
        out = sign * (h * 3600 + m * 60 + sec);
        return true;
    };
    auto date = [&](PosixRule::Date& d) {
        if (i < s.size() && s[i] == 'J') {
            ++i;
            d.kind = 'J';
            if (!number(d.a, 365) || d.a < 1) return false;
        } else if (i < s.size() && s[i] == 'M') {
            ++i;
            d.kind = 'M';
            if (!number(d.a, 12) || d.a < 1 || i >= s.size() || s[i++] != '.' || !number(d.b, 5) ||
                d.b < 1 || i >= s.size() || s[i++] != '.' || !number(d.c, 6))
                return false;
        } else {
            d.kind = 'n';
            if (!number(d.a, 365)) return false;
        }
        d.time = 7200;
        if (i < s.size() && s[i] == '/') {
            ++i;
            if (!hms(d.time, 167)) return false;
        }
        return true;
    };
    PosixRule r;
    int32_t off = 0;
    if (!name(r.std_name) || !hms(off, 24)) return std::nullopt;
    r.std_off = -off;
    if (i == s.size()) return r;
    if (!name(r.dst_name)) return std::nullopt;
    r.has_dst = true;
    r.dst_off = r.std_off + 3600;
    if (i < s.size() && s[i] != ',') {
        if (!hms(off, 24)) return std::nullopt;
        r.dst_off = -off;
    }
    if (i == s.size()) {  // no rule: the US one, as glibc assumes
        r.start = {'M', 3, 2, 0, 7200};
        r.end = {'M', 11, 1, 0, 7200};
        return r;
    }
    if (s[i++] != ',' || !date(r.start) || i >= s.size() || s[i++] != ',' || !date(r.end) ||
        i != s.size())
        return std::nullopt;
    return r;
}

}  // namespace

struct TimeZone::Data {
    std::string name;
    struct Type {
        int32_t offset;
        std::string abbrev;
    };
    std::vector<int64_t> at;        // transition instants, ascending
    std::vector<uint8_t> type_of;   // the type in force from each transition
    std::vector<Type> types;        // types[0] before the first transition
    std::optional<PosixRule> rule;  // past the last transition

    Info info_at(int64_t t) const {
        if (rule && (at.empty() || t >= at.back())) {
            const bool dst = rule->dst_at(t);
            return dst ? Info{rule->dst_off, rule->dst_name} : Info{rule->std_off, rule->std_name};
        }
        const auto it = std::upper_bound(at.begin(), at.end(), t);
        const Type& type = it == at.begin()
                               ? types.at(0)
                               : types.at(type_of[static_cast<size_t>(it - at.begin() - 1)]);
        return {type.offset, type.abbrev};
    }

    /// Instants in (lo, hi] at which the offset changes.
    std::vector<int64_t> changes(int64_t lo, int64_t hi) const {
        std::vector<int64_t> out;
        for (auto it = std::upper_bound(at.begin(), at.end(), lo); it != at.end() && *it <= hi;
             ++it)
            out.push_back(*it);
        if (rule && rule->has_dst) {
            int64_t y0, y1;
            unsigned m, d;
            civil_from_days(floor_div(lo, 86400), y0, m, d);
            civil_from_days(floor_div(hi, 86400), y1, m, d);
            const int64_t after = at.empty() ? INT64_MIN : at.back();
            for (int64_t y = y0 - 1; y <= y1 + 1; ++y) {
                const auto [s, e] = rule->changes(y);
                for (int64_t c : {s, e})
                    if (c > lo && c <= hi && c > after) out.push_back(c);
            }
        }
        std::sort(out.begin(), out.end());
        std::vector<int64_t> real;
        for (int64_t c : out)
            if (info_at(c - 1).offset != info_at(c).offset) real.push_back(c);
        return real;
    }
};

namespace {

expected<std::shared_ptr<TimeZone::Data>, std::string> parse_tzif(const std::string& bytes,
                                                                  const std::string& name) {
    auto data = std::make_shared<TimeZone::Data>();
    data->name = name;
    size_t pos = 0;
    auto u32 = [&](size_t p) {
        return static_cast<uint32_t>(static_cast<unsigned char>(bytes[p])) << 24 |
               static_cast<uint32_t>(static_cast<unsigned char>(bytes[p + 1])) << 16 |
               static_cast<uint32_t>(static_cast<unsigned char>(bytes[p + 2])) << 8 |
               static_cast<uint32_t>(static_cast<unsigned char>(bytes[p + 3]));
    };
    const std::string bad = "\"" + name + "\" is not a TZif file";
    struct Header {
        uint32_t isut, isstd, leap, time, type, chars;
    };
    auto header = [&](Header& h) {
        if (pos + 44 > bytes.size() || bytes.compare(pos, 4, "TZif") != 0) return false;
        h = {u32(pos + 20), u32(pos + 24), u32(pos + 28),
             u32(pos + 32), u32(pos + 36), u32(pos + 40)};
        pos += 44;
        return h.type >= 1 && h.type <= 256 && h.time < 100000 && h.chars < 100000 &&
               h.leap < 100000;
    };
    Header h{};
    if (!header(h)) return unexpected(bad);
    const char version = bytes[4];
    int width = 4;
    if (version >= '2') {
        pos += h.time * 5 + h.type * 6 + h.chars + h.leap * 8 + h.isstd + h.isut;
        if (!header(h)) return unexpected(bad);
        width = 8;
    }
    const size_t need =
        h.time * (width + 1) + h.type * 6 + h.chars + h.leap * (width + 4) + h.isstd + h.isut;
    if (pos + need > bytes.size()) return unexpected(bad);
    for (uint32_t k = 0; k < h.time; ++k) {
        const size_t p = pos + size_t{k} * width;
        const int64_t t =
            width == 8 ? static_cast<int64_t>(static_cast<uint64_t>(u32(p)) << 32 | u32(p + 4))
                       : static_cast<int64_t>(static_cast<int32_t>(u32(p)));
        data->at.push_back(t);
    }
    pos += size_t{h.time} * width;
    for (uint32_t k = 0; k < h.time; ++k) {
        const auto idx = static_cast<uint8_t>(bytes[pos + k]);
        if (idx >= h.type) return unexpected(bad);
        data->type_of.push_back(idx);
    }
    pos += h.time;
    const size_t chars_at = pos + size_t{h.type} * 6;
    for (uint32_t k = 0; k < h.type; ++k) {
        const size_t p = pos + size_t{k} * 6;
        const auto off = static_cast<int32_t>(u32(p));
        size_t a = static_cast<unsigned char>(bytes[p + 5]);
        std::string abbrev;
        if (a < h.chars)
            abbrev = std::string(bytes.c_str() + chars_at + a,
                                 strnlen(bytes.c_str() + chars_at + a, h.chars - a));
        data->types.push_back({off, abbrev});
    }
    pos += need - size_t{h.time} * (width + 1);
    if (width == 8 && pos < bytes.size() && bytes[pos] == '\n') {
        const size_t end = bytes.find('\n', pos + 1);
        if (end != std::string::npos && end > pos + 1)
            data->rule = parse_posix(std::string_view(bytes).substr(pos + 1, end - pos - 1));
    }
    if (!std::is_sorted(data->at.begin(), data->at.end())) return unexpected(bad);
    return data;
}

/// A zone file is a regular file of a few KiB: a directory (`TZ=Europe`), a device
/// (`TZ=/dev/zero`) or anything past 256 KiB is refused, never read without end.
expected<std::shared_ptr<TimeZone::Data>, std::string> read_tzif(const std::string& path,
                                                                 const std::string& name) {
    constexpr size_t kMaxZoneFile = size_t{256} * 1024;
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return unexpected(std::string(std::strerror(errno)));
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        static_cast<size_t>(st.st_size) > kMaxZoneFile) {
        close(fd);
        return unexpected(std::string("not a time zone file"));
    }
    auto bytes = read_at_most(fd, kMaxZoneFile);
    close(fd);
    if (!bytes || bytes->size() > kMaxZoneFile)
        return unexpected(std::string("not a time zone file"));
    return parse_tzif(*bytes, name);
}

}  // namespace

TimeZone TimeZone::utc() {
    static const auto data = [] {
        auto d = std::make_shared<Data>();
        d->name = "UTC";
        d->types.push_back({0, "UTC"});
        return std::shared_ptr<const Data>(d);
    }();
    TimeZone z;
    z.data_ = data;
    return z;
}

expected<TimeZone, std::string> TimeZone::load(std::string_view name_in) {
    std::string_view name = name_in;
    if (name.empty() || name == "Local") return local();
    if (name == "UTC") return utc();
    if (name.front() == ':') name.remove_prefix(1);
    TimeZone z;
    const std::string n(name);
    if (n.front() == '/') {
        auto d = read_tzif(n, n);
        if (!d) return unexpected("failed to read time zone \"" + n + "\": " + d.error());
        z.data_ = *d;
        return z;
    }
    const bool safe = n.find("..") == std::string::npos && n.find('\0') == std::string::npos;
    if (safe) {
        const char* dir = std::getenv("ZONEINFO");
        const std::string base = dir && *dir ? dir : "/usr/share/zoneinfo";
        if (auto d = read_tzif(base + "/" + n, n)) {
            z.data_ = *d;
            return z;
        }
    }
    if (auto rule = parse_posix(n)) {
        auto d = std::make_shared<Data>();
        d->name = n;
        d->types.push_back({rule->std_off, rule->std_name});
        d->rule = rule;
        z.data_ = d;
        return z;
    }
    return unexpected(
        "unknown time zone \"" + n +
        "\" (write a tz database name such as Europe/Berlin, America/New_York or UTC)");
}

expected<TimeZone, std::string> TimeZone::local() {
    if (const char* tz = std::getenv("TZ")) {
        if (!*tz) return utc();
        if (std::string_view(tz) != "Local") {
            auto z = load(tz);
            return z ? z : utc();  // as Go and glibc: a TZ they cannot read is UTC
        }
    }
    TimeZone z;
    // The zone's name from the link, as Debian's /etc/localtime ->
    // /usr/share/zoneinfo/Europe/Berlin.
    std::string name = "Local";
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink("/etc/localtime", ec).string();
    if (const size_t at = target.find("zoneinfo/"); !ec && at != std::string::npos)
        name = target.substr(at + 9);
    auto d = read_tzif("/etc/localtime", name);
    if (!d) return utc();
    z.data_ = *d;
    return z;
}

const std::string& TimeZone::name() const { return data_->name; }

TimeZone::Info TimeZone::info_at(int64_t t) const { return data_->info_at(t); }

std::pair<int32_t, int32_t> TimeZone::offset_range(int64_t lo, int64_t hi) const {
    int32_t mn = data_->info_at(lo).offset, mx = mn;
    for (int64_t c : data_->changes(lo, hi)) {
        mn = std::min(mn, data_->info_at(c).offset);
        mx = std::max(mx, data_->info_at(c).offset);
    }
    return {mn, mx};
}

TimeZone::Local TimeZone::resolve(int64_t wall) const {
    // Offsets lie within a day of each other, so every instant naming `wall` is within
    // [wall - 2 days, wall + 2 days]; try each offset in force there.
    const int64_t lo = wall - int64_t{2} * 86400, hi = wall + int64_t{2} * 86400;
    const std::vector<int64_t> changes = data_->changes(lo, hi);
    std::set<int32_t> offsets{data_->info_at(lo).offset};
    for (int64_t c : changes) offsets.insert(data_->info_at(c).offset);
    std::vector<int64_t> found;
    for (int32_t off : offsets)
        if (data_->info_at(wall - off).offset == off) found.push_back(wall - off);
    std::sort(found.begin(), found.end());
    if (found.size() == 1) return {Local::unique, found[0], found[0]};
    if (found.size() >= 2) return {Local::repeated, found.front(), found.back()};
    for (int64_t c : changes) {
        const int32_t before = data_->info_at(c - 1).offset, after = data_->info_at(c).offset;
        if (c + before <= wall && wall < c + after) return {Local::skipped, c, c};
    }
    return {Local::unique, wall - data_->info_at(wall).offset,
            wall - data_->info_at(wall).offset};  // not reached
}

}  // namespace stash_hook

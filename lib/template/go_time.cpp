#include "template/go_time.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>

#include "schedule/time_zone.hpp"
#include "template/ast.hpp"

namespace stash_hook::tmpl {

namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr std::array<std::string_view, 12> kLongMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 12> kShortMonths = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 7> kShortDays = {"Sun", "Mon", "Tue", "Wed",
                                                        "Thu", "Fri", "Sat"};

/// The zones a template names, read once per thread.
const TimeZone& zone_named(const std::string& name) {
    static thread_local std::map<std::string, TimeZone> zones;
    auto it = zones.find(name);
    if (it == zones.end()) {
        auto z = name == "Local" ? TimeZone::local() : TimeZone::load(name);
        it = zones.emplace(name, z ? *z : TimeZone::utc()).first;
    }
    return it->second;
}

struct ZoneAt {
    std::string abbrev;
    int32_t offset;
};

ZoneAt zone_at(const GoTime& t) {
    if (t.fixed) return {t.zone, t.offset};
    if (t.zone == "UTC") return {"UTC", 0};
    const TimeZone::Info info = zone_named(t.zone).info_at(t.sec);
    return {std::string(info.abbrev), info.offset};
}

// Go's layout elements (time/format.go's std* constants).
enum Std {
    kNone,
    kLongMonth,
    kMonth,
    kNumMonth,
    kZeroMonth,
    kLongWeekDay,
    kWeekDay,
    kDay,
    kUnderDay,
    kZeroDay,
    kUnderYearDay,
    kZeroYearDay,
    kHour,
    kHour12,
    kZeroHour12,
    kMinute,
    kZeroMinute,
    kSecond2,
    kZeroSecond,
    kLongYear,
    kYear,
    kPM,
    kpm,
    kTZ,
    kISO8601TZ,
    kISO8601SecondsTZ,
    kISO8601ShortTZ,
    kISO8601ColonTZ,
    kISO8601ColonSecondsTZ,
    kNumTZ,
    kNumSecondsTz,
    kNumShortTZ,
    kNumColonTZ,
    kNumColonSecondsTZ,
    kFracSecond0,
    kFracSecond9,
};

struct Chunk {
    std::string_view prefix;
    Std std = kNone;
    std::string_view suffix;
    int digits = 0;        // fractional seconds: how many
    char separator = '.';  // fractional seconds: '.' or ','
};

bool starts_lower(std::string_view s) { return !s.empty() && s[0] >= 'a' && s[0] <= 'z'; }
bool digit_at(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

/// time/format.go's nextStdChunk.
Chunk next_chunk(std::string_view layout) {
    auto at = [&](size_t i, std::string_view word) {
        return layout.substr(i, word.size()) == word;
    };
    auto cut = [&](size_t i, Std std, size_t len) {
        return Chunk{layout.substr(0, i), std, layout.substr(i + len)};
    };
    for (size_t i = 0; i < layout.size(); ++i) {
        switch (layout[i]) {
            case 'J':
                if (at(i, "Jan")) {
                    if (at(i, "January")) return cut(i, kLongMonth, 7);
                    if (!starts_lower(layout.substr(i + 3))) return cut(i, kMonth, 3);
                }
                break;
            case 'M':
                if (at(i, "Mon")) {
                    if (at(i, "Monday")) return cut(i, kLongWeekDay, 6);
                    if (!starts_lower(layout.substr(i + 3))) return cut(i, kWeekDay, 3);
                }
                if (at(i, "MST")) return cut(i, kTZ, 3);
                break;
            case '0':
                if (i + 1 < layout.size() && layout[i + 1] >= '1' && layout[i + 1] <= '6') {
                    static constexpr Std k0x[] = {kZeroMonth,  kZeroDay,    kZeroHour12,
                                                  kZeroMinute, kZeroSecond, kYear};
                    return cut(i, k0x[layout[i + 1] - '1'], 2);
                }
                if (at(i, "002")) return cut(i, kZeroYearDay, 3);
                break;
            case '1':
                if (at(i, "15")) return cut(i, kHour, 2);
                return cut(i, kNumMonth, 1);
            case '2':
                if (at(i, "2006")) return cut(i, kLongYear, 4);
                return cut(i, kDay, 1);
            case '_':
                if (at(i, "_2")) {
                    if (at(i + 1, "2006"))
                        return Chunk{layout.substr(0, i + 1), kLongYear, layout.substr(i + 5)};
                    return cut(i, kUnderDay, 2);
                }
                if (at(i, "__2")) return cut(i, kUnderYearDay, 3);
                break;
            case '3':
                return cut(i, kHour12, 1);
            case '4':
                return cut(i, kMinute, 1);
            case '5':
                return cut(i, kSecond2, 1);
            case 'P':
                if (at(i, "PM")) return cut(i, kPM, 2);
                break;
            case 'p':
                if (at(i, "pm")) return cut(i, kpm, 2);
                break;
            case '-':
                if (at(i, "-070000")) return cut(i, kNumSecondsTz, 7);
                if (at(i, "-07:00:00")) return cut(i, kNumColonSecondsTZ, 9);
                if (at(i, "-0700")) return cut(i, kNumTZ, 5);
                if (at(i, "-07:00")) return cut(i, kNumColonTZ, 6);
                if (at(i, "-07")) return cut(i, kNumShortTZ, 3);
                break;
            case 'Z':
                if (at(i, "Z070000")) return cut(i, kISO8601SecondsTZ, 7);
                if (at(i, "Z07:00:00")) return cut(i, kISO8601ColonSecondsTZ, 9);
                if (at(i, "Z0700")) return cut(i, kISO8601TZ, 5);
                if (at(i, "Z07:00")) return cut(i, kISO8601ColonTZ, 6);
                if (at(i, "Z07")) return cut(i, kISO8601ShortTZ, 3);
                break;
            case '.':
            case ',':
                if (i + 1 < layout.size() && (layout[i + 1] == '0' || layout[i + 1] == '9')) {
                    const char ch = layout[i + 1];
                    size_t j = i + 1;
                    while (j < layout.size() && layout[j] == ch) ++j;
                    if (!digit_at(layout, j)) {
                        Chunk c = cut(i, ch == '0' ? kFracSecond0 : kFracSecond9, j - i);
                        c.digits = static_cast<int>(j - (i + 1));
                        c.separator = layout[i];
                        return c;
                    }
                }
                break;
            default:
                break;
        }
    }
    return Chunk{layout, kNone, {}};
}

/// appendInt: a sign, then |x| zero-padded to `width` digits.
void append_int(std::string& b, int64_t x, int width) {
    uint64_t u = static_cast<uint64_t>(x);
    if (x < 0) {
        b += '-';
        u = 0 - u;
    }
    const std::string digits = std::to_string(u);
    for (int k = static_cast<int>(digits.size()); k < width; ++k) b += '0';
    b += digits;
}

struct Civil {
    int64_t year;
    unsigned month, day;
    int yday;  // 1-based
    int weekday;
    int hour, minute, second;
};

Civil civil_of(int64_t local_sec) {
    Civil c{};
    const int64_t days = floor_div(local_sec, 86400);
    const int64_t rest = local_sec - days * 86400;
    civil_from_days(days, c.year, c.month, c.day);
    c.yday = static_cast<int>(days - days_from_civil(c.year, 1, 1)) + 1;
    c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
    c.hour = static_cast<int>(rest / 3600);
    c.minute = static_cast<int>(rest / 60 % 60);
    c.second = static_cast<int>(rest % 60);
    return c;
}

void append_offset(std::string& b, Std std, int32_t offset) {
    const bool iso = std == kISO8601TZ || std == kISO8601ColonTZ || std == kISO8601SecondsTZ ||
                     std == kISO8601ShortTZ || std == kISO8601ColonSecondsTZ;
    if (offset == 0 && iso) {
        b += 'Z';
        return;
    }
    int32_t zone = offset / 60;
    int32_t abs_offset = offset;
    if (zone < 0) {
        b += '-';
        zone = -zone;
        abs_offset = -abs_offset;
    } else {
        b += '+';
    }
    append_int(b, zone / 60, 2);
    const bool colon = std == kISO8601ColonTZ || std == kNumColonTZ ||
                       std == kISO8601ColonSecondsTZ || std == kNumColonSecondsTZ;
    if (colon) b += ':';
    if (std != kNumShortTZ && std != kISO8601ShortTZ) append_int(b, zone % 60, 2);
    if (std == kISO8601SecondsTZ || std == kNumSecondsTz || std == kNumColonSecondsTZ ||
        std == kISO8601ColonSecondsTZ) {
        if (std == kNumColonSecondsTZ || std == kISO8601ColonSecondsTZ) b += ':';
        append_int(b, abs_offset % 60, 2);
    }
}

}  // namespace

Value make_time(const GoTime& t) {
    std::vector<uint8_t> bytes(8 + 4 + 1 + 4 + 8);
    std::memcpy(bytes.data(), &t.sec, 8);
    std::memcpy(bytes.data() + 8, &t.nsec, 4);
    bytes[12] = static_cast<uint8_t>((t.fixed ? 1 : 0) | (t.mono ? 2 : 0));
    std::memcpy(bytes.data() + 13, &t.offset, 4);
    const int64_t mono = t.mono.value_or(0);
    std::memcpy(bytes.data() + 17, &mono, 8);
    bytes.insert(bytes.end(), t.zone.begin(), t.zone.end());
    return Value::binary(std::move(bytes), kTimeSubtype);
}

bool is_time(const Value& v) {
    return v.is_binary() && v.get_binary().has_subtype() &&
           v.get_binary().subtype() == kTimeSubtype && v.get_binary().size() >= 25;
}

GoTime time_of(const Value& v) {
    const auto& bytes = v.get_binary();
    GoTime t;
    std::memcpy(&t.sec, bytes.data(), 8);
    std::memcpy(&t.nsec, bytes.data() + 8, 4);
    t.fixed = (bytes[12] & 1) != 0;
    std::memcpy(&t.offset, bytes.data() + 13, 4);
    if (bytes[12] & 2) {
        int64_t mono = 0;
        std::memcpy(&mono, bytes.data() + 17, 8);
        t.mono = mono;
    }
    t.zone.assign(bytes.begin() + 25, bytes.end());
    return t;
}

GoTime time_now() {
    static const auto start = std::chrono::steady_clock::now();
    const auto since = std::chrono::system_clock::now().time_since_epoch();
    const int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(since).count();
    GoTime t;
    t.sec = floor_div(ns, kSecond);
    t.nsec = static_cast<int32_t>(ns - t.sec * kSecond);
    t.zone = "Local";
    // Go's reading starts near the process's start; ours at the first `now`, plus one
    // microsecond so that it is never 0.
    t.mono = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                 .count() +
             1000;
    return t;
}

std::optional<std::string> load_location(std::string_view name) {
    if (name.empty() || name == "UTC") return std::string("UTC");
    if (name == "Local") return std::string("Local");
    if (name.find("..") != std::string_view::npos || name.front() == '/' || name.front() == '\\' ||
        name.find('\0') != std::string_view::npos)
        return std::nullopt;
    const char* dir = std::getenv("ZONEINFO");
    const std::string base = dir && *dir ? dir : "/usr/share/zoneinfo";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(base + "/" + std::string(name), ec)) return std::nullopt;
    if (!TimeZone::load(name)) return std::nullopt;
    return std::string(name);
}

GoTime time_in(GoTime t, const std::string& zone) {
    t.zone = zone;
    t.fixed = false;
    t.offset = 0;
    t.mono.reset();
    return t;
}

std::optional<GoTime> time_add(const GoTime& t, int64_t d) {
    GoTime out = t;
    int64_t dsec = d / kSecond;
    int64_t nsec = t.nsec + d % kSecond;
    if (nsec >= kSecond) {
        ++dsec;
        nsec -= kSecond;
    } else if (nsec < 0) {
        --dsec;
        nsec += kSecond;
    }
    if (__builtin_add_overflow(t.sec, dsec, &out.sec)) return std::nullopt;
    out.nsec = static_cast<int32_t>(nsec);
    if (t.mono && __builtin_add_overflow(*t.mono, d, &*out.mono)) out.mono.reset();
    return out;
}

int64_t time_sub(const GoTime& t, const GoTime& u) {
    if (t.mono && u.mono) {
        int64_t d = 0;
        if (!__builtin_sub_overflow(*t.mono, *u.mono, &d)) return d;
    }
    int64_t ds = 0, d = 0;
    const bool over = __builtin_sub_overflow(t.sec, u.sec, &ds) ||
                      __builtin_mul_overflow(ds, kSecond, &d) ||
                      __builtin_add_overflow(d, int64_t{t.nsec} - u.nsec, &d);
    if (!over) return d;
    const bool later = t.sec > u.sec || (t.sec == u.sec && t.nsec > u.nsec);
    return later ? INT64_MAX : INT64_MIN;
}

std::string format_time(const GoTime& t, std::string_view layout) {
    const ZoneAt zone = zone_at(t);
    const Civil c = civil_of(t.sec + zone.offset);
    std::string b;
    while (!layout.empty()) {
        const Chunk chunk = next_chunk(layout);
        b += chunk.prefix;
        if (chunk.std == kNone) break;
        layout = chunk.suffix;
        switch (chunk.std) {
            case kYear:
                append_int(b, (c.year < 0 ? -c.year : c.year) % 100, 2);
                break;
            case kLongYear:
                append_int(b, c.year, 4);
                break;
            case kMonth:
                b += kShortMonths[c.month - 1];
                break;
            case kLongMonth:
                b += kLongMonths[c.month - 1];
                break;
            case kNumMonth:
                append_int(b, c.month, 0);
                break;
            case kZeroMonth:
                append_int(b, c.month, 2);
                break;
            case kWeekDay:
                b += kShortDays[static_cast<size_t>(c.weekday)];
                break;
            case kLongWeekDay:
                b += kLongDays[static_cast<size_t>(c.weekday)];
                break;
            case kDay:
                append_int(b, c.day, 0);
                break;
            case kUnderDay:
                if (c.day < 10) b += ' ';
                append_int(b, c.day, 0);
                break;
            case kZeroDay:
                append_int(b, c.day, 2);
                break;
            case kUnderYearDay:
                if (c.yday < 100) b += c.yday < 10 ? "  " : " ";
                append_int(b, c.yday, 0);
                break;
            case kZeroYearDay:
                append_int(b, c.yday, 3);
                break;
            case kHour:
                append_int(b, c.hour, 2);
                break;
            case kHour12:
            case kZeroHour12:
                append_int(b, c.hour % 12 == 0 ? 12 : c.hour % 12, chunk.std == kHour12 ? 0 : 2);
                break;
            case kMinute:
                append_int(b, c.minute, 0);
                break;
            case kZeroMinute:
                append_int(b, c.minute, 2);
                break;
            case kSecond2:
                append_int(b, c.second, 0);
                break;
            case kZeroSecond:
                append_int(b, c.second, 2);
                break;
            case kPM:
                b += c.hour >= 12 ? "PM" : "AM";
                break;
            case kpm:
                b += c.hour >= 12 ? "pm" : "am";
                break;
            case kTZ:
                if (!zone.abbrev.empty()) {
                    b += zone.abbrev;
                } else {
                    int32_t minutes = zone.offset / 60;
                    b += minutes < 0 ? '-' : '+';
                    if (minutes < 0) minutes = -minutes;
                    append_int(b, minutes / 60, 2);
                    append_int(b, minutes % 60, 2);
                }
                break;
            case kFracSecond0:
            case kFracSecond9: {
                std::string digits = std::to_string(1'000'000'000 + t.nsec).substr(1);
                size_t n = std::min<size_t>(9, static_cast<size_t>(chunk.digits));
                if (chunk.std == kFracSecond9) {
                    while (n > 0 && digits[n - 1] == '0') --n;
                    if (n == 0) break;
                }
                b += chunk.separator;
                b.append(digits, 0, n);
                break;
            }
            default:
                append_offset(b, chunk.std, zone.offset);
        }
        if (b.size() > kMaxBytes) return b;
    }
    return b;
}

std::string time_string(const GoTime& t) {
    std::string s = format_time(t, "2006-01-02 15:04:05.999999999 -0700 MST");
    if (t.mono) {
        uint64_t m2 = static_cast<uint64_t>(*t.mono);
        s += " m=";
        s += *t.mono < 0 ? '-' : '+';
        if (*t.mono < 0) m2 = 0 - m2;
        const uint64_t m1 = m2 / 1'000'000'000 % 1'000'000'000;
        const uint64_t m0 = m2 / 1'000'000'000 / 1'000'000'000;
        m2 %= 1'000'000'000;
        int width = 0;
        if (m0 != 0) {
            append_int(s, static_cast<int64_t>(m0), 0);
            width = 9;
        }
        append_int(s, static_cast<int64_t>(m1), width);
        s += '.';
        append_int(s, static_cast<int64_t>(m2), 9);
    }
    return s;
}

namespace {

bool leading_int(std::string_view& s, uint64_t& x) {  // time's leadingInt
    x = 0;
    size_t i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        if (x > (uint64_t{1} << 63) / 10) return false;
        x = x * 10 + static_cast<uint64_t>(s[i] - '0');
        if (x > (uint64_t{1} << 63)) return false;
    }
    s.remove_prefix(i);
    return true;
}

/// time's atoi: an optional sign and digits, all of `s`.
bool time_atoi(std::string_view s, int64_t& out) {
    bool neg = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    uint64_t q = 0;
    if (!leading_int(s, q) || !s.empty()) return false;
    out = neg ? -static_cast<int64_t>(q) : static_cast<int64_t>(q);
    return true;
}

std::string_view cut_space(std::string_view s) {
    while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
    return s;
}

bool skip_prefix(std::string_view& value, std::string_view prefix) {
    while (!prefix.empty()) {
        if (prefix[0] == ' ') {
            if (!value.empty() && value[0] != ' ') return false;
            prefix = cut_space(prefix);
            value = cut_space(value);
            continue;
        }
        if (value.empty() || value[0] != prefix[0]) return false;
        prefix.remove_prefix(1);
        value.remove_prefix(1);
    }
    return true;
}

bool get_num(std::string_view& s, bool fixed, int64_t& n) {
    if (!digit_at(s, 0)) return false;
    if (!digit_at(s, 1)) {
        if (fixed) return false;
        n = s[0] - '0';
        s.remove_prefix(1);
        return true;
    }
    n = (s[0] - '0') * 10 + (s[1] - '0');
    s.remove_prefix(2);
    return true;
}

template <size_t N>
bool lookup_name(const std::array<std::string_view, N>& table, std::string_view& value,
                 int64_t& index) {
    for (size_t i = 0; i < N; ++i) {
        const std::string_view name = table[i];
        if (value.size() < name.size()) continue;
        bool same = true;
        for (size_t k = 0; k < name.size() && same; ++k) {
            char a = value[k], b = name[k];
            if (a != b) {
                a = static_cast<char>(a | 0x20);
                b = static_cast<char>(b | 0x20);
                same = a == b && a >= 'a' && a <= 'z';
            }
        }
        if (same) {
            index = static_cast<int64_t>(i);
            value.remove_prefix(name.size());
            return true;
        }
    }
    return false;
}

size_t parse_signed_offset(std::string_view value) {
    if (value.empty() || (value[0] != '-' && value[0] != '+')) return 0;
    std::string_view rest = value.substr(1);
    uint64_t x = 0;
    if (!leading_int(rest, x) || rest.size() == value.size() - 1 || x > 23) return 0;
    return value.size() - rest.size();
}

/// parseTimeZone: the length of a zone abbreviation at the start of `value`, or 0.
size_t parse_time_zone(std::string_view value) {
    if (value.size() < 3) return 0;
    if (value.substr(0, 4) == "ChST" || value.substr(0, 4) == "MeST") return 4;
    if (value.substr(0, 3) == "GMT")
        return 3 + (value.size() > 3 ? parse_signed_offset(value.substr(3)) : 0);
    if (value[0] == '+' || value[0] == '-') return parse_signed_offset(value);
    size_t upper = 0;
    while (upper < 6 && upper < value.size() && value[upper] >= 'A' && value[upper] <= 'Z') ++upper;
    switch (upper) {
        case 5:
            return value[4] == 'T' ? 5 : 0;
        case 4:
            return value[3] == 'T' || value.substr(0, 4) == "WITA" ? 4 : 0;
        case 3:
            return 3;
        default:
            return 0;
    }
}

bool parse_nanoseconds(std::string_view value, size_t nbytes, int64_t& ns) {
    if (value.empty() || (value[0] != '.' && value[0] != ',')) return false;
    if (nbytes > 10) nbytes = 10;
    if (!time_atoi(value.substr(1, nbytes - 1), ns) || ns < 0) return false;
    for (size_t i = 0; i < 10 - nbytes; ++i) ns *= 10;
    return true;
}

bool is_leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int days_in(int64_t month, int64_t year) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

/// time.Date's seconds for a wall-clock time in `zone` (its offset at the wall time
/// read as UTC, corrected once, as Go's Date does).
int64_t date_in(int64_t wall, const std::string& zone) {
    GoTime probe;
    probe.zone = zone;
    probe.sec = wall;
    const int32_t first = zone_at(probe).offset;
    if (first == 0) return wall;
    probe.sec = wall - first;
    return wall - zone_at(probe).offset;
}

}  // namespace

expected<GoTime, std::string> parse_time(std::string_view layout, std::string_view value_in) {
    const std::string_view full_layout = layout;
    std::string_view value = value_in;
    auto fail = [&](std::string_view layout_elem, std::string_view value_elem,
                    const std::string& message) {
        if (!message.empty()) return "parsing time " + go_quote(value_in) + message;
        return "parsing time " + go_quote(value_in) + " as " + go_quote(full_layout) +
               ": cannot parse " + go_quote(value_elem) + " as " + go_quote(layout_elem);
    };
    bool am = false, pm = false;
    int64_t year = 0, month = -1, day = -1, yday = -1, hour = 0, minute = 0, second = 0, nsec = 0;
    bool utc = false;
    int64_t zone_offset = -1;
    std::string zone_name;
    for (;;) {
        const Chunk chunk = next_chunk(layout);
        const std::string_view std_text = layout.substr(
            chunk.prefix.size(), layout.size() - chunk.prefix.size() - chunk.suffix.size());
        if (!skip_prefix(value, chunk.prefix)) return unexpected(fail(chunk.prefix, value, ""));
        if (chunk.std == kNone) {
            if (!value.empty())
                return unexpected(fail("", value, ": extra text: " + go_quote(value)));
            break;
        }
        layout = chunk.suffix;
        bool ok = true;
        std::string range;
        switch (chunk.std) {
            case kYear: {
                if (value.size() < 2) {
                    ok = false;
                    break;
                }
                if (!time_atoi(value.substr(0, 2), year)) {
                    ok = false;
                    break;
                }
                value.remove_prefix(2);
                year += year >= 69 ? 1900 : 2000;
                break;
            }
            case kLongYear:
                if (value.size() < 4 || !digit_at(value, 0) ||
                    !time_atoi(value.substr(0, 4), year)) {
                    ok = false;
                    break;
                }
                value.remove_prefix(4);
                break;
            case kMonth:
                ok = lookup_name(kShortMonths, value, month);
                ++month;
                break;
            case kLongMonth:
                ok = lookup_name(kLongMonths, value, month);
                ++month;
                break;
            case kNumMonth:
            case kZeroMonth:
                ok = get_num(value, chunk.std == kZeroMonth, month);
                if (ok && (month <= 0 || month > 12)) range = "month";
                break;
            case kWeekDay:
            case kLongWeekDay: {
                int64_t ignored = 0;
                ok = chunk.std == kWeekDay ? lookup_name(kShortDays, value, ignored)
                                           : lookup_name(kLongDays, value, ignored);
                break;
            }
            case kDay:
            case kUnderDay:
            case kZeroDay:
                if (chunk.std == kUnderDay && !value.empty() && value[0] == ' ')
                    value.remove_prefix(1);
                ok = get_num(value, chunk.std == kZeroDay, day);
                break;
            case kUnderYearDay:
            case kZeroYearDay: {
                for (int i = 0; i < 2; ++i)
                    if (chunk.std == kUnderYearDay && !value.empty() && value[0] == ' ')
                        value.remove_prefix(1);
                size_t i = 0;
                int64_t n = 0;
                for (; i < 3 && digit_at(value, i); ++i) n = n * 10 + (value[i] - '0');
                if (i == 0 || (chunk.std == kZeroYearDay && i != 3)) {
                    ok = false;
                    break;
                }
                yday = n;
                value.remove_prefix(i);
                break;
            }
            case kHour:
                ok = get_num(value, false, hour);
                if (hour < 0 || hour >= 24) range = "hour";
                break;
            case kHour12:
            case kZeroHour12:
                ok = get_num(value, chunk.std == kZeroHour12, hour);
                if (hour < 0 || hour > 12) range = "hour";
                break;
            case kMinute:
            case kZeroMinute:
                ok = get_num(value, chunk.std == kZeroMinute, minute);
                if (minute < 0 || minute >= 60) range = "minute";
                break;
            case kSecond2:
            case kZeroSecond: {
                ok = get_num(value, chunk.std == kZeroSecond, second);
                if (second < 0 || second >= 60) {
                    range = "second";
                    break;
                }
                if (!ok) break;
                if (value.size() >= 2 && (value[0] == '.' || value[0] == ',') &&
                    digit_at(value, 1)) {
                    const Std next = next_chunk(layout).std;
                    if (next == kFracSecond0 || next == kFracSecond9) break;
                    size_t n = 2;
                    while (n < value.size() && digit_at(value, n)) ++n;
                    ok = parse_nanoseconds(value, n, nsec);
                    value.remove_prefix(n);
                }
                break;
            }
            case kPM:
            case kpm: {
                if (value.size() < 2) {
                    ok = false;
                    break;
                }
                const std::string_view p = value.substr(0, 2);
                value.remove_prefix(2);
                if (p == (chunk.std == kPM ? "PM" : "pm"))
                    pm = true;
                else if (p == (chunk.std == kPM ? "AM" : "am"))
                    am = true;
                else
                    ok = false;
                break;
            }
            case kTZ:
                if (value.substr(0, 3) == "UTC") {
                    utc = true;
                    value.remove_prefix(3);
                    break;
                }
                if (const size_t n = parse_time_zone(value); n > 0) {
                    zone_name = std::string(value.substr(0, n));
                    value.remove_prefix(n);
                } else {
                    ok = false;
                }
                break;
            case kFracSecond0: {
                const size_t n = 1 + static_cast<size_t>(chunk.digits);
                if (value.size() < n) {
                    ok = false;
                    break;
                }
                ok = parse_nanoseconds(value, n, nsec);
                value.remove_prefix(n);
                break;
            }
            case kFracSecond9: {
                if (value.size() < 2 || (value[0] != '.' && value[0] != ',') || !digit_at(value, 1))
                    break;
                size_t i = 0;
                while (i < 9 && i + 1 < value.size() && digit_at(value, i + 1)) ++i;
                ok = parse_nanoseconds(value, 1 + i, nsec);
                value.remove_prefix(1 + i);
                break;
            }
            default: {  // the numeric zones
                const Std s = chunk.std;
                if ((s == kISO8601TZ || s == kISO8601ShortTZ || s == kISO8601ColonTZ) &&
                    !value.empty() && value[0] == 'Z') {
                    value.remove_prefix(1);
                    utc = true;
                    break;
                }
                std::string_view sign, hh, mm, ss = "00";
                size_t len = 0;
                if (s == kISO8601ColonTZ || s == kNumColonTZ) {
                    len = 6;
                    ok = value.size() >= 6 && value[3] == ':';
                    if (ok) mm = value.substr(4, 2);
                } else if (s == kNumShortTZ || s == kISO8601ShortTZ) {
                    len = 3;
                    ok = value.size() >= 3;
                    mm = "00";
                } else if (s == kISO8601ColonSecondsTZ || s == kNumColonSecondsTZ) {
                    len = 9;
                    ok = value.size() >= 9 && value[3] == ':' && value[6] == ':';
                    if (ok) {
                        mm = value.substr(4, 2);
                        ss = value.substr(7, 2);
                    }
                } else if (s == kISO8601SecondsTZ || s == kNumSecondsTz) {
                    len = 7;
                    ok = value.size() >= 7;
                    if (ok) {
                        mm = value.substr(3, 2);
                        ss = value.substr(5, 2);
                    }
                } else {
                    len = 5;
                    ok = value.size() >= 5;
                    if (ok) mm = value.substr(3, 2);
                }
                if (!ok) break;
                sign = value.substr(0, 1);
                hh = value.substr(1, 2);
                value.remove_prefix(len);
                int64_t h = 0, m = 0, sec = 0;
                ok = time_atoi(hh, h) && time_atoi(mm, m) && time_atoi(ss, sec);
                zone_offset = (h * 60 + m) * 60 + sec;
                if (sign == "-")
                    zone_offset = -zone_offset;
                else if (sign != "+")
                    ok = false;
            }
        }
        if (!range.empty())
            return unexpected(fail(std_text, value, ": " + range + " out of range"));
        if (!ok) return unexpected(fail(std_text, value, ""));
    }
    if (pm && hour < 12)
        hour += 12;
    else if (am && hour == 12)
        hour = 0;
    if (yday >= 0) {
        int64_t d = 0, m = 0;
        if (is_leap(year)) {
            if (yday == 31 + 29) {
                m = 2;
                d = 29;
            } else if (yday > 31 + 29) {
                --yday;
            }
        }
        if (yday < 1 || yday > 365)
            return unexpected(fail("", value, ": day-of-year out of range"));
        if (m == 0) {
            static constexpr int kBefore[] = {0,   31,  59,  90,  120, 151, 181,
                                              212, 243, 273, 304, 334, 365};
            m = (yday - 1) / 31 + 1;
            if (kBefore[m] < yday) ++m;
            d = yday - kBefore[m - 1];
        }
        if (month >= 0 && month != m)
            return unexpected(fail("", value, ": day-of-year does not match month"));
        month = m;
        if (day >= 0 && day != d)
            return unexpected(fail("", value, ": day-of-year does not match day"));
        day = d;
    } else {
        if (month < 0) month = 1;
        if (day < 0) day = 1;
    }
    if (day < 1 || day > days_in(month, year))
        return unexpected(fail("", value, ": day out of range"));
    const int64_t wall =
        days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
        hour * 3600 + minute * 60 + second;
    GoTime t;
    t.nsec = static_cast<int32_t>(nsec);
    if (utc) {
        t.sec = wall;
        return t;
    }
    GoTime local;
    local.zone = "Local";
    if (zone_offset != -1) {
        t.sec = wall - zone_offset;
        local.sec = t.sec;
        const ZoneAt here = zone_at(local);
        if (here.offset == zone_offset && (zone_name.empty() || here.abbrev == zone_name)) {
            t.zone = "Local";
            return t;
        }
        t.fixed = true;
        t.zone = zone_name;
        t.offset = static_cast<int32_t>(zone_offset);
        return t;
    }
    if (!zone_name.empty()) {
        // local.lookupName: the offset of a zone of Local's with that abbreviation.
        for (int64_t probe : {wall, wall - int64_t{86400} * 182, wall + int64_t{86400} * 182}) {
            local.sec = probe;
            const ZoneAt z = zone_at(local);
            if (z.abbrev == zone_name) {
                t.sec = wall - z.offset;
                t.zone = "Local";
                return t;
            }
        }
        int64_t offset = 0;
        if (zone_name.size() > 3 && zone_name.substr(0, 3) == "GMT") {
            time_atoi(std::string_view(zone_name).substr(3), offset);
            offset *= 3600;
        }
        t.sec = wall;  // Go keeps the wall clock as UTC here (no offset applied)
        t.fixed = true;
        t.zone = zone_name;
        t.offset = static_cast<int32_t>(offset);
        return t;
    }
    t.zone = "Local";
    t.sec = date_in(wall, "Local");
    return t;
}

std::string duration_string(int64_t d) {
    if (d == 0) return "0s";
    uint64_t u = static_cast<uint64_t>(d);
    const bool neg = d < 0;
    if (neg) u = 0 - u;
    // fmtFrac: the fraction's `prec` digits without trailing zeros (and no point for none).
    auto frac = [](uint64_t& v, int prec) {
        std::string digits;
        bool print = false;
        for (int i = 0; i < prec; ++i) {
            const uint64_t digit = v % 10;
            print = print || digit != 0;
            if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
            v /= 10;
        }
        return print ? "." + digits : std::string();
    };
    std::string out;
    if (u < static_cast<uint64_t>(kSecond)) {
        int prec = 0;
        std::string unit;
        if (u < 1000) {
            unit = "ns";
        } else if (u < 1'000'000) {
            prec = 3;
            unit = "\u00b5s";
        } else {
            prec = 6;
            unit = "ms";
        }
        const std::string f = frac(u, prec);
        out = std::to_string(u) + f + unit;
    } else {
        const std::string f = frac(u, 9);
        out = std::to_string(u % 60) + f + "s";
        u /= 60;
        if (u > 0) {
            out = std::to_string(u % 60) + "m" + out;
            u /= 60;
            if (u > 0) out = std::to_string(u) + "h" + out;
        }
    }
    return neg ? "-" + out : out;
}

expected<int64_t, std::string> parse_duration(std::string_view s) {
    const std::string invalid = "time: invalid duration " + go_quote(s);
    const std::string_view orig = s;
    bool neg = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s == "0") return int64_t{0};
    if (s.empty()) return unexpected(invalid);
    uint64_t d = 0;
    while (!s.empty()) {
        if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) return unexpected(invalid);
        const size_t before = s.size();
        uint64_t v = 0, f = 0;
        double scale = 1;
        if (!leading_int(s, v)) return unexpected(invalid);
        const bool pre = before != s.size();
        bool post = false;
        if (!s.empty() && s[0] == '.') {
            s.remove_prefix(1);
            const size_t at = s.size();
            bool overflow = false;
            size_t i = 0;
            for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
                if (overflow) continue;
                if (f > ((uint64_t{1} << 63) - 1) / 10) {
                    overflow = true;
                    continue;
                }
                const uint64_t y = f * 10 + static_cast<uint64_t>(s[i] - '0');
                if (y > (uint64_t{1} << 63)) {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10;
            }
            s.remove_prefix(i);
            post = at != s.size();
        }
        if (!pre && !post) return unexpected(invalid);
        size_t i = 0;
        while (i < s.size() && s[i] != '.' && !(s[i] >= '0' && s[i] <= '9')) ++i;
        if (i == 0) return unexpected("time: missing unit in duration " + go_quote(orig));
        const std::string_view unit_name = s.substr(0, i);
        s.remove_prefix(i);
        static const std::map<std::string_view, uint64_t> kUnits = {{"ns", 1},
                                                                    {"us", 1000},
                                                                    {"\u00b5s", 1000},
                                                                    {"\u03bcs", 1000},
                                                                    {"ms", 1'000'000},
                                                                    {"s", 1'000'000'000},
                                                                    {"m", 60'000'000'000},
                                                                    {"h", 3'600'000'000'000}};
        const auto unit = kUnits.find(unit_name);
        if (unit == kUnits.end())
            return unexpected("time: unknown unit " + go_quote(unit_name) + " in duration " +
                              go_quote(orig));
        if (v > (uint64_t{1} << 63) / unit->second) return unexpected(invalid);
        v *= unit->second;
        if (f > 0) {
            v += static_cast<uint64_t>(static_cast<double>(f) *
                                       (static_cast<double>(unit->second) / scale));
            if (v > (uint64_t{1} << 63)) return unexpected(invalid);
        }
        d += v;
        if (d > (uint64_t{1} << 63)) return unexpected(invalid);
    }
    if (neg) return static_cast<int64_t>(0 - d);
    if (d > (uint64_t{1} << 63) - 1) return unexpected(invalid);
    return static_cast<int64_t>(d);
}

int64_t duration_round(int64_t d, int64_t m) {
    if (m <= 0) return d;
    int64_t r = d % m;
    auto less_than_half = [](int64_t x, int64_t y) {
        return static_cast<uint64_t>(x) + static_cast<uint64_t>(x) < static_cast<uint64_t>(y);
    };
    if (d < 0) {
        r = -r;
        if (less_than_half(r, m)) return d + r;
        int64_t d1 = 0;
        if (!__builtin_sub_overflow(d, m - r, &d1) && d1 < d) return d1;
        return INT64_MIN;
    }
    if (less_than_half(r, m)) return d - r;
    int64_t d1 = 0;
    if (!__builtin_add_overflow(d, m - r, &d1) && d1 > d) return d1;
    return INT64_MAX;
}

std::optional<Value> time_method(const GoTime& t, std::string_view name) {
    const Civil c = civil_of(t.sec + zone_at(t).offset);
    if (name == "Year") return Value(c.year);
    if (name == "Month") return make_stringer("time.Month", kLongMonths[c.month - 1]);
    if (name == "Day") return Value(static_cast<int64_t>(c.day));
    if (name == "Hour") return Value(c.hour);
    if (name == "Minute") return Value(c.minute);
    if (name == "Second") return Value(c.second);
    if (name == "Nanosecond") return Value(t.nsec);
    if (name == "YearDay") return Value(c.yday);
    if (name == "Weekday")
        return make_stringer("time.Weekday", kLongDays[static_cast<size_t>(c.weekday)]);
    if (name == "Unix") return Value(t.sec);
    if (name == "UnixMilli" || name == "UnixMicro" || name == "UnixNano") {
        const int64_t scale = name == "UnixMilli"   ? 1000
                              : name == "UnixMicro" ? 1'000'000
                                                    : kSecond;
        // Go's int64 arithmetic wraps where the result does not fit; so does this.
        const uint64_t wide = static_cast<uint64_t>(t.sec) * static_cast<uint64_t>(scale) +
                              static_cast<uint64_t>(t.nsec / (kSecond / scale));
        return Value(static_cast<int64_t>(wide));
    }
    if (name == "UTC") return make_time(time_in(t, "UTC"));
    if (name == "Local") return make_time(time_in(t, "Local"));
    if (name == "IsZero") return Value(t.sec == GoTime{}.sec && t.nsec == 0);
    if (name == "String") return Value(time_string(t));
    return std::nullopt;
}

Value make_stringer(std::string_view type, std::string_view text) {
    std::vector<uint8_t> bytes(type.begin(), type.end());
    bytes.push_back(0);
    bytes.insert(bytes.end(), text.begin(), text.end());
    return Value::binary(std::move(bytes), kStringerSubtype);
}

bool is_stringer(const Value& v) {
    return v.is_binary() && v.get_binary().has_subtype() &&
           v.get_binary().subtype() == kStringerSubtype;
}

std::string stringer_type(const Value& v) {
    const auto& b = v.get_binary();
    return {b.begin(), std::find(b.begin(), b.end(), uint8_t{0})};
}

std::string stringer_text(const Value& v) {
    const auto& b = v.get_binary();
    auto nul = std::find(b.begin(), b.end(), uint8_t{0});
    return nul == b.end() ? std::string() : std::string(nul + 1, b.end());
}

Value stringer_json(const Value& v) {
    const std::string type = stringer_type(v), text = stringer_text(v);
    if (type == "time.Month")
        for (size_t i = 0; i < kLongMonths.size(); ++i)
            if (kLongMonths[i] == text) return static_cast<int64_t>(i + 1);
    if (type == "time.Weekday")
        for (size_t i = 0; i < kLongDays.size(); ++i)
            if (kLongDays[i] == text) return static_cast<int64_t>(i);
    return text;
}

}  // namespace stash_hook::tmpl

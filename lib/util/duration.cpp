#include "util/duration.hpp"

#include <cstdint>
#include <limits>

namespace stash_hook {
namespace {

struct Unit {
    std::string_view name;
    int64_t nanos;
};

// Longest names first so that "ms" wins over "m".
constexpr Unit kUnits[] = {
    {"ns", 1},
    {"us", 1'000},
    {"\xC2\xB5s", 1'000},  // U+00B5 micro sign
    {"\xCE\xBCs", 1'000},
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

expected<Duration, std::string> parse_duration(std::string_view text) {
    const std::string quoted = "\"" + std::string(text) + "\"";
    std::string_view s = text;
    bool negative = false;
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
        negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s == "0") return Duration{0};
    if (s.empty()) return unexpected("invalid duration " + quoted);

    // Accumulate in long double-free integer arithmetic, like Go: whole part * unit
    // plus the fraction scaled to the unit, with overflow checks.
    uint64_t total = 0;
    constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    while (!s.empty()) {
        if (!is_digit(s.front()) && s.front() != '.')
            return unexpected("invalid duration " + quoted);
        uint64_t whole = 0;
        bool any_digits = false;
        while (!s.empty() && is_digit(s.front())) {
            if (whole > (kMax - (s.front() - '0')) / 10)
                return unexpected("duration " + quoted + " is too large");
            whole = whole * 10 + (s.front() - '0');
            s.remove_prefix(1);
            any_digits = true;
        }
        uint64_t frac = 0;
        uint64_t scale = 1;
        if (!s.empty() && s.front() == '.') {
            s.remove_prefix(1);
            while (!s.empty() && is_digit(s.front())) {
                if (scale < 1'000'000'000'000'000'000ULL) {  // digits beyond 1e-18 are dropped
                    frac = frac * 10 + (s.front() - '0');
                    scale *= 10;
                }
                s.remove_prefix(1);
                any_digits = true;
            }
        }
        if (!any_digits) return unexpected("invalid duration " + quoted);
        const Unit* unit = nullptr;
        for (const auto& u : kUnits) {
            if (s.substr(0, u.name.size()) == u.name &&
                (unit == nullptr || u.name.size() > unit->name.size()))
                unit = &u;
        }
        if (unit == nullptr) {
            if (s.empty())
                return unexpected("missing unit in duration " + quoted + " (write e.g. " +
                                  std::string(text) + "s)");
            return unexpected("unknown unit in duration " + quoted +
                              " (use ns, us, ms, s, m or h)");
        }
        s.remove_prefix(unit->name.size());
        const uint64_t u = static_cast<uint64_t>(unit->nanos);
        if (whole > kMax / u) return unexpected("duration " + quoted + " is too large");
        uint64_t value = whole * u;
        if (frac > 0) {
            value += static_cast<uint64_t>(static_cast<long double>(frac) * u / scale);
            if (value > kMax) return unexpected("duration " + quoted + " is too large");
        }
        if (total > kMax - value) return unexpected("duration " + quoted + " is too large");
        total += value;
    }
    const auto n = static_cast<int64_t>(total);
    return Duration{negative ? -n : n};
}

namespace {

// Appends v / 10^prec as a decimal with trailing zeros of the fraction removed.
std::string fixed(uint64_t v, int prec) {
    std::string frac;
    bool print = false;
    for (int i = 0; i < prec; ++i) {
        const int digit = static_cast<int>(v % 10);
        print = print || digit != 0;
        if (print) frac.insert(frac.begin(), static_cast<char>('0' + digit));
        v /= 10;
    }
    std::string out = std::to_string(v);
    if (print) out += "." + frac;
    return out;
}

}  // namespace

std::string format_duration(Duration d) {
    int64_t n = d.count();
    if (n == 0) return "0s";
    std::string sign = n < 0 ? "-" : "";
    uint64_t u = n < 0 ? static_cast<uint64_t>(-(n + 1)) + 1 : static_cast<uint64_t>(n);
    if (u < 1'000'000'000ULL) {
        if (u < 1'000ULL) return sign + std::to_string(u) + "ns";
        if (u < 1'000'000ULL) return sign + fixed(u, 3) + "\xC2\xB5s";
        return sign + fixed(u, 6) + "ms";
    }
    const uint64_t hours = u / 3'600'000'000'000ULL;
    u -= hours * 3'600'000'000'000ULL;
    const uint64_t minutes = u / 60'000'000'000ULL;
    u -= minutes * 60'000'000'000ULL;
    std::string out = sign;
    if (hours > 0) out += std::to_string(hours) + "h";
    if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
    out += fixed(u, 9) + "s";
    return out;
}

std::string format_duration_ms(Duration d) {
    if (d < std::chrono::milliseconds(1) && d > -std::chrono::milliseconds(1))
        return format_duration(std::chrono::round<std::chrono::microseconds>(d));
    return format_duration(std::chrono::round<std::chrono::milliseconds>(d));
}

}  // namespace stash_hook

#include "util/clock.hpp"

#include <ctime>
#include <random>

namespace stash_hook {
namespace {

/// `t` in UTC: RFC 3339, or compact for names. Literal formats, so -Wformat=2 checks them.
std::string format_utc(WallTime t, bool compact) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    if (compact)
        std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    else
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace

std::string format_rfc3339(WallTime t) { return format_utc(t, false); }

std::string make_session_name(const std::string& base, WallTime start) {
    std::random_device rd;
    char suffix[8];
    std::snprintf(suffix, sizeof suffix, "%04x", rd() & 0xffffu);
    return base + "-" + format_utc(start, true) + "-" + suffix;
}

}  // namespace stash_hook

#include "util/clock.hpp"

#include <ctime>
#include <random>

namespace stash_hook {
namespace {

std::string format_utc(WallTime t, const char* format) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

}  // namespace

std::string format_rfc3339(WallTime t) { return format_utc(t, "%Y-%m-%dT%H:%M:%SZ"); }

std::string make_session_name(const std::string& base, WallTime start) {
    std::random_device rd;
    char suffix[8];
    std::snprintf(suffix, sizeof suffix, "%04x", rd() & 0xffffu);
    return base + "-" + format_utc(start, "%Y%m%d-%H%M%S") + "-" + suffix;
}

}  // namespace stash_hook

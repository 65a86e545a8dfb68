#pragma once
// Go-syntax durations ("500ms", "1m30s", "2h"), the only form the spec accepts.

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace stash_hook {

using Duration = std::chrono::nanoseconds;

/// Parses Go's time.ParseDuration syntax: an optional sign, then one or more
/// decimal numbers, each with an optional fraction and a unit (ns, us, µs, ms, s, m, h).
/// "0" alone is accepted, as in Go. A bare number such as "30" is an error.
expected<Duration, std::string> parse_duration(std::string_view text);

/// Formats like Go's Duration.String(): "1h2m3.5s", "120ms", "0s".
std::string format_duration(Duration d);

/// For reports: rounds to whole milliseconds (microseconds below 1ms) and formats
/// with format_duration.
std::string format_duration_ms(Duration d);

/// `now + d`, saturated at the clock's last time point instead of overflowing, so a
/// timeout such as 2562047h47m16.854775807s (the largest) means "never" rather than
/// a deadline in the past.
template <class TimePoint>
TimePoint deadline_after(TimePoint now, Duration d) {
    const auto since = std::chrono::duration_cast<Duration>(now.time_since_epoch()).count();
    if (d.count() > 0 && since > std::numeric_limits<int64_t>::max() - d.count())
        return TimePoint::max();
    return now + std::chrono::duration_cast<typename TimePoint::duration>(d);
}

}  // namespace stash_hook

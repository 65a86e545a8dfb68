#pragma once
// Time zones read from the tz database (TZif files, RFC 8536: the 64-bit section,
// its transitions and types, and the POSIX TZ footer for instants past the last
// transition), or a POSIX TZ string. No libc time state is used: the answers
// depend only on the zone's data and the arguments.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.hpp"

namespace stash_hook {

class TimeZone {
  public:
    /// "Europe/Berlin", "UTC", ":America/New_York", an absolute TZif path, or a POSIX
    /// TZ string ("EST5EDT,M3.2.0,M11.1.0"). "Local" or "" is local().
    static expected<TimeZone, std::string> load(std::string_view name);
    /// $TZ if set and non-empty, else /etc/localtime, else UTC.
    static expected<TimeZone, std::string> local();
    static TimeZone utc();

    /// The zone's name as given ("Europe/Berlin"), or "Local" for /etc/localtime.
    const std::string& name() const;

    struct Info {
        int32_t offset;           // seconds east of UTC
        std::string_view abbrev;  // "CET"
    };
    /// The offset and abbreviation in force at `t` (seconds since the epoch).
    Info info_at(int64_t t) const;

    /// The instants a wall-clock time (seconds since 1970-01-01T00:00 local) denotes:
    /// one; two (a fall-back repeats it: `first` < `second`); or none (a spring-forward
    /// skips it: `first` is then the transition's instant, the first one after the gap).
    struct Local {
        enum Kind { unique, repeated, skipped } kind;
        int64_t first;
        int64_t second;
    };
    Local resolve(int64_t wall) const;

    /// Smallest and largest offset in force over [lo, hi].
    std::pair<int32_t, int32_t> offset_range(int64_t lo, int64_t hi) const;

    struct Data;

  private:
    std::shared_ptr<const Data> data_;
};

/// Days since 1970-01-01 for a proleptic Gregorian date, and back (H. Hinnant's algorithms).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d);

/// a / b rounded towards minus infinity (b > 0): the day of a time before 1970 too.
int64_t floor_div(int64_t a, int64_t b);

}  // namespace stash_hook

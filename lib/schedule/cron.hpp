#pragma once
// Cron schedules in robfig/cron v3's standard language (what Kubernetes CronJobs and
// Stash accept): 5 fields (minute hour day-of-month month day-of-week) with ranges,
// lists, steps, month and weekday names and `?`; the @hourly-style descriptors;
// `@every <duration>`; an optional `CRON_TZ=<zone>` or `TZ=<zone>` prefix. Next due
// times are computed on wall-clock fields in the schedule's zone, read from the tz
// database (time_zone.hpp), with the DST rules of the man page's SCHEDULES section.

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "schedule/time_zone.hpp"
#include "util/expected.hpp"

namespace stash_hook {

class CronSchedule {
  public:
    /// Parses "*/15 2-4 * jan-jun mon,wed", "@daily", "@every 1h30m" or
    /// "CRON_TZ=Europe/Berlin 0 3 * * *". Without a prefix the zone is `zone`, or
    /// local time (TimeZone::local()) when it is empty. Errors name the field and say
    /// what to write instead.
    static expected<CronSchedule, std::string> parse(std::string_view text,
                                                     std::string_view zone = {});

    /// The first due time strictly after `after`. Never in the past, and the same
    /// due time is never returned for a later `after`. time_point::max() if none.
    std::chrono::system_clock::time_point next_after(
        std::chrono::system_clock::time_point after) const;

    const std::string& text() const { return text_; }

    /// The five fields as parsed (descriptors expanded), for translating a schedule
    /// into another scheduler's language; nothing for @every, which has no fields.
    struct Fields {
        std::bitset<60> minutes;
        std::bitset<24> hours;
        std::bitset<32> days;     // 1-31
        std::bitset<13> months;   // 1-12
        std::bitset<7> weekdays;  // 0-6, Sunday 0
        bool any_day = true;      // day of month * or ?: the weekdays alone decide, and vice versa;
        bool any_weekday = true;  // both restricted: either matching is enough (robfig)
    };
    std::optional<Fields> fields() const {
        if (every_) return std::nullopt;
        return Fields{minutes_, hours_, days_, months_, weekdays_, any_day_, any_weekday_};
    }
    std::optional<std::chrono::seconds> every() const { return every_; }
    const TimeZone& zone() const { return zone_; }

    /// "2026-12-01 03:00:00 CET" in the schedule's zone.
    std::string format(std::chrono::system_clock::time_point t) const;

    /// The next `count` due times after `after`, formatted, then the zone's name:
    /// "2026-12-01 03:00:00 CET, 2026-12-02 03:00:00 CET (Europe/Berlin)".
    std::string describe_next(std::chrono::system_clock::time_point after, int count) const;

  private:
    int64_t next_seconds(int64_t after) const;

    std::string text_;
    TimeZone zone_ = TimeZone::utc();
    std::optional<std::chrono::seconds> every_;
    std::bitset<60> minutes_;
    std::bitset<24> hours_;
    std::bitset<32> days_;     // 1-31
    std::bitset<13> months_;   // 1-12
    std::bitset<7> weekdays_;  // 0-6, Sunday 0
    bool any_day_ = true;      // day-of-month started with * or ? (robfig's star bit)
    bool any_weekday_ = true;  // day-of-week likewise
    bool cadence_ =
        false;  // minute or hour has a wildcard or a step: both passes of a repeated hour run
};

}  // namespace stash_hook

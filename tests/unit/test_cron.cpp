#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>

#include "schedule/cron.hpp"

using namespace stash_hook;
using Clock = std::chrono::system_clock;

namespace {

/// A local time, built with mktime (TZ is pinned to UTC for these tests).
Clock::time_point at(int year, int month, int day, int hour, int minute, int second = 0) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    tm.tm_isdst = -1;
    return Clock::from_time_t(std::mktime(&tm));
}

Clock::time_point next(const char* expr, Clock::time_point after) {
    auto s = CronSchedule::parse(expr);
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error()));
    return s->next_after(after);
}

struct UtcZone {
    UtcZone() {
        setenv("TZ", "UTC", 1);
        tzset();
    }
};

}  // namespace

TEST_CASE("cron schedules find the next matching minute") {
    UtcZone utc;
    const auto t = at(2026, 11, 26, 13, 7, 30);  // a Thursday
    CHECK(next("* * * * *", t) == at(2026, 11, 26, 13, 8));
    CHECK(next("*/15 * * * *", t) == at(2026, 11, 26, 13, 15));
    CHECK(next("0 2 * * *", t) == at(2026, 11, 27, 2, 0));
    CHECK(next("30 2-4 * * *", at(2026, 11, 27, 2, 30)) == at(2026, 11, 27, 3, 30));
    CHECK(next("0 0 1 * *", t) == at(2026, 12, 1, 0, 0));
    CHECK(next("0 9 * * mon", t) == at(2026, 11, 30, 9, 0));
    CHECK(next("0 9 * * 1-5", at(2026, 11, 27, 10, 0)) == at(2026, 11, 30, 9, 0));  // Friday -> Monday
    CHECK(next("0 0 * jan,jun *", t) == at(2027, 1, 1, 0, 0));
    CHECK(next("5,35 * * * *", t) == at(2026, 11, 26, 13, 35));
    CHECK(next("0 0 29 2 *", t) == at(2028, 2, 29, 0, 0));
    CHECK(next("0 12 * * sun", t) == next("0 12 * * 7", t));
    // Both day fields restricted: either matches (Vixie cron).
    CHECK(next("0 0 1 * fri", t) == at(2026, 11, 27, 0, 0));
}

TEST_CASE("cron shorthands") {
    UtcZone utc;
    const auto t = at(2026, 11, 26, 13, 7);
    CHECK(next("@hourly", t) == at(2026, 11, 26, 14, 0));
    CHECK(next("@daily", t) == at(2026, 11, 27, 0, 0));
    CHECK(next("@midnight", t) == at(2026, 11, 27, 0, 0));
    CHECK(next("@weekly", t) == at(2026, 11, 29, 0, 0));
    CHECK(next("@monthly", t) == at(2026, 12, 1, 0, 0));
    CHECK(next("@yearly", t) == at(2027, 1, 1, 0, 0));
}

TEST_CASE("bad cron expressions say which field is wrong") {
    CHECK(CronSchedule::parse("* * * *").error().find("5 fields") != std::string::npos);
    CHECK(CronSchedule::parse("60 * * * *").error() == "minute: 60 is out of range (0-59)");
    CHECK(CronSchedule::parse("* 24 * * *").error() == "hour: 24 is out of range (0-23)");
    CHECK(CronSchedule::parse("* * 0 * *").error() == "day of month: 0 is out of range (1-31)");
    CHECK(CronSchedule::parse("* * * foo *").error() == "month: \"foo\" is not a number or a name");
    CHECK(CronSchedule::parse("* * * * 5-2").error() == "day of week: range 5-2 runs backwards");
    CHECK(CronSchedule::parse("*/0 * * * *").error().find("bad step") != std::string::npos);
    CHECK(CronSchedule::parse("@sometimes").error().find("unknown shorthand") != std::string::npos);
}

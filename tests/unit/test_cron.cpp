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
    CHECK(next("0 9 * * 1-5", at(2026, 11, 27, 10, 0)) ==
          at(2026, 11, 30, 9, 0));  // Friday -> Monday
    CHECK(next("0 0 * jan,jun *", t) == at(2027, 1, 1, 0, 0));
    CHECK(next("5,35 * * * *", t) == at(2026, 11, 26, 13, 35));
    CHECK(next("0 0 29 2 *", t) == at(2028, 2, 29, 0, 0));
    CHECK(next("0 12 * * sun", t) == next("0 12 * * 0", t));
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
    CHECK(CronSchedule::parse("* * * foo *").error() ==
          "month: \"foo\" is not a number or a name (jan-dec)");
    CHECK(CronSchedule::parse("* * * * 5-2").error() ==
          "day of week: range 5-2 runs backwards (write 5-6,0-2)");
    CHECK(CronSchedule::parse("*/0 * * * *").error().find("bad step") != std::string::npos);
    CHECK(CronSchedule::parse("@sometimes").error().find("unknown descriptor") !=
          std::string::npos);
}

namespace {

/// An instant given in UTC.
Clock::time_point utc(int year, unsigned month, unsigned day, int hour, int minute,
                      int second = 0) {
    return Clock::time_point(std::chrono::seconds(days_from_civil(year, month, day) * 86400 +
                                                  hour * 3600 + minute * 60 + second));
}

CronSchedule sched(const std::string& expr) {
    auto s = CronSchedule::parse(expr);
    REQUIRE_MESSAGE(s.has_value(), expr << ": " << (s ? "" : s.error()));
    return *s;
}

/// The next `n` due times after `after`, each formatted in the schedule's zone.
std::string nexts(const std::string& expr, Clock::time_point after, int n = 5) {
    const CronSchedule s = sched(expr);
    std::string out;
    for (int i = 0; i < n; ++i) {
        const auto t = s.next_after(after);
        REQUIRE(t > after);
        out += (i ? ", " : "") + s.format(t);
        after = t;
    }
    return out;
}

std::string error_of(const std::string& expr) {
    auto s = CronSchedule::parse(expr);
    return s ? "accepted" : s.error();
}

}  // namespace

TEST_CASE("cron: the robfig/cron v3 standard language") {
    UtcZone utc_zone;
    const auto t = utc(2026, 11, 26, 13, 7, 30);  // a Thursday
    // N/1 is N-max, every value from N on.
    CHECK(nexts("0/1 * * * *", t, 2) == "2026-11-26 13:08:00 UTC, 2026-11-26 13:09:00 UTC");
    CHECK(nexts("0 0/1 * * *", t, 2) == "2026-11-26 14:00:00 UTC, 2026-11-26 15:00:00 UTC");
    CHECK(nexts("0 0 1/1 * *", t, 2) == "2026-11-27 00:00:00 UTC, 2026-11-28 00:00:00 UTC");
    // */1 and *,N keep the star: the day-of-month/day-of-week OR rule does not apply.
    CHECK(nexts("0 0 */1 * 1", t, 2) == "2026-11-30 00:00:00 UTC, 2026-12-07 00:00:00 UTC");
    CHECK(nexts("0 0 *,5 * 1", t, 1) == "2026-11-30 00:00:00 UTC");
    CHECK(nexts("0 0 */2 * 1", t, 2) ==
          "2026-11-27 00:00:00 UTC, 2026-11-29 00:00:00 UTC");  // a step: restricted, OR
    // ? is *.
    CHECK(nexts("0 3 ? * *", t, 1) == "2026-11-27 03:00:00 UTC");
    CHECK(nexts("0 3 * * ?", t, 1) == "2026-11-27 03:00:00 UTC");
    // Empty list items are skipped; names in any case; a trailing newline from a YAML block.
    CHECK(nexts("5,,35 * * * *", t, 2) == "2026-11-26 13:35:00 UTC, 2026-11-26 14:05:00 UTC");
    CHECK(nexts("0 9 * JAN-Dec MON\n", t, 1) == "2026-11-30 09:00:00 UTC");
    CHECK(nexts("@daily\n", t, 1) == "2026-11-27 00:00:00 UTC");
    // @every: from the instant, whole seconds.
    CHECK(sched("@every 1h30m").next_after(t) == t + std::chrono::minutes(90));
    CHECK(sched("@every 1500ms").next_after(t) == t + std::chrono::seconds(1));
    // Zone prefixes.
    CHECK(nexts("CRON_TZ=Europe/Berlin 0 3 * * *", t, 1) == "2026-11-27 03:00:00 CET");
    CHECK(sched("TZ=America/New_York 0 3 * * *").next_after(t) == utc(2026, 11, 27, 8, 0));
    CHECK(sched("CRON_TZ=UTC 0 3 * * *").next_after(t) == utc(2026, 11, 27, 3, 0));
    CHECK(CronSchedule::parse("0 3 * * *", "Asia/Tokyo")->next_after(t) ==
          utc(2026, 11, 26, 18, 0));
}

TEST_CASE("cron: what robfig refuses is refused, saying what to write") {
    CHECK(error_of("0 0 * * 7") ==
          "day of week: 7 is out of range (0-6): write 0 or sun for Sunday");
    CHECK(error_of("0 0 * * 5-7") ==
          "day of week: 7 is out of range (0-6): write 0 or sun for Sunday");
    CHECK(error_of("@DAILY") == "descriptors are lower-case: write @daily");
    CHECK(error_of("@every") == "write @every, a space and a duration, such as \"@every 1h30m\"");
    CHECK(error_of("@every 90").find("(write a duration such as 1h30m)") != std::string::npos);
    CHECK(error_of("0 0 0 * * *").find("a seconds field is not supported") != std::string::npos);
    CHECK(error_of("CRON_TZ=Mars/Olympus 0 3 * * *").find("unknown time zone \"Mars/Olympus\"") !=
          std::string::npos);
    CHECK(error_of("CRON_TZ=Europe/Berlin").find("needs a schedule after the zone") !=
          std::string::npos);
    // A zone that names a folder of the tz database or a device is an error, not a crash
    // or an endless read (found by fuzz_schedule).
    CHECK(error_of("TZ=Europe 0 3 * * *").find("unknown time zone \"Europe\"") !=
          std::string::npos);
    CHECK(error_of("CRON_TZ=/dev/zero 0 3 * * *").find("not a time zone file") !=
          std::string::npos);
    CHECK(error_of("CRON_TZ=/tmp 0 3 * * *").find("not a time zone file") != std::string::npos);
    CHECK(error_of("1/2/3 * * * *") == "minute: too many slashes in \"1/2/3\"");
    CHECK(error_of("1-2-3 * * * *") == "minute: too many hyphens in \"1-2-3\"");
    CHECK(error_of("* 22-2 * * *") == "hour: range 22-2 runs backwards (write 22-23,0-2)");
    CHECK(error_of(", * * * *").find("selects nothing") != std::string::npos);
    CHECK(error_of("0 0 30 2 *").find("never runs") != std::string::npos);
    CHECK(error_of("").find("empty schedule") != std::string::npos);
    CHECK(error_of("0 0 31 4,6,9,11 *").find("never runs") != std::string::npos);
    CHECK(error_of("0 0 29 2 *") == "accepted");
}

TEST_CASE(
    "cron: a fall-back night runs fixed times once and keeps the cadence of wildcards and steps") {
    // America/New_York, 2024-11-03: 02:00 EDT -> 01:00 EST (06:00 UTC).
    // Started in the second pass of 01:xx (the runaway): never a time in the past.
    const auto start = utc(2024, 11, 3, 6, 10, 30);  // 01:10:30 EST
    CHECK(nexts("CRON_TZ=America/New_York * * * * *", start, 2) ==
          "2024-11-03 01:11:00 EST, 2024-11-03 01:12:00 EST");
    CHECK(nexts("CRON_TZ=America/New_York 30 1 * * *", start, 2) ==
          "2024-11-04 01:30:00 EST, 2024-11-05 01:30:00 EST");
    // Started before the night: the fixed time runs in the first pass only.
    const auto before = utc(2024, 11, 3, 4, 0);  // 00:00 EDT
    CHECK(nexts("CRON_TZ=America/New_York 30 1 * * *", before, 2) ==
          "2024-11-03 01:30:00 EDT, 2024-11-04 01:30:00 EST");
    CHECK(nexts("CRON_TZ=America/New_York 0 * * * *", before, 4) ==
          "2024-11-03 01:00:00 EDT, 2024-11-03 01:00:00 EST, 2024-11-03 02:00:00 EST, 2024-11-03 "
          "03:00:00 EST");
    CHECK(nexts("CRON_TZ=America/New_York */30 1 * * *", before, 5) ==
          "2024-11-03 01:00:00 EDT, 2024-11-03 01:30:00 EDT, 2024-11-03 01:00:00 EST, 2024-11-03 "
          "01:30:00 EST, "
          "2024-11-04 01:00:00 EST");
    // Europe/Berlin, 2024-10-27: 03:00 CEST -> 02:00 CET (01:00 UTC): no 61-minute hole.
    CHECK(nexts("CRON_TZ=Europe/Berlin * * * * *", utc(2024, 10, 27, 0, 58, 30), 3) ==
          "2024-10-27 02:59:00 CEST, 2024-10-27 02:00:00 CET, 2024-10-27 02:01:00 CET");
    CHECK(nexts("CRON_TZ=Europe/Berlin 30 2 * * *", utc(2024, 10, 26, 12, 0), 2) ==
          "2024-10-27 02:30:00 CEST, 2024-10-28 02:30:00 CET");
    // Australia/Lord_Howe, 2024-04-07: 02:00 +11 -> 01:30 +1030; 01:30-01:59 happen twice.
    CHECK(nexts("CRON_TZ=Australia/Lord_Howe */20 1 * * *", utc(2024, 4, 6, 13, 50), 5) ==
          "2024-04-07 01:00:00 +11, 2024-04-07 01:20:00 +11, 2024-04-07 01:40:00 +11, "
          "2024-04-07 01:40:00 +1030, 2024-04-08 01:00:00 +1030");
    CHECK(nexts("CRON_TZ=Australia/Lord_Howe 45 1 * * *", utc(2024, 4, 6, 14, 0), 2) ==
          "2024-04-07 01:45:00 +11, 2024-04-08 01:45:00 +1030");
}

TEST_CASE("cron: a wall time skipped by a spring-forward runs once at the transition") {
    // Europe/Berlin, 2024-03-31: 02:00 CET -> 03:00 CEST.
    CHECK(nexts("CRON_TZ=Europe/Berlin 30 2 * * *", utc(2024, 3, 30, 12, 0), 3) ==
          "2024-03-31 03:00:00 CEST, 2024-04-01 02:30:00 CEST, 2024-04-02 02:30:00 CEST");
    CHECK(nexts("CRON_TZ=Europe/Berlin * * * * *", utc(2024, 3, 31, 0, 58, 0), 3) ==
          "2024-03-31 01:59:00 CET, 2024-03-31 03:00:00 CEST, 2024-03-31 03:01:00 CEST");
    CHECK(nexts("CRON_TZ=Europe/Berlin 0 2,3 * * *", utc(2024, 3, 30, 12, 0), 2) ==
          "2024-03-31 03:00:00 CEST, 2024-04-01 02:00:00 CEST");
    // America/New_York, 2024-03-10: 02:00 EST -> 03:00 EDT.
    CHECK(nexts("CRON_TZ=America/New_York 15 2 * * *", utc(2024, 3, 9, 12, 0), 2) ==
          "2024-03-10 03:00:00 EDT, 2024-03-11 02:15:00 EDT");
    // Australia/Lord_Howe, 2024-10-06: 02:00 +1030 -> 02:30 +11.
    CHECK(nexts("CRON_TZ=Australia/Lord_Howe 10 2 * * *", utc(2024, 10, 5, 0, 0), 2) ==
          "2024-10-06 02:30:00 +11, 2024-10-07 02:10:00 +11");
    // Pacific/Apia skipped 2011-12-30 whole: 2011-12-29 23:59:59 -10 -> 2011-12-31 00:00 +14.
    CHECK(nexts("CRON_TZ=Pacific/Apia 0 12 * * *", utc(2011, 12, 29, 0, 0), 3) ==
          "2011-12-29 12:00:00 -10, 2011-12-31 00:00:00 +14, 2011-12-31 12:00:00 +14");
    CHECK(nexts("CRON_TZ=Pacific/Apia 0 12 30 12 *", utc(2011, 12, 1, 0, 0), 2) ==
          "2011-12-31 00:00:00 +14, 2012-12-30 12:00:00 +14");
}

TEST_CASE("cron: the zone's rule past the tz database's last transition, and POSIX TZ strings") {
    // 2090 is past every zone file's transitions: the TZif footer's rule decides.
    CHECK(nexts("CRON_TZ=Europe/Berlin 30 2 * * *", utc(2090, 3, 25, 12, 0), 2) ==
          "2090-03-26 03:00:00 CEST, 2090-03-27 02:30:00 CEST");
    CHECK(nexts("CRON_TZ=EST5EDT,M3.2.0,M11.1.0 30 1 * * *", utc(2024, 11, 3, 4, 0), 2) ==
          "2024-11-03 01:30:00 EDT, 2024-11-04 01:30:00 EST");
    CHECK(nexts("CRON_TZ=<+0530>-5:30 0 0 * * *", utc(2024, 1, 1, 0, 0), 1) ==
          "2024-01-02 00:00:00 +0530");
}

TEST_CASE("cron: no schedule and instant yields a due time in the past or twice") {
    const char* zones[] = {
        "Europe/Berlin",   "America/New_York", "Australia/Lord_Howe", "Pacific/Apia",
        "Pacific/Chatham", "America/Santiago", "Asia/Kolkata",        "UTC"};
    const char* minutes[] = {"*", "0", "30", "*/7", "0/1", "15,45", "59", "?"};
    const char* hours[] = {"*", "1", "2", "0-3", "*/2", "1/1", "23", "3"};
    const char* days[] = {"* * *",  "1 * *",   "* * 0",  "*/1 * 1",
                          "13 * 5", "? * sat", "31 * *", "29 feb *"};
    uint64_t seed = 12345;
    auto rnd = [&](uint64_t n) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        return (seed >> 33) % n;
    };
    int checked = 0;
    for (int i = 0; i < 400; ++i) {
        const std::string expr = std::string("CRON_TZ=") + zones[rnd(8)] + " " + minutes[rnd(8)] +
                                 " " + hours[rnd(8)] + " " + days[rnd(8)];
        auto s = CronSchedule::parse(expr);
        REQUIRE_MESSAGE(s.has_value(), expr);
        // Around DST nights of 2011, 2024 and 2090, and at random.
        const int years[] = {2011, 2024, 2090};
        auto t = utc(years[rnd(3)], static_cast<unsigned>(1 + rnd(12)),
                     static_cast<unsigned>(1 + rnd(28)), static_cast<int>(rnd(24)),
                     static_cast<int>(rnd(60)), static_cast<int>(rnd(60)));
        auto previous = t;
        for (int k = 0; k < 30; ++k) {
            const auto n = s->next_after(t);
            if (n == Clock::time_point::max()) break;
            REQUIRE_MESSAGE(n > t, expr << " after " << s->format(t));
            REQUIRE_MESSAGE(n > previous - std::chrono::seconds(1), expr);
            previous = n;
            t = n + std::chrono::seconds(static_cast<int>(rnd(3)) * 17);
            ++checked;
        }
    }
    CHECK(checked > 3000);
}

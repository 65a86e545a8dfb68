#include <doctest/doctest.h>

#include <limits>

#include "util/duration.hpp"

using namespace stash_hook;
using namespace std::chrono_literals;

TEST_CASE("Go durations parse as Go parses them") {
    CHECK(parse_duration("500ms").value() == 500ms);
    CHECK(parse_duration("30s").value() == 30s);
    CHECK(parse_duration("1m30s").value() == 90s);
    CHECK(parse_duration("2h").value() == 2h);
    CHECK(parse_duration("1.5s").value() == 1500ms);
    CHECK(parse_duration("1h2m3s4ms").value() == 1h + 2min + 3s + 4ms);
    CHECK(parse_duration("10us").value() == 10us);
    CHECK(parse_duration("10\xC2\xB5s").value() == 10us);
    CHECK(parse_duration("7ns").value() == 7ns);
    CHECK(parse_duration(".5s").value() == 500ms);
    CHECK(parse_duration("0").value() == 0s);
    CHECK(parse_duration("-1s").value() == -1s);
}

TEST_CASE("a bare number is not a duration") {
    auto d = parse_duration("30");
    REQUIRE_FALSE(d.has_value());
    CHECK(d.error().find("missing unit") != std::string::npos);
    CHECK(d.error().find("30s") != std::string::npos);
}

TEST_CASE("malformed durations are rejected with a reason") {
    for (const char* bad : {"", "s", "1x", "1.s2", "--1s", "1 s", "abc", ".s", "1e3s"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_duration(bad).has_value());
    }
    CHECK(parse_duration("3d").error().find("unknown unit") != std::string::npos);
}

TEST_CASE("absurdly large durations are rejected, not wrapped") {
    CHECK_FALSE(parse_duration("9999999999999999999h").has_value());
    CHECK_FALSE(parse_duration("3000000h").has_value());
    CHECK(parse_duration("2562047h").has_value());  // just under Go's maximum
}

TEST_CASE("durations format like Go's Duration.String") {
    CHECK(format_duration(0s) == "0s");
    CHECK(format_duration(120ms) == "120ms");
    CHECK(format_duration(1500ms) == "1.5s");
    CHECK(format_duration(250s) == "4m10s");
    CHECK(format_duration(2h) == "2h0m0s");
    CHECK(format_duration(5min) == "5m0s");
    CHECK(format_duration(1500us) == "1.5ms");
    CHECK(format_duration(42ns) == "42ns");
    CHECK(format_duration(-2s) == "-2s");
    CHECK(format_duration_ms(std::chrono::nanoseconds(1'234'567'890)) == "1.235s");
    CHECK(format_duration_ms(std::chrono::nanoseconds(412'345)) == "412\xC2\xB5s");
}

TEST_CASE("the largest Go duration parses, and deadlines after it saturate instead of wrapping") {
    auto max = parse_duration("2562047h47m16.854775807s");
    REQUIRE(max.has_value());
    CHECK(max->count() == std::numeric_limits<int64_t>::max());
    CHECK_FALSE(parse_duration("2562047h47m16.854775808s").has_value());
    const auto now = std::chrono::steady_clock::now();
    CHECK(deadline_after(now, *max) == std::chrono::steady_clock::time_point::max());
    CHECK(deadline_after(now, *max) > now);
    CHECK(deadline_after(now, std::chrono::hours(1)) == now + std::chrono::hours(1));
    CHECK(deadline_after(std::chrono::steady_clock::time_point::max(), 1ns) ==
          std::chrono::steady_clock::time_point::max());
}

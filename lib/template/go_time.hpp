#pragma once
// Go's time.Time and time.Duration in templates (Sprig's date functions: man page,
// TEMPLATES). A time is a value of its own kind: a JSON binary (subtype kTimeSubtype) that
// no data can hold, carrying the instant, its zone and, for `now`, a monotonic reading.
// It prints as Go's Time.String() ("2006-01-02 15:04:05.999999999 -0700 MST"), toJson
// writes RFC 3339 with nanoseconds, and Format takes Go's layouts (the reference time
// "Mon Jan 2 15:04:05 MST 2006", every element of Go's time/format.go).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "template/template.hpp"
#include "util/expected.hpp"

namespace stash_hook::tmpl {

inline constexpr uint8_t kTimeSubtype = 0x54;

struct GoTime {
    int64_t sec = -62135596800;  // since 1970 (Go's zero Time: January 1, year 1, UTC)
    int32_t nsec = 0;
    std::string zone = "UTC";  // "UTC", "Local", a tz database name, or a fixed zone's name
    bool fixed = false;        // a fixed zone (time.FixedZone): `offset` east of UTC
    int32_t offset = 0;
    std::optional<int64_t> mono;  // now's monotonic reading (ns since the process began)
};

Value make_time(const GoTime& t);
bool is_time(const Value& v);
GoTime time_of(const Value& v);  // v must be is_time

/// time.Now() in Local, with its monotonic reading.
GoTime time_now();
/// time.LoadLocation's answer: the zone's name as a GoTime keeps it, or nullopt where Go
/// fails ("Local", "UTC", "" and tz database files only).
std::optional<std::string> load_location(std::string_view name);
/// t.In(zone): the same instant in another zone (the monotonic reading is dropped).
GoTime time_in(GoTime t, const std::string& zone);
/// t.Add(d), or nullopt where the seconds would leave int64.
std::optional<GoTime> time_add(const GoTime& t, int64_t d);
/// t.Sub(u), saturated as Go's.
int64_t time_sub(const GoTime& t, const GoTime& u);

std::string format_time(const GoTime& t, std::string_view layout);
std::string time_string(const GoTime& t);  // Time.String()
/// time.ParseInLocation(layout, value, Local), or Go's ParseError message.
expected<GoTime, std::string> parse_time(std::string_view layout, std::string_view value);

std::string duration_string(int64_t d);  // Duration.String(): "1h2m3.5s"
/// time.ParseDuration, or its error message.
expected<int64_t, std::string> parse_duration(std::string_view s);
/// Duration.Round(m).
int64_t duration_round(int64_t d, int64_t m);

/// The result of calling the method `name` that takes no arguments on a time
/// (`{{ now.Year }}`, `.Month`, `.Unix`, `.UTC` ...), or nullopt where it has none.
std::optional<Value> time_method(const GoTime& t, std::string_view name);

/// Other Go values that print as their String() method writes them (and whose
/// MarshalJSON writes that string): semver's *semver.Version. A JSON binary of subtype
/// kStringerSubtype: the Go type's name, a NUL, the text.
inline constexpr uint8_t kStringerSubtype = 0x53;
Value make_stringer(std::string_view type, std::string_view text);
bool is_stringer(const Value& v);
std::string stringer_type(const Value& v);
std::string stringer_text(const Value& v);
/// encoding/json's form: a time.Month or time.Weekday is its number, a version its text.
Value stringer_json(const Value& v);

}  // namespace stash_hook::tmpl

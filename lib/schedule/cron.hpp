#pragma once
// Standard 5-field cron expressions (minute hour day-of-month month day-of-week),
// with ranges, lists, steps, month and weekday names, and the @hourly-style
// shorthands, evaluated in local time (so TZ applies).

#include <array>
#include <bitset>
#include <chrono>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace stash_hook {

class CronSchedule {
public:
    /// Parses "*/15 2-4 * jan-jun mon,wed" or "@daily". Errors name the field.
    static expected<CronSchedule, std::string> parse(std::string_view text);

    /// The first whole minute strictly after `after` that matches, in local time.
    std::chrono::system_clock::time_point next_after(std::chrono::system_clock::time_point after) const;

    const std::string& text() const { return text_; }

private:
    std::string text_;
    std::bitset<60> minutes_;
    std::bitset<24> hours_;
    std::bitset<32> days_;      // 1-31
    std::bitset<13> months_;    // 1-12
    std::bitset<8> weekdays_;   // 0-6, Sunday 0 (7 folds onto 0)
    bool any_day_ = true;       // day-of-month was "*"
    bool any_weekday_ = true;   // day-of-week was "*"
};

}  // namespace stash_hook

// Any bytes as a schedule, a zone and an instant: parsing returns a schedule or an
// error, never crashes; and a schedule's due times are never in the past, strictly
// increasing, and each is returned once (the man page's SCHEDULES promise).
// Input: byte 0 picks the zone, bytes 1-8 the instant, the rest is the schedule.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "schedule/cron.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace std::chrono;
    if (size < 9) return 0;
    static constexpr std::string_view zones[] = {"UTC",
                                                 "Europe/Berlin",
                                                 "America/New_York",
                                                 "Australia/Lord_Howe",
                                                 "Pacific/Apia",
                                                 "Asia/Kathmandu",
                                                 "",
                                                 "EST5EDT,M3.2.0,M11.1.0"};
    const std::string_view zone = zones[data[0] % std::size(zones)];
    int64_t raw = 0;
    std::memcpy(&raw, data + 1, sizeof raw);
    // 1970 to 2200: the range a host's clock can be in.
    const int64_t seconds = static_cast<int64_t>(static_cast<uint64_t>(raw) % 7'258'118'400ULL);
    const std::string_view text(reinterpret_cast<const char*>(data + 9), size - 9);
    auto schedule = stash_hook::CronSchedule::parse(text, zone);
    if (!schedule) return 0;
    system_clock::time_point after{
        duration_cast<system_clock::duration>(std::chrono::seconds(seconds))};
    for (int i = 0; i < 5; ++i) {
        const auto next = schedule->next_after(after);
        if (next == system_clock::time_point::max()) break;
        if (next <= after) std::abort();  // in the past, or the same due time twice
        (void)schedule->format(next);
        after = next;
    }
    return 0;
}

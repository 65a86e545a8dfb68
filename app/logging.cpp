#include "logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "util/clock.hpp"
#include "util/secrets.hpp"

namespace stash_hook::app {
namespace {

/// Writes each record as one line on stderr: "stash-hook: error: ..." in text
/// (with a timestamp when verbose), or a JSON object per line.
class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    StderrSink(bool json, bool timestamps) : json_(json), timestamps_(timestamps) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const std::string text = secrets::redact(std::string_view(msg.payload.data(), msg.payload.size()));
        std::string line;
        if (json_) {
            nlohmann::json j = {{"time", format_rfc3339(msg.time)},
                                {"level", level_word(msg.level)},
                                {"msg", text}};
            line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        } else {
            if (timestamps_) {
                const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    msg.time.time_since_epoch()) % 1000;
                char frac[8];
                std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms.count()));
                std::string stamp = format_rfc3339(msg.time);
                stamp.insert(stamp.size() - 1, frac);
                line = stamp + " ";
            }
            line += "stash-hook: ";
            if (msg.level >= spdlog::level::warn || timestamps_)
                line += std::string(level_word(msg.level)) + ": ";
            line += text;
        }
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), stderr);
    }
    void flush_() override { std::fflush(stderr); }

private:
    static const char* level_word(spdlog::level::level_enum level) {
        switch (level) {
            case spdlog::level::trace: return "trace";
            case spdlog::level::debug: return "debug";
            case spdlog::level::info: return "info";
            case spdlog::level::warn: return "warning";
            case spdlog::level::err: return "error";
            case spdlog::level::critical: return "critical";
            default: return "log";
        }
    }
    bool json_;
    bool timestamps_;
};

}  // namespace

void configure_logging(const GlobalOptions& options) {
    auto sink = std::make_shared<StderrSink>(options.log_format == "json", options.verbose);
    auto logger = std::make_shared<spdlog::logger>("stash-hook", sink);
    logger->set_level(options.verbose ? spdlog::level::debug
                      : options.quiet ? spdlog::level::warn
                                      : spdlog::level::info);
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

}  // namespace stash_hook::app

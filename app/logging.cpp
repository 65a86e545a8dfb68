#include "logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>

#include "util/clock.hpp"
#include "util/log_context.hpp"
#include "util/secrets.hpp"

namespace stash_hook::app {
namespace {

/// RFC 3339 with milliseconds: 2026-11-30T03:00:00.123Z.
std::string time_with_ms(spdlog::log_clock::time_point time) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()) % 1000;
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms.count()));
    std::string stamp = format_rfc3339(time);
    stamp.insert(stamp.size() - 1, frac);
    return stamp;
}

/// True when stderr is the journal's stream (systemd sets JOURNAL_STREAM to its
/// device:inode): then lines carry <N> priorities and no program prefix.
bool stderr_is_journal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    unsigned long long dev = 0, ino = 0;
    if (!stream || std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
    struct stat st {};
    return fstat(2, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

/// Writes each record as one line on stderr: "stash-hook: error: ..." in text
/// (with a timestamp when verbose; "<3>error: ..." under journald), or a JSON object
/// per line with the fields lib/ set (log_context.hpp).
class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    StderrSink(bool json, bool timestamps, bool journal)
        : json_(json), timestamps_(timestamps), journal_(journal) {}

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const std::string text =
            secrets::redact(std::string_view(msg.payload.data(), msg.payload.size()));
        std::string line;
        if (json_) {
            nlohmann::json j = {
                {"time", time_with_ms(msg.time)}, {"level", level_word(msg.level)}, {"msg", text}};
            const auto& f = log_context::current();
            for (const auto& [key, value] : {std::pair{"session", &f.session},
                                             {"member", &f.member},
                                             {"stage", &f.stage},
                                             {"hook", &f.hook},
                                             {"action", &f.action},
                                             {"phase", &f.phase}})
                if (!value->empty()) j[key] = secrets::redact(*value);
            if (f.attempt > 0) j["attempt"] = f.attempt;
            if (f.duration_seconds) j["duration"] = *f.duration_seconds;
            if (f.exit_code) j["exitCode"] = *f.exit_code;
            line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
            if (journal_) line = "<" + std::to_string(priority(msg.level)) + ">" + line;
        } else {
            if (journal_)
                line = "<" + std::to_string(priority(msg.level)) +
                       ">";  // the journal stamps and names it
            else if (timestamps_)
                line = time_with_ms(msg.time) + " ";
            if (!journal_) line += "stash-hook: ";
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
            case spdlog::level::trace:
                return "trace";
            case spdlog::level::debug:
                return "debug";
            case spdlog::level::info:
                return "info";
            case spdlog::level::warn:
                return "warning";
            case spdlog::level::err:
                return "error";
            case spdlog::level::critical:
                return "critical";
            default:
                return "log";
        }
    }
    /// syslog's priorities, as sd-daemon(3) prefixes read them.
    static int priority(spdlog::level::level_enum level) {
        switch (level) {
            case spdlog::level::trace:
            case spdlog::level::debug:
                return 7;
            case spdlog::level::info:
                return 6;
            case spdlog::level::warn:
                return 4;
            case spdlog::level::err:
                return 3;
            default:
                return 2;
        }
    }
    bool json_;
    bool timestamps_;
    bool journal_;
};

std::optional<spdlog::level::level_enum> level_from_word(const std::string& word) {
    if (word == "error") return spdlog::level::err;
    if (word == "warn") return spdlog::level::warn;
    if (word == "info") return spdlog::level::info;
    if (word == "debug") return spdlog::level::debug;
    return std::nullopt;
}

}  // namespace

std::string configure_logging(const GlobalOptions& options) {
    std::string problem;
    // The flags win over $STASH_HOOK_LOG_FORMAT and $STASH_HOOK_LOG_LEVEL.
    std::string format = options.log_format;
    if (const char* env = std::getenv("STASH_HOOK_LOG_FORMAT"); format.empty() && env && *env) {
        format = env;
        if (format != "text" && format != "json") {
            problem = "invalid STASH_HOOK_LOG_FORMAT \"" + format + "\": write text or json";
            format = "text";
        }
    }
    auto level = options.verbose ? spdlog::level::debug
                 : options.quiet ? spdlog::level::warn
                                 : spdlog::level::info;
    if (!options.log_level.empty()) {
        level = *level_from_word(options.log_level);  // CLI11 checked it
    } else if (const char* env = std::getenv("STASH_HOOK_LOG_LEVEL");
               env && *env && !options.verbose && !options.quiet) {
        if (auto from_env = level_from_word(env))
            level = *from_env;
        else
            problem = "invalid STASH_HOOK_LOG_LEVEL \"" + std::string(env) +
                      "\": write error, warn, info or debug";
    }
    auto sink = std::make_shared<StderrSink>(format == "json", level <= spdlog::level::debug,
                                             stderr_is_journal());
    auto logger = std::make_shared<spdlog::logger>("stash-hook", sink);
    logger->set_level(level);
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
    return problem;
}

}  // namespace stash_hook::app

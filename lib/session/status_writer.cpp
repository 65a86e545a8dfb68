#include "session/status_writer.hpp"

#include "process/subprocess.hpp"
#include "util/atomic_file.hpp"

namespace stash_hook {
namespace {

using json = nlohmann::ordered_json;

json optional_int(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }

json hook_json(const HookResult& h) {
    json j = {{"stage", to_string(h.stage)}, {"name", h.name},         {"action", h.action},
              {"phase", to_string(h.phase)}, {"attempts", h.attempts},
              {"duration", format_duration_ms(h.duration)}};
    if (h.action == "exec" && h.phase != Phase::Skipped) {
        j["exitCode"] = optional_int(h.exit_code);
        j["output"] = h.output;
        j["stdout"] = h.stdout_tail;
        j["stderr"] = h.stderr_tail;
    }
    if (h.status_code) j["statusCode"] = *h.status_code;
    if (!h.error.empty()) j[h.phase == Phase::Skipped ? "reason" : "error"] = h.error;
    if (h.continued) j["onError"] = "Continue";
    return j;
}

}  // namespace

json status_json(const SessionResult& r) {
    json conditions = json::array();
    for (const auto& c : r.conditions)
        conditions.push_back({{"type", c.type},
                              {"status", c.status ? "True" : "False"},
                              {"reason", c.reason},
                              {"message", c.message}});
    json hooks = json::array();
    for (const auto& h : r.hooks) hooks.push_back(hook_json(h));
    const bool done = r.completion_time.has_value();
    json task = {{"command", r.task.command},
                 {"phase", to_string(r.task.phase)},
                 {"exitCode", optional_int(r.task.exit_code)},
                 {"signal", r.task.signal ? json(signal_name(*r.task.signal)) : json(nullptr)},
                 {"timedOut", r.task.timed_out},
                 {"duration", format_duration_ms(r.task.duration)}};
    if (!r.task.error.empty()) task["error"] = r.task.error;
    json j = {
        {"apiVersion", "stash-hook/v1"},
        {"kind", r.kind == Kind::Backup ? "BackupSession" : "RestoreSession"},
        {"name", r.name},
        {"phase", to_string(r.phase)},
        {"exitCode", done ? json(r.exit_code) : json(nullptr)},
        {"startTime", format_rfc3339(r.start_time)},
        {"completionTime", done ? json(format_rfc3339(*r.completion_time)) : json(nullptr)},
        {"duration", done ? json(format_duration_ms(r.duration)) : json(nullptr)},
        {"conditions", conditions},
        {"task", task},
        {"hooks", hooks},
        {"members", json::array()},
    };
    if (!r.error.empty()) j["error"] = r.error;
    return j;
}

std::expected<void, std::string> write_status_file(const std::string& path,
                                                   const SessionResult& result) {
    if (path.empty()) return {};
    // Captured output may hold invalid UTF-8: replace it rather than fail.
    std::string text = status_json(result).dump(2, ' ', false, json::error_handler_t::replace);
    text += '\n';
    auto written = write_file_atomically(path, text);
    if (!written) return std::unexpected("failed to write status file " + path + ": " + written.error());
    return {};
}

}  // namespace stash_hook

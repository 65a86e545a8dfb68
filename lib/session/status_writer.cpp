#include "session/status_writer.hpp"

#include "process/subprocess.hpp"
#include "util/atomic_file.hpp"
#include "util/secrets.hpp"

namespace stash_hook {
namespace {

using json = nlohmann::ordered_json;

json optional_int(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }

json hook_json(const HookResult& h) {
    json j = {{"stage", to_string(h.stage)}, {"name", h.name},
              {"action", h.action},          {"phase", to_string(h.phase)},
              {"attempts", h.attempts},      {"duration", format_duration_ms(h.duration)}};
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

json conditions_json(const std::vector<Condition>& list) {
    json conditions = json::array();
    for (const auto& c : list)
        conditions.push_back({{"type", c.type},
                              {"status", c.status ? "True" : "False"},
                              {"reason", c.reason},
                              {"message", c.message}});
    return conditions;
}

/// A batch has no task of its own: its top-level task's phase sums up the members' that ran.
TaskResult batch_task(const SessionResult& r) {
    TaskResult task = r.task;
    for (const auto& m : r.members)
        if (m.task.phase == Phase::Succeeded || m.task.phase == Phase::Failed)
            task.phase = task.phase == Phase::Failed ? Phase::Failed : m.task.phase;
    return task;
}

json task_json(const TaskResult& t) {
    json task = {{"command", t.command},
                 {"phase", to_string(t.phase)},
                 {"exitCode", optional_int(t.exit_code)},
                 {"signal", t.signal ? json(signal_name(*t.signal)) : json(nullptr)},
                 {"timedOut", t.timed_out},
                 {"duration", format_duration_ms(t.duration)}};
    if (!t.error.empty()) task["error"] = t.error;
    // capture: (man page, SPEC); masked with the rest of the document.
    if (!t.output_tail.empty()) task["output"] = t.output_tail;
    if (!t.stdout_tail.empty()) task["stdout"] = t.stdout_tail;
    if (!t.stderr_tail.empty()) task["stderr"] = t.stderr_tail;
    if (!t.warning.empty()) task["warning"] = t.warning;
    if (!t.output_file.empty()) task["outputFile"] = t.output_file;
    if (!t.stages.empty()) {
        json stages = json::array();
        for (const auto& s : t.stages)
            stages.push_back({{"command", s.command},
                              {"exitCode", optional_int(s.exit_code)},
                              {"signal", s.signal ? json(signal_name(*s.signal)) : json(nullptr)}});
        task["stages"] = std::move(stages);
    }
    return task;
}

json hooks_json(const std::vector<HookResult>& list) {
    json hooks = json::array();
    for (const auto& h : list) hooks.push_back(hook_json(h));
    return hooks;
}

}  // namespace

json status_json(const SessionResult& r) {
    const bool done = r.completion_time.has_value();
    json members = json::array();
    for (const auto& m : r.members) {
        json member = {{"name", m.name},
                       {"phase", to_string(m.phase)},
                       {"exitCode", m.phase == Phase::Skipped ? json(nullptr) : json(m.exit_code)},
                       {"conditions", conditions_json(m.conditions)},
                       {"task", task_json(m.task)},
                       {"hooks", hooks_json(m.hooks)}};
        if (!m.error.empty()) member["error"] = m.error;
        members.push_back(std::move(member));
    }
    json attempts = json::array();
    for (const auto& a : r.attempts)
        attempts.push_back({{"attempt", a.attempt},
                            {"phase", to_string(a.phase)},
                            {"exitCode", a.exit_code},
                            {"startTime", format_rfc3339(a.start_time)},
                            {"duration", format_duration_ms(a.duration)},
                            {"error", a.error}});
    json j = {
        {"apiVersion", "stash-hook/v1"},
        {"kind", r.kind == Kind::Backup ? "BackupSession" : "RestoreSession"},
        {"name", r.name},
        {"phase", to_string(r.phase)},
        {"exitCode", done ? json(r.exit_code) : json(nullptr)},
        {"startTime", format_rfc3339(r.start_time)},
        {"completionTime", done ? json(format_rfc3339(*r.completion_time)) : json(nullptr)},
        {"duration", done ? json(format_duration_ms(r.duration)) : json(nullptr)},
        {"attempt", r.attempt},
        {"conditions", conditions_json(r.conditions)},
        {"task", task_json(r.members.empty() ? r.task : batch_task(r))},
        {"hooks", hooks_json(r.hooks)},
        {"members", members},
        {"attempts", attempts},
        {"warnings", r.warnings},
    };
    if (!r.error.empty()) j["error"] = r.error;
    if (r.interrupted_by != 0) {
        j["interruptedBy"] = signal_name(r.interrupted_by);
        j["postHooksStopped"] = r.post_hooks_stopped;
    }
    return j;
}

namespace {

/// Replaces secrets in every string of `j`, keys included.
json redacted(const json& j) {
    if (j.is_string()) return secrets::redact(j.get_ref<const std::string&>());
    if (j.is_array()) {
        json out = json::array();
        for (const auto& v : j) out.push_back(redacted(v));
        return out;
    }
    if (j.is_object()) {
        json out = json::object();
        for (auto it = j.begin(); it != j.end(); ++it)
            out[secrets::redact(it.key())] = redacted(it.value());
        return out;
    }
    return j;
}

}  // namespace

std::string status_document(const SessionResult& result) {
    // Captured output may hold invalid UTF-8: replace it rather than fail.
    return redacted(status_json(result)).dump(2, ' ', false, json::error_handler_t::replace);
}

expected<void, std::string> write_status_file(const std::string& path,
                                              const SessionResult& result) {
    if (path.empty()) return {};
    std::string text = status_document(result) + '\n';
    auto written = write_file_atomically(path, text);
    if (!written) return unexpected("failed to write status file " + path + ": " + written.error());
    return {};
}

}  // namespace stash_hook

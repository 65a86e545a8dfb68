#include "session/metrics_writer.hpp"

#include <algorithm>

#include "util/atomic_file.hpp"
#include "util/prometheus.hpp"
#include "util/secrets.hpp"

namespace stash_hook {
namespace {

/// A label value: redacted, then escaped.
std::string label(const std::string& value) { return prometheus_label(secrets::redact(value)); }

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }
double unix_seconds(WallTime t) {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}

void add_hooks(PrometheusText& m, const std::string& base, const std::string& member,
               const std::vector<HookResult>& hooks) {
    for (const auto& h : hooks) {
        if (h.phase == Phase::Skipped) continue;
        const std::string labels = base + ",member=\"" + label(member) + "\",stage=\"" +
                                   to_string(h.stage) + "\",hook=\"" + label(h.name) +
                                   "\",action=\"" + h.action + "\"";
        m.add("stash_hook_hook_success",
              "1 if the hook succeeded in the last session, 0 if it failed (skipped hooks are "
              "absent).",
              labels, h.phase == Phase::Succeeded ? 1 : 0);
        m.add("stash_hook_hook_duration_seconds",
              "How long the hook took in the last session, retries included.", labels,
              seconds(h.duration));
        m.add("stash_hook_hook_attempts", "How many attempts the hook made in the last session.",
              labels, h.attempts);
    }
}

}  // namespace

std::string metrics_text(const std::string& target, const SessionResult& r) {
    PrometheusText m;
    const std::string base = "target=\"" + label(target) + "\"";
    const std::string kind = base + ",kind=\"" + to_string(r.kind) + "\"";
    m.add("stash_hook_last_start_time_seconds", "Unix time the last session started.", kind,
          unix_seconds(r.start_time));
    if (r.completion_time)
        m.add("stash_hook_last_completion_time_seconds", "Unix time the last session ended.", kind,
              unix_seconds(*r.completion_time));
    m.add("stash_hook_last_duration_seconds", "How long the last session took.", kind,
          seconds(r.duration));
    m.add("stash_hook_last_success",
          "1 if the last session succeeded (or was skipped by a pre hook), else 0.", kind,
          (r.phase == Phase::Succeeded || r.phase == Phase::Skipped) && r.exit_code == 0
              ? 1
              : 0);  // never 1 beside a non-zero exit code
    m.add("stash_hook_last_warnings", "How many warnings the last session recorded.", kind,
          static_cast<double>(r.warnings.size()));
    m.add("stash_hook_last_exit_code", "The exit code of the last session.", kind, r.exit_code);
    m.add("stash_hook_last_attempts", "How many attempts the last session made (session retries).",
          kind, static_cast<double>(std::max<size_t>(1, r.attempts.size())));
    if (r.task.phase != Phase::Skipped || r.members.empty())
        m.add("stash_hook_task_duration_seconds", "How long the task ran in the last session.",
              base + ",member=\"\"", seconds(r.task.duration));
    add_hooks(m, base, "", r.hooks);
    for (const auto& member : r.members) {
        const std::string labels = base + ",member=\"" + label(member.name) + "\"";
        m.add("stash_hook_member_success",
              "1 if the batch member succeeded in the last session, else 0.", labels,
              member.phase == Phase::Succeeded ? 1 : 0);
        m.add("stash_hook_member_duration_seconds",
              "How long the batch member took in the last session.", labels,
              seconds(member.duration));
        m.add("stash_hook_task_duration_seconds", "How long the task ran in the last session.",
              labels, seconds(member.task.duration));
        add_hooks(m, base, member.name, member.hooks);
    }
    return m.str();
}

expected<void, std::string> write_metrics_file(const std::string& path, const std::string& target,
                                               const SessionResult& result) {
    if (path.empty()) return {};
    auto written = write_file_atomically(path, metrics_text(target, result));
    if (!written)
        return unexpected("failed to write metrics file " + path + ": " + written.error());
    return {};
}

}  // namespace stash_hook

#include <set>

#include "schedule/cron.hpp"
#include "spec/spec_reader.hpp"

namespace stash_hook {

namespace {

// Stash manifests: what stash-hook reads; every other key outside hooks is ignored.
const std::vector<std::string_view> kStashKinds = {"BackupConfiguration", "RestoreSession",
                                                   "BackupBatch", "RestoreBatch"};
const std::vector<std::string_view> kBackupStageKeys = {"preBackup", "postBackup"};
const std::vector<std::string_view> kRestoreStageKeys = {"preRestore", "postRestore"};

/// The pod kubectl execs into for a workload target, as Stash does: TYPE/NAME, which kubectl
/// resolves to one of the workload's pods; empty for other kinds (an AppBinding, say).
std::string workload_pod(const ObjectRef& target) {
    for (std::string_view kind : {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})
        if (target.kind == kind && !target.name.empty()) {
            std::string type;
            for (char c : kind)
                type += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return type + "/" + target.name;
        }
    return "";
}

}  // namespace

void SpecReader::stash_manifest(const YAML::Node& root, Spec& spec,
                                const std::string& api_version) {
    const YAML::Node kind_node = field(root, "kind");
    std::string kind;
    if (!kind_node) {
        problem(root,
                "a Stash manifest needs kind: BackupConfiguration, RestoreSession, BackupBatch "
                "or RestoreBatch");
        return;
    }
    kind = string_value(kind_node, "kind").value_or("");
    bool known = false;
    for (auto k : kStashKinds) known = known || k == kind;
    if (!known) {
        std::string msg = "stash-hook reads Stash manifests of kind " + one_of(kStashKinds) +
                          ", not " + quote(kind);
        if (auto guess = closest_match(kind, kStashKinds))
            msg += "; did you mean " + quote(*guess) + "?";
        problem(kind_node, msg);
        return;
    }
    const bool restore = kind == "RestoreSession" || kind == "RestoreBatch";
    const bool batch = kind == "BackupBatch" || kind == "RestoreBatch";
    const auto& stage_keys = restore ? kRestoreStageKeys : kBackupStageKeys;
    spec.kind = restore ? Kind::Restore : Kind::Backup;
    spec.api_version = api_version;
    if (auto meta = field(root, "metadata"); meta && meta.IsMap()) {
        if (auto n = field(meta, "name"))
            spec.name = name_value(n, "metadata.name").value_or(spec.name);
        if (auto n = field(meta, "namespace"))
            spec.ns = string_value(n, "metadata.namespace").value_or("");
    }
    const size_t slash = api_version.find('/');
    spec.invoker = {api_version.substr(0, slash), kind, spec.name};
    const YAML::Node body = field(root, "spec");
    if (!body || !body.IsMap()) {
        problem(root, "a Stash " + kind + " needs a spec: mapping");
        return;
    }
    auto target_of = [&](const YAML::Node& owner, std::string& alias) {
        ObjectRef ref;
        const YAML::Node target = field(owner, "target");
        if (!target || !target.IsMap()) return ref;
        // Names become member names, log lines and environment: our name rules.
        if (auto a = field(target, "alias"))
            alias = name_value(a, "target.alias", true).value_or("");
        if (auto r = field(target, "ref"); r && r.IsMap()) {
            if (auto n = field(r, "apiVersion"))
                ref.api_version = string_value(n, "target.ref.apiVersion").value_or("");
            if (auto n = field(r, "kind"))
                ref.kind = string_value(n, "target.ref.kind").value_or("");
            if (auto n = field(r, "name"))
                ref.name = name_value(n, "target.ref.name", true).value_or("");
        }
        return ref;
    };
    std::string alias;
    spec.target = target_of(body, alias);
    if (!batch) spec.pod = workload_pod(spec.target);
    if (auto n = field(body, "hooks")) spec.hooks = hooks(n, stage_keys, "spec.hooks");
    // serve runs a BackupConfiguration on its schedule unless paused (man page, SERVE).
    if (auto n = field(body, "schedule")) {
        if (auto s = string_value(n, "spec.schedule", false)) {
            if (auto parsed = CronSchedule::parse(*s, ""); !parsed)
                problem(n, "spec.schedule: " + parsed.error());
            else
                spec.schedule = *s;
        }
    }
    if (auto n = field(body, "paused")) spec.paused = bool_value(n, "spec.paused").value_or(false);
    // Stash's limit on a whole BackupSession or RestoreSession: here the task's timeout.
    if (auto n = field(body, "timeOut")) spec.timeout = duration_value(n, "spec.timeOut", false);
    // Stash re-runs a failed session maxRetry times, delay apart (man page, STASH MANIFESTS).
    if (auto n = field(body, "retryConfig"); n && n.IsMap())
        session_retries(n, "spec.retryConfig", "maxRetry", spec.retries);
    if (!batch) return;
    const YAML::Node list = field(body, "members");
    if (!list || !list.IsSequence() || list.size() == 0) {
        problem(body, "a Stash " + kind + " needs spec.members: a list of targets");
        return;
    }
    std::set<std::string> names;
    for (const auto& m : list) {
        if (!m.IsMap()) {
            problem(m, "each member must be a mapping with a target");
            continue;
        }
        Member member;
        member.location = at(m);
        std::string member_alias;
        member.target = target_of(m, member_alias);
        member.pod = workload_pod(member.target);
        member.name = !member_alias.empty() ? member_alias : member.target.name;
        if (member.name.empty()) {
            problem(m, "member needs target.alias or target.ref.name to be named");
            continue;
        }
        add_member(m, m, std::move(member), names, stage_keys, "; give one a target.alias", spec);
    }
    // Stash runs a batch's members one after another unless executionOrder is Parallel.
    if (auto n = field(body, "executionOrder")) {
        if (enum_value<bool>(n, "spec.executionOrder", {{"Sequential", false}, {"Parallel", true}})
                .value_or(false))
            spec.parallelism = static_cast<int>(std::max<size_t>(1, spec.members.size()));
    }
}

}  // namespace stash_hook

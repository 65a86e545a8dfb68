// KubeStash's manifests (core.kubestash.com/v1alpha1): a BackupConfiguration or RestoreSession
// whose hooks lists name HookTemplates given alongside it (man page, STASH MANIFESTS). The
// shapes are kubestash/apimachinery's apis/core/v1alpha1 (hooktemplate_types.go, types.go:
// HookInfo) and kubestash/docs' docs/concepts/crds/hooktemplate/index.md.

#include "schedule/cron.hpp"
#include "spec/spec_reader.hpp"

namespace stash_hook {

namespace {

const std::vector<std::string_view> kBackupStageKeys = {"preBackup", "postBackup"};
const std::vector<std::string_view> kRestoreStageKeys = {"preRestore", "postRestore"};
const std::vector<std::string_view> kTemplateSpecKeys = {"usagePolicy", "params", "action",
                                                         "timeout", "executor"};
const std::vector<std::string_view> kHookInfoKeys = {
    "name",      "hookTemplate", "params",  "maxRetry",       "timeout", "executionPolicy",
    "variables", "volumeMounts", "volumes", "runtimeSettings"};

std::string text_of(const YAML::Node& node, const char* key) {
    const YAML::Node n = node && node.IsMap() ? node[key] : YAML::Node();
    return n && n.IsScalar() ? n.Scalar() : "";
}

}  // namespace

bool is_hook_template(const YAML::Node& root) {
    return root.IsMap() && text_of(root, "apiVersion") == kKubeStashApiVersion &&
           text_of(root, "kind") == "HookTemplate";
}

void SpecReader::hook_template(const YAML::Node& root) {
    HookTemplateDoc doc;
    if (auto meta = field(root, "metadata"); meta && meta.IsMap()) {
        doc.name = text_of(meta, "name");
        doc.ns = text_of(meta, "namespace");
    }
    if (doc.name.empty()) {
        problem(root, "a HookTemplate needs metadata.name: the hooks lists refer to it by name");
        return;
    }
    const std::string what = "HookTemplate " + quote(doc.name);
    const YAML::Node body = field(root, "spec");
    if (!body || !check_map(body, what + " spec", kTemplateSpecKeys)) {
        if (!body) problem(root, what + " needs a spec: mapping");
        return;
    }
    const YAML::Node action = field(body, "action");
    if (!action) {
        problem(body, what + " needs spec.action: exec, httpGet, httpPost or tcpSocket");
        return;
    }
    // The stage is the referring list's; the action is read once, as a post hook's.
    doc.hook = hook(action, Stage::PostBackup, 0);
    if (!doc.hook) return;
    doc.hook->name = doc.name;
    // Its own timeout is in seconds (HookTemplateSpec.Timeout); a hook's timeout: overrides it.
    if (auto n = field(body, "timeout"))
        if (auto secs = int_value(n, what + " spec.timeout", 1, 1LL << 30))
            doc.hook->timeout = std::chrono::seconds(*secs);
    const YAML::Node executor = field(body, "executor");
    if (!executor || !executor.IsMap()) {
        problem(body, what + " needs spec.executor with type: Pod, Operator or Function");
        return;
    }
    const bool exec = std::holds_alternative<ExecAction>(doc.hook->action);
    if (!field(executor, "type"))
        problem(executor, what + " spec.executor needs type: Pod, Operator or Function");
    const std::string type =
        field(executor, "type")
            ? enum_value<std::string>(
                  field(executor, "type"), what + " spec.executor.type",
                  {{"Pod", "Pod"}, {"Operator", "Operator"}, {"Function", "Function"}})
                  .value_or("")
            : "";
    if (type == "Function") {
        doc.refusal = what +
                      " has a Function executor: KubeStash runs it in a Job made from a Function's "
                      "image, which stash-hook cannot do; use a Pod or Operator executor";
    } else if (type == "Operator" && exec) {
        // stash-hook stands where the operator stands: it makes HTTP and TCP calls itself, but
        // has no operator container to run a command in.
        doc.refusal = what +
                      " runs exec with an Operator executor, in KubeStash's operator container, "
                      "which stash-hook does not have; use a Pod executor";
    } else if (type == "Pod" && exec) {
        const YAML::Node pod = field(executor, "pod");
        if (pod && pod.IsMap()) {
            if (auto n = field(pod, "selector"))
                doc.hook->pod_selector =
                    string_value(n, what + " pod.selector", false).value_or("");
            if (auto n = field(pod, "strategy"))
                doc.hook->all_pods =
                    enum_value<bool>(n, what + " pod.strategy",
                                     {{"ExecuteOnOne", false}, {"ExecuteOnAll", true}})
                        .value_or(false);
        }
        if (doc.hook->pod_selector.empty())
            problem(executor, what +
                                  " has a Pod executor without pod.selector: give the labels "
                                  "of the pods that run it, e.g. app=my-app");
        else if (doc.hook->pod_selector.starts_with('-'))
            problem(executor, what + " pod.selector must not start with '-'");
    }
    hook_templates.push_back(std::move(doc));
}

StageHooks SpecReader::kubestash_hooks(const YAML::Node& node,
                                       const std::vector<std::string_view>& keys,
                                       const std::string& ns) {
    StageHooks out;
    if (!check_map(node, "hooks", keys)) return out;
    for (auto key : keys) {
        const YAML::Node list = node[std::string(key)];
        if (!list) continue;
        const Stage stage = *stage_from_string(key);
        if (!list.IsSequence()) {
            problem(list,
                    std::string(key) + " must be a list of hooks, each naming a hookTemplate");
            continue;
        }
        size_t index = 0;
        for (const auto& info : list) {
            const std::string label = std::string(key) + "[" + std::to_string(index++) + "]";
            if (!check_map(info, "hook " + label, kHookInfoKeys)) continue;
            const YAML::Node ref = field(info, "hookTemplate");
            const std::string ref_name = text_of(ref, "name");
            std::string ref_ns = text_of(ref, "namespace");
            if (ref_ns.empty()) ref_ns = ns;
            if (ref_name.empty()) {
                problem(info, "hook " + label + " needs hookTemplate.name");
                continue;
            }
            const HookTemplateDoc* found = nullptr;
            for (const auto& t : hook_templates)
                if (t.name == ref_name && (t.ns.empty() || ref_ns.empty() || t.ns == ref_ns))
                    found = &t;
            if (!found) {
                std::vector<std::string_view> names;
                for (const auto& t : hook_templates) names.push_back(t.name);
                std::string msg = "hook " + label + " refers to HookTemplate " +
                                  quote(ref_ns.empty() ? ref_name : ref_ns + "/" + ref_name) +
                                  ", which is not given: add its file with another -f (or as "
                                  "another document of this file)";
                if (auto guess = closest_match(ref_name, names))
                    msg += "; did you mean " + quote(*guess) + "?";
                problem(ref ? ref : info, msg);
                continue;
            }
            if (!found->refusal.empty()) {
                problem(ref, "hook " + label + ": " + found->refusal);
                continue;
            }
            if (!found->hook) continue;  // its own problems are reported
            Hook h = *found->hook;
            h.stage = stage;
            h.location = at(info);
            if (auto n = field(info, "name"))
                h.name = string_value(n, "hook name", false).value_or(h.name);
            const std::string what = "hook " + quote(h.name);
            if (auto n = field(info, "maxRetry"))
                h.retry.attempts =
                    static_cast<int>(int_value(n, what + " maxRetry", 0, 100).value_or(0));
            if (auto n = field(info, "timeout"))
                h.timeout = duration_value(n, what + " timeout", false).value_or(h.timeout);
            if (auto n = field(info, "executionPolicy")) {
                const auto policy =
                    enum_value<ExecutionPolicy>(n, what + " executionPolicy",
                                                {{"Always", ExecutionPolicy::Always},
                                                 {"OnSuccess", ExecutionPolicy::OnSuccess},
                                                 {"OnFailure", ExecutionPolicy::OnFailure}});
                if (policy && is_pre(stage) && *policy != ExecutionPolicy::Always)
                    problem(n, what +
                                   ": executionPolicy applies only to post hooks; a pre hook "
                                   "always runs");
                else if (policy)
                    h.policy = *policy;
            }
            // variables: name and value, the hook's environment (valueFrom needs the cluster).
            if (auto vars = field(info, "variables")) {
                if (!vars.IsSequence()) problem(vars, what + " variables must be a list");
                for (const auto& v : vars.IsSequence() ? vars : YAML::Node()) {
                    if (v.IsMap() && field(v, "valueFrom")) {
                        problem(v, what + " variable " + quote(text_of(v, "name")) +
                                       " has valueFrom, which needs the cluster: give its value");
                        continue;
                    }
                    auto name = v.IsMap() && field(v, "name")
                                    ? string_value(field(v, "name"), "variable name", false)
                                    : std::nullopt;
                    if (!name) {
                        problem(v, what + " variables need name and value");
                        continue;
                    }
                    std::string value =
                        field(v, "value")
                            ? string_value(field(v, "value"), "variable value").value_or("")
                            : "";
                    if (auto* exec = std::get_if<ExecAction>(&h.action))
                        exec->env.emplace_back(*name, std::move(value));
                }
            }
            out[stage].push_back(std::move(h));
        }
    }
    return out;
}

void SpecReader::kubestash_manifest(const YAML::Node& root, Spec& spec) {
    const std::string kind = text_of(root, "kind");
    if (kind == "HookTemplate") {
        problem(root,
                "a HookTemplate alone runs nothing: give it with the BackupConfiguration or "
                "RestoreSession that refers to it (another -f, or another document of this file)");
        return;
    }
    if (kind != "BackupConfiguration" && kind != "RestoreSession") {
        problem(field(root, "kind") ? field(root, "kind") : root,
                "stash-hook reads KubeStash manifests of kind BackupConfiguration, RestoreSession "
                "or HookTemplate, not " +
                    quote(kind));
        return;
    }
    const bool restore = kind == "RestoreSession";
    spec.kind = restore ? Kind::Restore : Kind::Backup;
    spec.api_version = std::string(kKubeStashApiVersion);
    if (auto meta = field(root, "metadata"); meta && meta.IsMap()) {
        if (auto n = field(meta, "name"))
            spec.name = name_value(n, "metadata.name").value_or(spec.name);
        if (auto n = field(meta, "namespace"))
            spec.ns = string_value(n, "metadata.namespace").value_or("");
    }
    spec.invoker = {"core.kubestash.com", kind, spec.name};
    const YAML::Node body = field(root, "spec");
    if (!body || !body.IsMap()) {
        problem(root, "a KubeStash " + kind + " needs a spec: mapping");
        return;
    }
    if (auto t = field(body, "target"); t && t.IsMap())
        spec.target = {text_of(t, "apiGroup"), text_of(t, "kind"), text_of(t, "name")};
    const auto& keys = restore ? kRestoreStageKeys : kBackupStageKeys;
    if (restore) {
        if (auto n = field(body, "hooks")) spec.hooks = kubestash_hooks(n, keys, spec.ns);
        return;
    }
    // A BackupConfiguration's hooks, schedule and retries are per session (spec.sessions).
    const YAML::Node sessions = field(body, "sessions");
    if (!sessions) return;
    if (!sessions.IsSequence() || sessions.size() != 1) {
        problem(sessions,
                "stash-hook runs one session of a BackupConfiguration: give "
                "spec.sessions with exactly one entry (split the others into files)");
        return;
    }
    const YAML::Node session = sessions[0];
    if (!session.IsMap()) return;
    if (auto n = field(session, "hooks")) spec.hooks = kubestash_hooks(n, keys, spec.ns);
    if (auto sched = field(session, "scheduler"); sched && sched.IsMap())
        if (auto n = field(sched, "schedule"))
            if (auto s = string_value(n, "scheduler.schedule", false)) {
                if (auto parsed = CronSchedule::parse(*s, ""); !parsed)
                    problem(n, "scheduler.schedule: " + parsed.error());
                else
                    spec.schedule = *s;
            }
    if (auto n = field(session, "retryConfig"); n && n.IsMap()) {
        if (auto m = field(n, "maxRetry"))
            spec.retries.attempts =
                static_cast<int>(int_value(m, "retryConfig.maxRetry", 0, 100).value_or(0));
        if (auto d = field(n, "delay"))
            spec.retries.delay =
                duration_value(d, "retryConfig.delay", true).value_or(spec.retries.delay);
    }
    if (auto n = field(body, "paused")) spec.paused = bool_value(n, "spec.paused").value_or(false);
}

}  // namespace stash_hook

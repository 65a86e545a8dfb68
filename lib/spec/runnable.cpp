#include "spec/runnable.hpp"

#include <algorithm>
#include <cstdlib>

#include "spec/hook_template.hpp"
#include "util/atomic_file.hpp"
#include "util/edit_distance.hpp"
#include "util/error.hpp"
#include "util/secrets.hpp"
#include "util/text.hpp"

namespace stash_hook {

void check_runnable_or_throw(const Spec& spec) {
    std::vector<std::string> problems;
    if (spec.lock.empty() && spec.lock_wait.count() > 0)
        problems.push_back(spec.path + ": lockWait " + format_duration(spec.lock_wait) +
                           " needs a file to lock: give lock: in the spec or --lock FILE");
    if (!spec.pipeline.empty() && !spec.command.empty())
        problems.emplace_back(
            "the spec has pipeline: and the command line a command after --: give "
            "one of them (without -- the pipeline runs)");
    if (!spec.pipeline.empty() && (spec.capture.enabled() || spec.quiet_unless_failed))
        problems.emplace_back(
            "capture and quietUnlessFailed (or --capture, --quiet-unless-failed) do not apply to a "
            "pipeline yet: capture inside it (e.g. a stage's 2> file) or run one command");
    if (spec.is_batch() && !spec.output.empty())
        problems.emplace_back("output (or --output) is for a single task, not a batch's members");
    if (!spec.is_batch() && spec.command.empty() && spec.pipeline.empty())
        problems.push_back("no command to run: give one after -- (stash-hook run -f " + spec.path +
                           " -- restic backup /data) or set command: in the spec");
    for (const auto& m : spec.members)
        if (m.command.empty() && spec.command.empty())
            problems.push_back(
                m.location.str() + ": member \"" + m.name +
                "\" has no command: give it command: or give one for all members after --");
    for (auto& p : container_problems(spec)) problems.push_back(std::move(p));
    for (const auto& [what, path] : {std::pair{"status file", spec.status_file},
                                     {"metrics file", spec.metrics_file},
                                     {"output file", spec.output}}) {
        if (path.empty()) continue;
        if (auto ready = prepare_file_for_writing(path); !ready)
            problems.push_back(std::string("failed to use ") + what + " " + path + ": " +
                               ready.error());
    }
    if (problems.empty()) return;
    std::string message;
    for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
    throw Error(message);
}

namespace {

/// Whether the hook needs its container's runtime: exec runs in it; an HTTP or TCP hook
/// needs it only to resolve a named port (a numeric port makes containerName change nothing).
bool needs_runtime(const Hook& h) {
    if (h.container_name.empty() || !h.pod_selector.empty()) return false;  // Pod executor: kubectl
    if (const auto* http = std::get_if<HttpAction>(&h.action)) return !http->port_name.empty();
    if (const auto* tcp = std::get_if<TcpAction>(&h.action)) return !tcp->port_name.empty();
    return true;
}

}  // namespace

std::vector<std::string> container_problems(const Spec& spec) {
    std::vector<std::string> problems;
    const bool stash = spec.is_stash_manifest();
    auto check_hooks = [&](const StageHooks& hooks, const Member* member) {
        for (const auto& [stage, list] : hooks)
            for (const auto& h : list) {
                if (!needs_runtime(h)) continue;
                const std::string hook = h.location.str() + ": hook \"" + h.name +
                                         "\" has containerName " + h.container_name;
                if (spec.container_runtime == ContainerRuntime::None) {
                    problems.push_back(
                        hook + " but no container runtime is set: " +
                        (stash ? std::string("give --container-runtime docker, podman or kubectl")
                               : "add containerRuntime: docker, podman or kubectl to the spec, "
                                 "or use --container-runtime"));
                } else if (spec.container_runtime == ContainerRuntime::Kubectl &&
                           kubectl_pod(spec, member).empty() && spec.pod_selector.empty()) {
                    if (!stash) {
                        problems.push_back(
                            hook +
                            " and runs through kubectl, which needs pod: in the "
                            "spec (or --pod POD), or podSelector: (or --selector LABELS)");
                        continue;
                    }
                    const ObjectRef& target = member ? member->target : spec.target;
                    const std::string why =
                        member == nullptr && spec.is_batch()
                            ? "a batch's global hooks have no target"
                            : "its target " + target.kind + "/" + target.name +
                                  " is not a Deployment, StatefulSet, DaemonSet or ReplicaSet "
                                  "that kubectl can exec into";
                    problems.push_back(hook + " and runs through kubectl, but " + why +
                                       ": give --pod POD or --selector LABELS");
                }
            }
    };
    check_hooks(spec.hooks, nullptr);
    for (const auto& m : spec.members) check_hooks(m.hooks, &m);
    return problems;
}

void apply_container_flags(Spec& spec, const std::string& runtime, const std::string& pod,
                           const std::string& ns, const std::string& selector) {
    if (auto r = container_runtime_from_string(runtime)) spec.container_runtime = *r;
    if (!pod.empty() && !selector.empty())
        throw Error("--pod " + pod + " and --selector " + selector +
                    " both choose the pod: give one of them");
    if (!pod.empty()) {
        if (pod.starts_with('-'))
            throw Error("invalid --pod " + pod + ": it must not start with '-'");
        spec.pod = pod;
        spec.pod_selector.clear();
    }
    if (!selector.empty()) {
        if (selector.starts_with('-'))
            throw Error("invalid --selector " + selector + ": it must not start with '-'");
        spec.pod_selector = selector;
        spec.pod.clear();
    }
    if (!ns.empty()) {
        if (ns.starts_with('-'))
            throw Error("invalid --namespace " + ns + ": it must not start with '-'");
        spec.ns = ns;
    }
}

bool is_public_header(const std::string& name) {
    const std::string n = ascii_lower(name);
    return n == "content-type" || n == "accept" || n == "accept-encoding" ||
           n == "content-encoding" || n == "user-agent" || n == "host";
}

namespace {

/// Registers what an HTTP hook's output must not show (man page, SECURITY).
void register_http_secrets(const HttpAction& http) {
    for (const auto& header : http.headers) {
        if (is_public_header(header.name)) continue;
        secrets::add(header.value);
        // What its template reads from the environment (env) is a secret now, before
        // any hook runs and prints it.
        if (tmpl::is_template(header.value)) {
            tmpl::RenderLimits limits;
            limits.env_read = [](std::string_view, std::string_view value) { secrets::add(value); };
            (void)tmpl::render_string(header.value, template_schema(), limits);
        }
    }
    if (const size_t at = http.host.rfind('@'); at != std::string::npos)  // user:PASSWORD@host
        if (const size_t colon = http.host.find(':'); colon < at)
            secrets::add(http.host.substr(colon + 1, at - colon - 1));
    if (!http.show_url && http.path != "/") {
        secrets::add(http.path);
        secrets::add(http.url());
    }
}

}  // namespace

void register_secrets(const Spec& spec) {
    auto from_hooks = [&spec](const StageHooks& hooks) {
        for (const auto& [stage, list] : hooks)
            for (const auto& h : list) {
                for (const auto& secret : h.secrets) secrets::add(secret);
                if (const auto* http = std::get_if<HttpAction>(&h.action))
                    register_http_secrets(*http);
                if (const auto* exec =
                        std::get_if<ExecAction>(&h.action))  // an exec hook's own env:
                    for (const auto& [name, value] : exec->env)
                        if (std::find(spec.secret_env.begin(), spec.secret_env.end(), name) !=
                            spec.secret_env.end())
                            secrets::add(value);
            }
    };
    from_hooks(spec.hooks);
    for (const auto& m : spec.members) from_hooks(m.hooks);
    for (const auto& name : spec.secret_env)
        if (const char* value = std::getenv(name.c_str())) secrets::add(value);
}

void select_members_or_throw(Spec& spec, const std::vector<std::string>& names) {
    if (names.empty()) return;
    if (!spec.is_batch())
        throw Error("--member applies to batches, and " + spec.path + " has no members");
    std::vector<std::string_view> known;
    for (const auto& m : spec.members) known.push_back(m.name);
    for (const auto& name : names) {
        if (std::find(known.begin(), known.end(), name) != known.end()) continue;
        std::string msg = "unknown member \"" + name + "\"";
        if (auto guess = closest_match(name, known))
            msg += "; did you mean \"" + *guess + "\"?";
        else {
            msg += " (members:";
            for (auto k : known) msg += " " + std::string(k);
            msg += ")";
        }
        throw Error(msg);
    }
    std::erase_if(spec.members, [&](const Member& m) {
        return std::find(names.begin(), names.end(), m.name) == names.end();
    });
}

}  // namespace stash_hook

#include "actions/container_port.hpp"

#include <nlohmann/json.hpp>

#include "process/subprocess.hpp"

namespace stash_hook {
namespace {

constexpr size_t kMaxObjectBytes = 1 << 20;  // a pod's or a workload's JSON

/// The containers of a Pod, or of a workload's pod template.
const nlohmann::json* containers_of(const nlohmann::json& object) {
    const nlohmann::json* spec = object.contains("spec") ? &object["spec"] : nullptr;
    if (spec && object.value("kind", "") != "Pod" && spec->contains("template"))
        spec = (*spec)["template"].contains("spec") ? &(*spec)["template"]["spec"] : nullptr;
    if (!spec || !spec->contains("containers") || !(*spec)["containers"].is_array()) return nullptr;
    return &(*spec)["containers"];
}

/// Runs kubectl with `args` (and the spec's namespace) and returns its standard output, at
/// most 1 MiB, or why it failed; bounded by the hook's timeout and signals.
expected<std::string, std::string> kubectl_output(std::vector<std::string> args, const Spec& spec,
                                                  const ActionContext& context) {
    SpawnRequest request;
    request.argv = std::move(args);
    request.argv.insert(request.argv.begin(), "kubectl");
    if (!spec.ns.empty()) request.argv.insert(request.argv.end(), {"-n", spec.ns});
    request.env = make_environment({});
    request.capture_output = true;
    request.timeout = context.timeout;
    request.interrupts_seen = context.interrupts_seen;
    CapturedOutput captured;
    captured.stdout_only = OutputTail(kMaxObjectBytes);
    auto result = run_process(request, &captured);
    if (!result) return unexpected(result.error().message);
    if (result->exit_code != 0)
        return unexpected(command_line(request.argv) +
                          " failed: " + captured.stderr_only.str().substr(0, 200));
    if (captured.stdout_only.truncated())
        return unexpected(std::string("kubectl's answer is larger than 1 MiB"));
    return captured.stdout_only.str();
}

}  // namespace

expected<std::vector<std::string>, std::string> select_pods(const Spec& spec,
                                                            const std::string& selector,
                                                            const ActionContext& context) {
    const std::string what = "failed to select pods " + selector + ": ";
    auto out = kubectl_output({"get", "pods", "-l", selector, "-o", "name"}, spec, context);
    if (!out) return unexpected(what + out.error());
    std::vector<std::string> pods;
    for (size_t from = 0; from < out->size();) {
        size_t nl = out->find('\n', from);
        if (nl == std::string::npos) nl = out->size();
        std::string line = out->substr(from, nl - from);
        from = nl + 1;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.empty()) continue;
        if (line.starts_with('-')) return unexpected(what + "kubectl named a pod " + line);
        pods.push_back(std::move(line));
    }
    if (pods.empty())
        return unexpected(what + "no pod has these labels" +
                          (spec.ns.empty() ? std::string() : " in namespace " + spec.ns));
    return pods;
}

expected<void, std::string> resolve_container_port(Action& action, const Spec& spec,
                                                   const std::string& pod,
                                                   const std::string& container,
                                                   const ActionContext& context) {
    int* port = nullptr;
    std::string name;
    if (auto* http = std::get_if<HttpAction>(&action)) port = &http->port, name = http->port_name;
    if (auto* tcp = std::get_if<TcpAction>(&action)) port = &tcp->port, name = tcp->port_name;
    if (port == nullptr || name.empty() || *port != 0) return {};
    const std::string what =
        "failed to resolve port \"" + name + "\" of container " + container + ": ";
    if (spec.container_runtime != ContainerRuntime::Kubectl)
        return unexpected(
            what + (spec.container_runtime == ContainerRuntime::None
                        ? std::string("no container runtime is set (give --container-runtime)")
                        : std::string(to_string(spec.container_runtime)) +
                              " containers have no named ports; give the port's number"));
    std::string in = pod;  // none named: the first pod the spec's selector picks
    if (in.empty() && !spec.pod_selector.empty()) {
        auto pods = select_pods(spec, spec.pod_selector, context);
        if (!pods) return unexpected(pods.error());
        in = pods->front();
    }
    auto out = kubectl_output({"get", in, "-o", "json"}, spec, context);
    if (!out) return unexpected(what + out.error());
    const auto object = nlohmann::json::parse(*out, nullptr, false);
    const nlohmann::json* containers = object.is_object() ? containers_of(object) : nullptr;
    if (!containers) return unexpected(what + "kubectl get " + in + " gave no containers");
    for (const auto& c : *containers) {
        if (!c.is_object() || c.value("name", "") != container) continue;
        if (c.contains("ports") && c["ports"].is_array())
            for (const auto& p : c["ports"])
                if (p.is_object() && p.value("name", "") == name && p.contains("containerPort") &&
                    p["containerPort"].is_number_integer()) {
                    const int found = p["containerPort"].get<int>();
                    if (found < 1 || found > 65535) break;
                    *port = found;
                    return {};
                }
        return unexpected(what + in + " has no port so named in that container");
    }
    return unexpected(what + in + " has no such container");
}

}  // namespace stash_hook

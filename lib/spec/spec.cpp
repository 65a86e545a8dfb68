#include "spec/spec.hpp"

namespace stash_hook {

const char* to_string(Kind kind) { return kind == Kind::Backup ? "backup" : "restore"; }

const char* to_string(Stage stage) {
    switch (stage) {
        case Stage::PreBackup:
            return "preBackup";
        case Stage::PostBackup:
            return "postBackup";
        case Stage::PreRestore:
            return "preRestore";
        case Stage::PostRestore:
            return "postRestore";
    }
    return "?";
}

const char* to_string(ExecutionPolicy p) {
    switch (p) {
        case ExecutionPolicy::Always:
            return "Always";
        case ExecutionPolicy::OnSuccess:
            return "OnSuccess";
        case ExecutionPolicy::OnFailure:
            return "OnFailure";
        case ExecutionPolicy::OnFinalRetryFailure:
            return "OnFinalRetryFailure";
    }
    return "?";
}

const char* to_string(OnError e) { return e == OnError::Fail ? "Fail" : "Continue"; }

std::optional<Kind> kind_from_string(std::string_view text) {
    if (text == "backup") return Kind::Backup;
    if (text == "restore") return Kind::Restore;
    return std::nullopt;
}

std::optional<Stage> stage_from_string(std::string_view text) {
    for (Stage s : {Stage::PreBackup, Stage::PostBackup, Stage::PreRestore, Stage::PostRestore})
        if (text == to_string(s)) return s;
    return std::nullopt;
}

bool is_pre(Stage stage) { return stage == Stage::PreBackup || stage == Stage::PreRestore; }
Stage pre_stage(Kind kind) { return kind == Kind::Backup ? Stage::PreBackup : Stage::PreRestore; }
Stage post_stage(Kind kind) {
    return kind == Kind::Backup ? Stage::PostBackup : Stage::PostRestore;
}

std::string SourceLocation::str() const {
    if (line == 0) return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string HttpAction::url() const {
    std::string s = scheme == "HTTPS" ? "https://" : "http://";
    return s + host + ":" + (port == 0 && !port_name.empty() ? port_name : std::to_string(port)) +
           path;
}

std::string HttpAction::shown_url() const {
    std::string shown_host = host;
    const size_t at = shown_host.rfind('@');
    if (const size_t colon = shown_host.find(':'); at != std::string::npos && colon < at)
        shown_host.replace(colon + 1, at - colon - 1, "***");
    const std::string shown_path = show_url || path == "/" ? path : "/***";
    const std::string shown_port =
        port == 0 && !port_name.empty() ? port_name : std::to_string(port);
    return (scheme == "HTTPS" ? "https://" : "http://") + shown_host + ":" + shown_port +
           shown_path;
}

std::string action_name(const Action& action) {
    if (std::holds_alternative<ExecAction>(action)) return "exec";
    if (const auto* http = std::get_if<HttpAction>(&action))
        return http->post ? "httpPost" : "httpGet";
    return "tcpSocket";
}

std::string shell_quote(const std::string& arg) {
    const bool plain = !arg.empty() && arg.find_first_not_of(
                                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                           "0123456789-_./:=@%+,") == std::string::npos;
    if (plain) return arg;
    std::string out = "'";
    for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string command_line(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& arg : argv) {
        if (!s.empty()) s += ' ';
        s += shell_quote(arg);
    }
    return s;
}

std::string action_target(const Action& action) {
    if (const auto* exec = std::get_if<ExecAction>(&action)) return command_line(exec->command);
    if (const auto* http = std::get_if<HttpAction>(&action)) return http->shown_url();
    const auto& tcp = std::get<TcpAction>(action);
    return tcp.host + ":" +
           (tcp.port == 0 && !tcp.port_name.empty() ? tcp.port_name : std::to_string(tcp.port));
}

namespace {
const std::vector<Hook>& find_hooks(const StageHooks& hooks, Stage stage) {
    static const std::vector<Hook> kNone;
    auto it = hooks.find(stage);
    return it == hooks.end() ? kNone : it->second;
}
}  // namespace

const std::vector<Hook>& Spec::hooks_for(Stage stage) const { return find_hooks(hooks, stage); }
const std::vector<Hook>& Member::hooks_for(Stage stage) const { return find_hooks(hooks, stage); }

bool Spec::uses_http() const {
    auto any_http = [](const StageHooks& stages) {
        for (const auto& [stage, list] : stages)
            for (const auto& h : list)
                if (std::holds_alternative<HttpAction>(h.action)) return true;
        return false;
    };
    if (any_http(hooks)) return true;
    for (const auto& m : members)
        if (any_http(m.hooks)) return true;
    return false;
}

const char* to_string(ContainerRuntime runtime) {
    switch (runtime) {
        case ContainerRuntime::None:
            return "none";
        case ContainerRuntime::Docker:
            return "docker";
        case ContainerRuntime::Podman:
            return "podman";
        case ContainerRuntime::Kubectl:
            return "kubectl";
    }
    return "?";
}

std::optional<ContainerRuntime> container_runtime_from_string(std::string_view text) {
    for (auto r : {ContainerRuntime::Docker, ContainerRuntime::Podman, ContainerRuntime::Kubectl})
        if (text == to_string(r)) return r;
    return std::nullopt;
}

std::string kubectl_pod(const Spec& spec, const Member* member) {
    if (!spec.pod.empty() || member == nullptr) return spec.pod;
    return member->pod;
}

std::string kubectl_selector(const Spec& spec, const Hook& hook) {
    if (!hook.pod_selector.empty()) return hook.pod_selector;
    if (hook.container_name.empty() || spec.container_runtime != ContainerRuntime::Kubectl ||
        !spec.pod.empty())
        return "";
    return spec.pod_selector;
}

std::vector<std::string> kubectl_exec(const Spec& spec, const std::string& pod,
                                      const std::string& container,
                                      const std::vector<std::string>& command) {
    std::vector<std::string> argv = {"kubectl", "exec", pod};
    if (!container.empty()) argv.insert(argv.end(), {"-c", container});
    argv.emplace_back("-i");
    if (!spec.ns.empty()) argv.insert(argv.end(), {"-n", spec.ns});
    argv.emplace_back("--");
    argv.insert(argv.end(), command.begin(), command.end());
    return argv;
}

std::vector<std::string> container_command(const Spec& spec, const std::string& container,
                                           const std::vector<std::string>& command,
                                           const Member* member, const std::string& pod) {
    if (container.empty()) return command;
    std::vector<std::string> argv;
    switch (spec.container_runtime) {
        case ContainerRuntime::Docker:
        case ContainerRuntime::Podman:
            argv = {to_string(spec.container_runtime), "exec", "-i", container};
            break;
        case ContainerRuntime::Kubectl:
            return kubectl_exec(spec, pod.empty() ? kubectl_pod(spec, member) : pod, container,
                                command);
        case ContainerRuntime::None:
            return command;
    }
    argv.insert(argv.end(), command.begin(), command.end());
    return argv;
}

}  // namespace stash_hook

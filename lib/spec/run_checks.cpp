#include "spec/run_checks.hpp"

#include <algorithm>

#include "spec/hook_template.hpp"
#include "util/atomic_file.hpp"
#include "util/edit_distance.hpp"
#include "util/error.hpp"
#include "util/secrets.hpp"

#include <cstdlib>

namespace stash_hook {

void check_runnable_or_throw(const Spec& spec) {
    std::vector<std::string> problems;
    if (!spec.is_batch() && spec.command.empty())
        problems.push_back("no command to run: give one after -- (stash-hook run -f " + spec.path +
                           " -- restic backup /data) or set command: in the spec");
    for (const auto& m : spec.members)
        if (m.command.empty() && spec.command.empty())
            problems.push_back(m.location.str() + ": member \"" + m.name +
                               "\" has no command: give it command: or give one for all members after --");
    auto check_hooks = [&](const StageHooks& hooks) {
        for (const auto& [stage, list] : hooks)
            for (const auto& h : list) {
                if (h.container_name.empty()) continue;
                if (spec.container_runtime == ContainerRuntime::None)
                    problems.push_back(h.location.str() + ": hook \"" + h.name + "\" has containerName " +
                                       h.container_name +
                                       " but no container runtime is set: add containerRuntime: docker, podman "
                                       "or kubectl to the spec, or use --container-runtime");
                else if (spec.container_runtime == ContainerRuntime::Kubectl && spec.pod.empty())
                    problems.push_back(h.location.str() + ": hook \"" + h.name +
                                       "\" runs through kubectl, which needs pod: in the spec");
            }
    };
    check_hooks(spec.hooks);
    for (const auto& m : spec.members) check_hooks(m.hooks);
    for (const auto& [what, path] : {std::pair{"status file", spec.status_file}, {"metrics file", spec.metrics_file}}) {
        if (path.empty()) continue;
        if (auto target = regular_file_target(path); !target)
            problems.push_back(std::string("failed to use ") + what + " " + path + ": " + target.error());
    }
    if (problems.empty()) return;
    std::string message;
    for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
    throw Error(message);
}

bool is_public_header(const std::string& name) {
    std::string n;
    for (char c : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return n == "content-type" || n == "accept" || n == "accept-encoding" || n == "content-encoding" ||
           n == "user-agent" || n == "host";
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
        if (const size_t colon = http.host.find(':'); colon < at) secrets::add(http.host.substr(colon + 1, at - colon - 1));
    if (!http.show_url && http.path != "/") {
        secrets::add(http.path);
        secrets::add(http.url());
    }
}

}  // namespace

void register_secrets(const Spec& spec) {
    auto from_hooks = [](const StageHooks& hooks) {
        for (const auto& [stage, list] : hooks)
            for (const auto& h : list)
                if (const auto* http = std::get_if<HttpAction>(&h.action)) register_http_secrets(*http);
    };
    from_hooks(spec.hooks);
    for (const auto& m : spec.members) from_hooks(m.hooks);
    for (const auto& name : spec.secret_env)
        if (const char* value = std::getenv(name.c_str())) secrets::add(value);
}

void select_members_or_throw(Spec& spec, const std::vector<std::string>& names) {
    if (names.empty()) return;
    if (!spec.is_batch()) throw Error("--member applies to batches, and " + spec.path + " has no members");
    std::vector<std::string_view> known;
    for (const auto& m : spec.members) known.push_back(m.name);
    for (const auto& name : names) {
        if (std::find(known.begin(), known.end(), name) != known.end()) continue;
        std::string msg = "unknown member \"" + name + "\"";
        if (auto guess = closest_match(name, known)) msg += "; did you mean \"" + *guess + "\"?";
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

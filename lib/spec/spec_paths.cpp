#include "spec/spec_paths.hpp"

namespace stash_hook {
namespace {

void resolve_path(std::string& path, const std::filesystem::path& folder) {
    if (path.empty() || path.front() == '/') return;
    path = (folder / path).lexically_normal().string();
}

/// Only an explicit ./ or ../ names a file: a bare word is looked up in PATH.
void resolve_program(std::vector<std::string>& command, const std::filesystem::path& folder) {
    if (command.empty()) return;
    const std::string& first = command.front();
    if (first == "." || first == ".." || first.starts_with("./") || first.starts_with("../"))
        resolve_path(command.front(), folder);
}

void resolve_hooks(StageHooks& hooks, const std::filesystem::path& folder) {
    for (auto& [stage, list] : hooks)
        for (auto& hook : list)
            if (auto* exec = std::get_if<ExecAction>(&hook.action);
                exec && hook.container_name.empty())
                resolve_program(exec->command, folder);
}

}  // namespace

void resolve_relative_paths(Spec& spec, const std::filesystem::path& folder) {
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::absolute(folder.empty() ? "." : folder, ec);
    if (ec) return;
    resolve_path(spec.status_file, base);
    resolve_path(spec.metrics_file, base);
    resolve_path(spec.lock, base);
    resolve_path(spec.output, base);
    for (auto& stage : spec.pipeline) resolve_program(stage, base);
    resolve_program(spec.command, base);
    resolve_hooks(spec.hooks, base);
    for (auto& member : spec.members) {
        resolve_program(member.command, base);
        resolve_hooks(member.hooks, base);
    }
}

}  // namespace stash_hook

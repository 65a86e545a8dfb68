#include "host/host_defaults.hpp"

#include <cstdlib>
#include <string>

namespace stash_hook {

namespace {

void default_from_env(std::string& field, const char* variable, const std::string& file) {
    if (!field.empty()) return;
    const char* dir = std::getenv(variable);
    if (!dir || !*dir) return;
    std::string folder = dir;
    while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
    field = folder + "/" + file;
}

}  // namespace

void apply_host_defaults(Spec& spec) {
    default_from_env(spec.status_file, "STASH_HOOK_STATUS_DIR", spec.name + ".json");
    default_from_env(spec.metrics_file, "STASH_HOOK_METRICS_DIR", spec.name + ".prom");
}

}  // namespace stash_hook

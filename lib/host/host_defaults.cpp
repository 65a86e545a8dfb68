#include "host/host_defaults.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
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

void apply_run_priority(const Spec& spec) {
    // Linux: niceness and the I/O priority belong to the thread; who = 0 is this one.
    if (spec.nice && setpriority(PRIO_PROCESS, 0, *spec.nice) != 0)
        spdlog::warn("failed to set nice {}: {}; the run goes on at its current niceness",
                     *spec.nice, std::strerror(errno));
    if (!spec.io_class.empty()) {
        constexpr int kWhoProcess = 1, kClassBestEffort = 2, kClassIdle = 3, kClassShift = 13;
        const int cls = spec.io_class == "idle" ? kClassIdle : kClassBestEffort;
        const int value =
            (cls << kClassShift) | (cls == kClassIdle ? 0 : spec.io_level.value_or(4));
        if (syscall(SYS_ioprio_set, kWhoProcess, 0, value) != 0)
            spdlog::warn("failed to set ionice {}: {}; the run goes on at its current I/O priority",
                         spec.io_class, std::strerror(errno));
    }
}

}  // namespace stash_hook

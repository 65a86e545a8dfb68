#include "spec/spec_search.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace stash_hook {

std::vector<std::string> spec_search_dirs() {
    std::vector<std::string> dirs;
    if (const char* path = std::getenv("STASH_HOOK_SPEC_PATH"); path && *path) {
        std::string all = path;
        for (size_t start = 0; start <= all.size();) {
            size_t end = all.find(':', start);
            if (end == std::string::npos) end = all.size();
            if (end > start) dirs.push_back(all.substr(start, end - start));
            start = end + 1;
        }
        return dirs;
    }
    dirs.emplace_back("/etc/stash-hook");
    if (geteuid() != 0) {
        if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg == '/')
            dirs.push_back(std::string(xdg) + "/stash-hook");
        else if (const char* home = std::getenv("HOME"); home && *home == '/')
            dirs.push_back(std::string(home) + "/.config/stash-hook");
    }
    return dirs;
}

bool is_spec_name(const std::string& arg) {
    if (arg.empty() || arg == "-" || arg.front() == '.' || arg.size() > 255) return false;
    if (arg.ends_with(".yaml") || arg.ends_with(".yml")) return false;
    for (char c : arg)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
            return false;
    std::error_code ec;
    return !std::filesystem::exists(arg, ec);
}

expected<std::string, std::string> find_spec_by_name(const std::string& name) {
    std::string looked;
    for (const auto& dir : spec_search_dirs()) {
        const std::string candidate = dir + "/" + name + ".yaml";
        std::error_code ec;
        if (std::filesystem::exists(candidate, ec)) return candidate;
        looked += (looked.empty() ? "" : ", ") + candidate;
    }
    return unexpected("failed to find spec " + name + ": no " + looked +
                      " (list them with stash-hook list; give a file with -f FILE)");
}

}  // namespace stash_hook

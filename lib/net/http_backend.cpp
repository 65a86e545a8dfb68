#include "net/http_backend.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "util/error.hpp"

namespace stash_hook::net {
namespace {

constexpr const char* kModuleName = "stash-hook-http.so";

std::string executable_dir() {
    char buf[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return ".";
    std::string path(buf, static_cast<size_t>(n));
    return path.substr(0, path.rfind('/'));
}

std::vector<std::string> candidates() {
    if (const char* forced = std::getenv("STASH_HOOK_HTTP_MODULE"); forced && *forced)
        return {forced};
    const std::string dir = executable_dir();
    // STASH_HOOK_MODULE_RELDIR: the install's module folder relative to its bin/.
    return {dir + "/" + kModuleName, dir + "/" + STASH_HOOK_MODULE_RELDIR + "/" + kModuleName};
}

const Backend* load(std::string& why) {
    std::string missing;
    for (const std::string& path : candidates()) {
        if (::access(path.c_str(), F_OK) != 0) {
            missing += (missing.empty() ? "" : " or ") + path;
            why = "not found at " + missing;
            continue;
        }
        void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            why = std::string("failed to load ") + ::dlerror();
            return nullptr;
        }
        using Entry = const Backend* (*)();
        auto entry = reinterpret_cast<Entry>(::dlsym(handle, "stash_hook_http_backend"));
        if (!entry) {
            why = path + " is not stash-hook's HTTP module (no stash_hook_http_backend)";
            return nullptr;
        }
        const Backend* backend = entry();
        if (std::string(backend->version) != STASH_HOOK_VERSION) {
            why = path + " is version " + backend->version + ", this program " + STASH_HOOK_VERSION;
            return nullptr;
        }
        return backend;  // never unloaded: it lives as long as the process
    }
    return nullptr;
}

}  // namespace

const Backend& http_backend() {
    static std::once_flag once;
    static const Backend* backend = nullptr;
    static std::string why;
    std::call_once(once, [] { backend = load(why); });
    if (!backend)
        throw Error("HTTP hooks and serve need stash-hook's HTTP module (" +
                    std::string(kModuleName) + "): " + why +
                    "; reinstall stash-hook, or point STASH_HOOK_HTTP_MODULE at the module");
    return *backend;
}

}  // namespace stash_hook::net

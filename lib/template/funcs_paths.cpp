// Sprig's path functions (sprig functions.go: base, dir, clean, ext, isAbs as Go's
// path package; the os* forms are path/filepath, the same on Linux).

#include <string>
#include <vector>

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

/// Go's path.Clean: the shortest equivalent path ("." for nothing).
std::string clean(const std::string& path) {
    if (path.empty()) return ".";
    const bool rooted = path[0] == '/';
    std::vector<std::string> parts;
    size_t at = 0;
    while (at <= path.size()) {
        size_t slash = path.find('/', at);
        if (slash == std::string::npos) slash = path.size();
        const std::string part = path.substr(at, slash - at);
        if (part == "..") {
            if (!parts.empty() && parts.back() != "..")
                parts.pop_back();
            else if (!rooted)
                parts.push_back(part);
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        at = slash + 1;
    }
    std::string out = rooted ? "/" : "";
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? "/" : "") + parts[i];
    return out.empty() ? "." : out;
}

/// Go's path.Base: the last element, trailing slashes removed.
std::string base(std::string path) {
    if (path.empty()) return ".";
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    if (path == "/") return "/";
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string dir(const std::string& path) {
    const size_t slash = path.rfind('/');
    return clean(slash == std::string::npos ? std::string() : path.substr(0, slash + 1));
}

std::string ext(const std::string& path) {
    for (size_t i = path.size(); i-- > 0 && path[i] != '/';)
        if (path[i] == '.') return path.substr(i);
    return "";
}

Value fn_base(Call& c) { return base(c.str(0)); }
Value fn_dir(Call& c) { return dir(c.str(0)); }
Value fn_clean(Call& c) { return clean(c.str(0)); }
Value fn_ext(Call& c) { return ext(c.str(0)); }
Value fn_is_abs(Call& c) { return c.str(0).starts_with('/'); }

constexpr Function kFunctions[] = {
    {"base", 1, 1, fn_base},      {"dir", 1, 1, fn_dir},       {"clean", 1, 1, fn_clean},
    {"ext", 1, 1, fn_ext},        {"isAbs", 1, 1, fn_is_abs},  {"osBase", 1, 1, fn_base},
    {"osDir", 1, 1, fn_dir},      {"osClean", 1, 1, fn_clean}, {"osExt", 1, 1, fn_ext},
    {"osIsAbs", 1, 1, fn_is_abs},
};

}  // namespace

std::span<const Function> path_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

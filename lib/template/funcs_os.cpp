// Sprig's environment functions (sprig functions.go: env).

#include <cstdlib>

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

Value fn_env(Call& c) {
    const std::string name = c.string_arg(0);
    const char* v = std::getenv(name.c_str());
    std::string value = v ? v : "";
    if (c.limits && c.limits->env_read) c.limits->env_read(name, value);
    return value;
}

constexpr Function kFunctions[] = {
    {"env", 1, 1, fn_env},
};

}  // namespace

std::span<const Function> os_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

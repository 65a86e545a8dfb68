// Sprig's environment functions (sprig functions.go: env).

#include <cstdlib>

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

Value fn_env(Call& c) {
    const char* v = std::getenv(c.string_arg(0).c_str());
    return std::string(v ? v : "");
}

constexpr Function kFunctions[] = {
    {"env", 1, 1, fn_env},
};

}  // namespace

std::span<const Function> os_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

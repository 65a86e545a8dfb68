// Sprig's defaults and flow control (sprig defaults.go).

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

Value fn_default(Call& c) {  // default DEFAULT GIVEN: GIVEN unless it is empty
    if (c.args.size() == 1 || !truthy(c.args[1])) return c.args[0];
    return c.args[1];
}

constexpr Function kFunctions[] = {
    {"default", 1, kVariadic, fn_default},
};

}  // namespace

std::span<const Function> default_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

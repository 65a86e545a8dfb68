// Sprig's defaults and flow control (sprig defaults.go).

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

Value fn_default(Call& c) {  // default DEFAULT GIVEN: GIVEN unless it is empty
    if (c.args.size() == 1 || !truthy(c.args[1])) return c.args[0];
    return c.args[1];
}

Value fn_empty(Call& c) { return !truthy(c.args[0]); }

Value fn_coalesce(Call& c) {
    for (const auto& v : c.args)
        if (truthy(v)) return v;
    return Value();
}

Value fn_all(Call& c) {
    for (const auto& v : c.args)
        if (!truthy(v)) return false;
    return true;
}

Value fn_any(Call& c) {
    for (const auto& v : c.args)
        if (truthy(v)) return true;
    return false;
}

Value fn_ternary(Call& c) { return c.boolean(2) ? c.args[0] : c.args[1]; }

Value fn_fail(Call& c) { c.fail(c.str(0)); }

constexpr Function kFunctions[] = {
    {"default", 1, kVariadic, fn_default},
    {"empty", 1, 1, fn_empty},
    {"coalesce", 0, kVariadic, fn_coalesce},
    {"all", 0, kVariadic, fn_all},
    {"any", 0, kVariadic, fn_any},
    {"ternary", 3, 3, fn_ternary},
    {"fail", 1, 1, fn_fail},
};

}  // namespace

std::span<const Function> default_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

// Sprig's dictionaries (sprig dict.go).

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

Value fn_dict(Call& c) {
    Value m = Value::object();
    for (size_t i = 0; i < c.args.size(); i += 2) m[c.string_arg(i)] = i + 1 < c.args.size() ? c.args[i + 1] : Value("");
    return m;
}

constexpr Function kFunctions[] = {
    {"dict", 0, kVariadic, fn_dict},
};

}  // namespace

std::span<const Function> dict_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

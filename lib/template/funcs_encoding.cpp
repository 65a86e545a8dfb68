// Sprig's encodings (sprig functions.go: toJson ...).

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

Value fn_to_json(Call& c) { return go_json(c.args[0]); }

constexpr Function kFunctions[] = {
    {"toJson", 1, 1, fn_to_json},
};

}  // namespace

std::span<const Function> encoding_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

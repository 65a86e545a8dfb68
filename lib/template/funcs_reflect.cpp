// Sprig's reflection functions (sprig reflect.go): typeOf as fmt's %T, kindOf as
// reflect's Kind, and deepEqual as reflect.DeepEqual, over the values a template holds
// (lists are []interface {}, dicts map[string]interface {}).

#include <string>

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

std::string type_of(const Value& v) {
    switch (v.type()) {
        case Value::value_t::null:
            return "<nil>";
        case Value::value_t::array:
            return "[]interface {}";
        case Value::value_t::object:
            return "map[string]interface {}";
        default:
            return type_name(v);
    }
}

std::string kind_of(const Value& v) {
    return v.is_null() ? "invalid" : v.is_array() ? "slice" : v.is_object() ? "map" : type_name(v);
}

/// reflect.DeepEqual: an int never equals a float, unlike JSON's equality.
bool deep_equal(const Value& a, const Value& b) {
    if (a.is_number_float() != b.is_number_float()) return false;
    if (a.is_array() && b.is_array()) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i)
            if (!deep_equal(a[i], b[i])) return false;
        return true;
    }
    if (a.is_object() && b.is_object()) {
        if (a.size() != b.size()) return false;
        for (auto it = a.begin(); it != a.end(); ++it) {
            auto other = b.find(it.key());
            if (other == b.end() || !deep_equal(it.value(), *other)) return false;
        }
        return true;
    }
    return a == b;
}

Value fn_type_of(Call& c) { return type_of(c.args[0]); }
Value fn_type_is(Call& c) { return c.str(0) == type_of(c.args[1]); }
Value fn_type_is_like(Call& c) {
    const std::string t = type_of(c.args[1]);
    return c.str(0) == t || "*" + c.str(0) == t;
}
Value fn_kind_of(Call& c) { return kind_of(c.args[0]); }
Value fn_kind_is(Call& c) { return c.str(0) == kind_of(c.args[1]); }
Value fn_deep_equal(Call& c) { return deep_equal(c.args[0], c.args[1]); }

constexpr Function kFunctions[] = {
    {"typeOf", 1, 1, fn_type_of},          {"typeIs", 2, 2, fn_type_is},
    {"typeIsLike", 2, 2, fn_type_is_like}, {"kindOf", 1, 1, fn_kind_of},
    {"kindIs", 2, 2, fn_kind_is},          {"deepEqual", 2, 2, fn_deep_equal},
};

}  // namespace

std::span<const Function> reflect_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

// Sprig's dictionaries (sprig dict.go).

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

Value fn_dict(Call& c) {
    Value m = Value::object();
    for (size_t i = 0; i < c.args.size(); i += 2)
        m[c.string_arg(i)] = i + 1 < c.args.size() ? c.args[i + 1] : Value("");
    return m;
}

const Value& dict_arg(const Call& c, size_t i) {
    if (!c.args[i].is_object())
        throw Failure{c.pos, "error calling " + std::string(c.name) +
                                 ": wrong type for value; expected map[string]interface {}; got " +
                                 type_name(c.args[i])};
    return c.args[i];
}

Value fn_get(Call& c) {
    const Value& d = dict_arg(c, 0);
    auto it = d.find(c.str(1));
    return it == d.end() ? Value("") : *it;
}

Value fn_has_key(Call& c) { return dict_arg(c, 0).contains(c.str(1)); }

Value fn_keys(Call& c) {
    Value out = Value::array();
    for (size_t i = 0; i < c.args.size(); ++i)
        for (auto it = dict_arg(c, i).begin(); it != c.args[i].end(); ++it) out.push_back(it.key());
    return out;
}

Value fn_values(Call& c) {
    Value out = Value::array();
    for (const auto& v : dict_arg(c, 0)) out.push_back(v);
    return out;
}

Value fn_pick(Call& c) {
    const Value& d = dict_arg(c, 0);
    Value out = Value::object();
    for (size_t i = 1; i < c.args.size(); ++i)
        if (auto it = d.find(c.str(i)); it != d.end()) out[it.key()] = *it;
    return out;
}

Value fn_omit(Call& c) {
    Value out = dict_arg(c, 0);
    for (size_t i = 1; i < c.args.size(); ++i) out.erase(c.str(i));
    return out;
}

constexpr Function kFunctions[] = {
    {"dict", 0, kVariadic, fn_dict}, {"get", 2, 2, fn_get},       {"hasKey", 2, 2, fn_has_key},
    {"keys", 1, kVariadic, fn_keys}, {"values", 1, 1, fn_values}, {"pick", 1, kVariadic, fn_pick},
    {"omit", 1, kVariadic, fn_omit},
};

}  // namespace

std::span<const Function> dict_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

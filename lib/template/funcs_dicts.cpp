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

Value fn_pluck(Call& c) {
    Value out = Value::array();
    const std::string& key = c.str(0);
    for (size_t i = 1; i < c.args.size(); ++i)
        if (auto it = dict_arg(c, i).find(key); it != c.args[i].end()) out.push_back(*it);
    return out;
}

/// mergo's isEmptyValue: zero numbers, false, empty strings, lists and maps, nil.
bool is_empty(const Value& v) {
    if (v.is_null()) return true;
    if (v.is_boolean()) return !v.get<bool>();
    if (v.is_number()) return v.get<double>() == 0;
    if (v.is_string()) return v.get_ref<const std::string&>().empty();
    if (v.is_structured()) return v.empty();
    return false;
}

/// mergo.Merge (overwrite: MergeWithOverwrite) of src into dst, nested maps merged.
void deep_merge(Value& dst, const Value& src, bool overwrite, const Call& c, int depth) {
    if (depth > kMaxDepth) throw Failure{c.pos, kTooDeep};
    for (auto it = src.begin(); it != src.end(); ++it) {
        const Value& sv = it.value();
        auto found = dst.find(it.key());
        if (sv.is_null()) {
            if (overwrite) dst[it.key()] = nullptr;
            continue;
        }
        if (sv.is_object() && found != dst.end() && found->is_object())
            deep_merge(*found, sv, overwrite, c, depth + 1);
        if (sv.is_array() && (overwrite || found == dst.end() || is_empty(*found))) {
            dst[it.key()] = sv;
            continue;
        }
        if (found != dst.end() && !is_empty(*found) && sv.is_structured()) continue;
        if (overwrite || found == dst.end() || is_empty(*found)) dst[it.key()] = sv;
    }
}

Value merge(Call& c, bool overwrite) {
    Value dst = dict_arg(c, 0);
    for (size_t i = 1; i < c.args.size(); ++i) deep_merge(dst, dict_arg(c, i), overwrite, c, 0);
    return dst;
}
Value fn_merge(Call& c) { return merge(c, false); }
Value fn_merge_overwrite(Call& c) { return merge(c, true); }

/// Sprig's dig KEY... DEFAULT DICT: the value at the path of keys, or DEFAULT.
Value fn_dig(Call& c) {
    const size_t n = c.args.size();
    if (n < 3) c.fail("dig needs at least three arguments");
    const Value* at = &dict_arg(c, n - 1);
    for (size_t i = 0; i + 2 < n; ++i) {
        if (!c.args[i].is_string())
            c.fail("interface conversion: interface {} is " + type_name(c.args[i]) +
                   ", not string");
        auto it = at->find(c.args[i].get<std::string>());
        if (it == at->end()) return c.args[n - 2];
        if (i + 3 == n) return *it;
        if (!it->is_object())
            c.fail("interface conversion: interface {} is " + type_name(*it) +
                   ", not map[string]interface {}");
        at = &*it;
    }
    return c.args[n - 2];
}

Value fn_deep_copy(Call& c) { return c.args[0]; }

constexpr Function kFunctions[] = {
    {"pluck", 1, kVariadic, fn_pluck},
    {"merge", 1, kVariadic, fn_merge},
    {"mustMerge", 1, kVariadic, fn_merge},
    {"mergeOverwrite", 1, kVariadic, fn_merge_overwrite},
    {"mustMergeOverwrite", 1, kVariadic, fn_merge_overwrite},
    {"dig", 0, kVariadic, fn_dig},
    {"deepCopy", 1, 1, fn_deep_copy},
    {"mustDeepCopy", 1, 1, fn_deep_copy},
    {"dict", 0, kVariadic, fn_dict},
    {"get", 2, 2, fn_get},
    {"hasKey", 2, 2, fn_has_key},
    {"keys", 1, kVariadic, fn_keys},
    {"values", 1, 1, fn_values},
    {"pick", 1, kVariadic, fn_pick},
    {"omit", 1, kVariadic, fn_omit},
};

}  // namespace

std::span<const Function> dict_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

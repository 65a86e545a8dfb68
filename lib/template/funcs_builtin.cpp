// Go's text/template builtins (text/template/funcs.go).

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

Value fn_and(Call& c) {  // lazy, like Go 1.18+
    Value last;
    for (size_t i = 0; i < c.count; ++i) {
        last = c.arg(i);
        if (!truthy(last)) return last;
    }
    return last;
}

Value fn_or(Call& c) {
    Value last;
    for (size_t i = 0; i < c.count; ++i) {
        last = c.arg(i);
        if (truthy(last)) return last;
    }
    return last;
}

Value fn_not(Call& c) { return !truthy(c.args[0]); }

Value fn_eq(Call& c) {
    for (size_t i = 1; i < c.args.size(); ++i)
        if (compare(c.args[0], c.args[i], c.pos, false) == 0) return true;
    return false;
}

Value fn_ne(Call& c) { return compare(c.args[0], c.args[1], c.pos, false) != 0; }
Value fn_lt(Call& c) { return compare(c.args[0], c.args[1], c.pos, true) < 0; }
Value fn_le(Call& c) { return compare(c.args[0], c.args[1], c.pos, true) <= 0; }
Value fn_gt(Call& c) { return compare(c.args[0], c.args[1], c.pos, true) > 0; }
Value fn_ge(Call& c) { return compare(c.args[0], c.args[1], c.pos, true) >= 0; }

Value fn_len(Call& c) {
    const Value& v = c.args[0];
    if (v.is_string()) return static_cast<int64_t>(v.get_ref<const std::string&>().size());
    if (v.is_array() || v.is_object()) return static_cast<int64_t>(v.size());
    throw Failure{c.pos, "len of " + type_name(v)};
}

Value fn_index(Call& c) {
    Value v = c.args[0];
    for (size_t i = 1; i < c.args.size(); ++i) {
        const Value& key = c.args[i];
        if (v.is_array()) {
            if (!key.is_number_integer()) throw Failure{c.pos, "cannot index slice with " + type_name(key)};
            const int64_t k = key.get<int64_t>();
            if (k < 0 || k >= static_cast<int64_t>(v.size()))
                throw Failure{c.pos, "index out of range: " + std::to_string(k)};
            Value next = v[static_cast<size_t>(k)];
            v = std::move(next);
        } else if (v.is_object()) {
            if (!key.is_string()) throw Failure{c.pos, "cannot index map with " + type_name(key)};
            auto it = v.find(key.get<std::string>());
            Value next = it == v.end() ? Value() : *it;
            v = std::move(next);
        } else {
            throw Failure{c.pos, "can't index item of type " + type_name(v)};
        }
    }
    return v;
}

Value fn_printf(Call& c) {
    if (!c.args[0].is_string()) throw Failure{c.pos, "printf's format must be a string"};
    return go_sprintf(c.args[0].get<std::string>(), std::vector<Value>(c.args.begin() + 1, c.args.end()), c.pos);
}

Value fn_print(Call& c) {
    std::string s;
    for (size_t i = 0; i < c.args.size(); ++i) {
        if (i > 0 && !c.args[i].is_string() && !c.args[i - 1].is_string()) s += ' ';
        s += sprint_value(c.args[i]);
    }
    return s;
}

constexpr Function kFunctions[] = {
    {"and", 1, kVariadic, fn_and, true},
    {"or", 1, kVariadic, fn_or, true},
    {"not", 1, 1, fn_not},
    {"eq", 2, kVariadic, fn_eq},
    {"ne", 2, 2, fn_ne},
    {"lt", 2, 2, fn_lt},
    {"le", 2, 2, fn_le},
    {"gt", 2, 2, fn_gt},
    {"ge", 2, 2, fn_ge},
    {"len", 1, 1, fn_len},
    {"index", 1, kVariadic, fn_index},
    {"printf", 1, kVariadic, fn_printf},
    {"print", 0, kVariadic, fn_print},
};

}  // namespace

std::span<const Function> builtin_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

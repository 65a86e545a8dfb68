// Sprig's lists (sprig list.go): list first last rest initial append prepend concat
// reverse uniq without has compact until untilStep seq. The must* forms fail where the
// plain ones give nothing.

#include <algorithm>
#include <string>
#include <vector>

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

/// The list argument i: a list, or a failure naming what it is instead.
const Value& list_arg(const Call& c, size_t i) {
    if (!c.args[i].is_array())
        c.fail("Cannot find " + std::string(c.name) + " on type " + type_name(c.args[i]));
    return c.args[i];
}

Value fn_list(Call& c) {
    Value out = Value::array();
    for (auto& v : c.args) out.push_back(std::move(v));
    return out;
}

Value fn_first(Call& c) {
    const Value& l = list_arg(c, 0);
    return l.empty() ? Value() : l.front();
}

Value fn_last(Call& c) {
    const Value& l = list_arg(c, 0);
    return l.empty() ? Value() : l.back();
}

Value fn_rest(Call& c) {
    const Value& l = list_arg(c, 0);
    if (l.empty()) return Value();
    return Value(Value::array_t(l.begin() + 1, l.end()));
}

Value fn_initial(Call& c) {
    const Value& l = list_arg(c, 0);
    if (l.empty()) return Value();
    return Value(Value::array_t(l.begin(), l.end() - 1));
}

Value fn_append(Call& c) {
    Value l = list_arg(c, 0);
    l.push_back(c.args[1]);
    return l;
}

Value fn_prepend(Call& c) {
    Value l = list_arg(c, 0);
    l.insert(l.begin(), c.args[1]);
    return l;
}

Value fn_concat(Call& c) {
    Value out = Value::array();
    for (size_t i = 0; i < c.args.size(); ++i)
        for (const auto& v : list_arg(c, i)) out.push_back(v);
    return out;
}

Value fn_reverse(Call& c) {
    Value l = list_arg(c, 0);
    std::reverse(l.begin(), l.end());
    return l;
}

Value fn_uniq(Call& c) {
    Value out = Value::array();
    for (const auto& v : list_arg(c, 0))
        if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    return out;
}

Value fn_without(Call& c) {
    Value out = Value::array();
    for (const auto& v : list_arg(c, 0))
        if (std::find(c.args.begin() + 1, c.args.end(), v) == c.args.end()) out.push_back(v);
    return out;
}

Value fn_has(Call& c) {
    if (c.args[1].is_null()) return false;
    const Value& l = list_arg(c, 1);
    return std::find(l.begin(), l.end(), c.args[0]) != l.end();
}

Value fn_compact(Call& c) {
    Value out = Value::array();
    for (const auto& v : list_arg(c, 0))
        if (truthy(v)) out.push_back(v);
    return out;
}

Value int_range(const Call& c, int64_t start, int64_t stop, int64_t step) {
    Value out = Value::array();
    if (step == 0) return out;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (out.size() >= kMaxBytes / 8) throw Failure{c.pos, kTooBig};
        out.push_back(i);
    }
    return out;
}

Value fn_until(Call& c) {
    const int64_t n = c.integer(0);
    return int_range(c, 0, n, n < 0 ? -1 : 1);
}

Value fn_until_step(Call& c) { return int_range(c, c.integer(0), c.integer(1), c.integer(2)); }

/// Sprig's slice (which replaces Go's builtin): slice LIST [START [END]], indexes
/// converted as toInt does; out of range fails.
Value fn_slice(Call& c) {
    const Value& l = c.args[0];
    if (!l.is_array())
        c.fail("list should be type of slice or array but " +
               std::string(l.is_string() ? "string" : type_name(l)));
    if (l.empty()) return Value();
    const auto len = static_cast<int64_t>(l.size());
    const int64_t start = c.args.size() > 1 ? to_int64(c.args[1]) : 0;
    const int64_t end = c.args.size() > 2 ? to_int64(c.args[2]) : len;
    if (start < 0 || end > len || start > end)
        c.fail("slice bounds out of range [" + std::to_string(start) + ":" + std::to_string(end) +
               "]");
    return Value(Value::array_t(l.begin() + start, l.begin() + end));
}

/// Sprig's chunk: the list in pieces of `size` (the last one shorter).
Value fn_chunk(Call& c) {
    const int64_t size = c.integer(0);
    const Value& l = c.args[1];
    if (!l.is_array()) c.fail("Cannot chunk type " + type_name(l));
    if (size <= 0) c.fail("runtime error: makeslice: len out of range");
    Value out = Value::array();
    for (size_t i = 0; i < l.size(); i += static_cast<size_t>(size))
        out.push_back(Value::array_t(
            l.begin() + static_cast<ptrdiff_t>(i),
            l.begin() + static_cast<ptrdiff_t>(std::min(l.size(), i + static_cast<size_t>(size)))));
    return out;
}

/// Sprig's seq: like GNU seq, the numbers joined by spaces (seq END, seq START END,
/// seq START STEP END).
Value fn_seq(Call& c) {
    std::vector<int64_t> p;
    for (size_t i = 0; i < c.args.size(); ++i) p.push_back(c.integer(i));
    Value range;
    if (p.size() == 1) {
        const int64_t inc = p[0] < 1 ? -1 : 1;
        range = int_range(c, 1, p[0] + inc, inc);
    } else if (p.size() == 2) {
        const int64_t step = p[1] < p[0] ? -1 : 1;
        range = int_range(c, p[0], p[1] + step, step);
    } else if (p.size() == 3) {
        const int64_t inc = p[2] < p[0] ? -1 : 1;
        if (inc < 0 && p[1] > 0) return std::string();
        range = int_range(c, p[0], p[2] + inc, p[1]);
    } else {
        return std::string();
    }
    std::string out;
    for (const auto& v : range) {
        if (!out.empty()) out += ' ';
        out += std::to_string(v.get<int64_t>());
        if (out.size() > kMaxBytes) throw Failure{c.pos, kTooBig};
    }
    return out;
}

Value fn_sort_alpha(Call& c) {  // the elements as strings, sorted; not a list: itself as one
    auto parts = strslice(c.args[0]);
    if (!c.args[0].is_array()) parts = {strval(c.args[0])};
    std::sort(parts.begin(), parts.end());
    Value out = Value::array();
    for (auto& p : parts) out.push_back(std::move(p));
    return out;
}

constexpr Function kFunctions[] = {
    {"sortAlpha", 1, 1, fn_sort_alpha},
    {"slice", 1, kVariadic, fn_slice},
    {"list", 0, kVariadic, fn_list},
    {"tuple", 0, kVariadic, fn_list},
    {"first", 1, 1, fn_first},
    {"last", 1, 1, fn_last},
    {"rest", 1, 1, fn_rest},
    {"initial", 1, 1, fn_initial},
    {"append", 2, 2, fn_append},
    {"push", 2, 2, fn_append},
    {"prepend", 2, 2, fn_prepend},
    {"concat", 0, kVariadic, fn_concat},
    {"reverse", 1, 1, fn_reverse},
    {"uniq", 1, 1, fn_uniq},
    {"without", 1, kVariadic, fn_without},
    {"has", 2, 2, fn_has},
    {"compact", 1, 1, fn_compact},
    {"until", 1, 1, fn_until},
    {"untilStep", 3, 3, fn_until_step},
    {"chunk", 2, 2, fn_chunk},
    {"mustChunk", 2, 2, fn_chunk},
    {"seq", 0, kVariadic, fn_seq},
    // The plain forms above already fail where Sprig's panic, so the must* forms are the same.
    {"mustFirst", 1, 1, fn_first},
    {"mustLast", 1, 1, fn_last},
    {"mustRest", 1, 1, fn_rest},
    {"mustInitial", 1, 1, fn_initial},
    {"mustAppend", 2, 2, fn_append},
    {"mustPush", 2, 2, fn_append},
    {"mustPrepend", 2, 2, fn_prepend},
    {"mustReverse", 1, 1, fn_reverse},
    {"mustUniq", 1, 1, fn_uniq},
    {"mustWithout", 1, kVariadic, fn_without},
    {"mustHas", 2, 2, fn_has},
    {"mustCompact", 1, 1, fn_compact},
    {"mustSlice", 1, kVariadic, fn_slice},
};

}  // namespace

std::span<const Function> list_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

// Sprig's integer and float math (sprig functions.go, numeric.go). Arguments convert
// as spf13/cast does: numbers, numeric strings, bools; anything else is 0.

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

Value fn_add(Call& c) {
    int64_t sum = 0;
    for (const auto& v : c.args)
        sum = static_cast<int64_t>(static_cast<uint64_t>(sum) + static_cast<uint64_t>(to_int64(v)));
    return sum;
}

Value fn_add1(Call& c) {
    return static_cast<int64_t>(static_cast<uint64_t>(to_int64(c.args[0])) + 1);
}
Value fn_sub(Call& c) {
    return static_cast<int64_t>(static_cast<uint64_t>(to_int64(c.args[0])) -
                                static_cast<uint64_t>(to_int64(c.args[1])));
}

Value fn_mul(Call& c) {
    uint64_t product = static_cast<uint64_t>(to_int64(c.args[0]));
    for (size_t i = 1; i < c.args.size(); ++i)
        product *= static_cast<uint64_t>(to_int64(c.args[i]));
    return static_cast<int64_t>(product);
}

Value fn_div(Call& c) {
    const int64_t a = to_int64(c.args[0]), b = to_int64(c.args[1]);
    if (b == 0) c.fail("runtime error: integer divide by zero");
    if (a == INT64_MIN && b == -1) return a;
    return a / b;
}

Value fn_mod(Call& c) {
    const int64_t a = to_int64(c.args[0]), b = to_int64(c.args[1]);
    if (b == 0) c.fail("runtime error: integer divide by zero");
    if (b == -1) return int64_t{0};
    return a % b;
}

Value fn_max(Call& c) {
    int64_t m = to_int64(c.args[0]);
    for (size_t i = 1; i < c.args.size(); ++i) m = std::max(m, to_int64(c.args[i]));
    return m;
}

Value fn_min(Call& c) {
    int64_t m = to_int64(c.args[0]);
    for (size_t i = 1; i < c.args.size(); ++i) m = std::min(m, to_int64(c.args[i]));
    return m;
}

Value fn_floor(Call& c) { return std::floor(to_float64(c.args[0])); }
Value fn_ceil(Call& c) { return std::ceil(to_float64(c.args[0])); }

Value fn_int(Call& c) { return to_int64(c.args[0]); }
Value fn_float64(Call& c) { return to_float64(c.args[0]); }

Value fn_atoi(Call& c) {  // strconv.Atoi, 0 on error
    const std::string& s = c.str(0);
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno == ERANGE ||
        std::isspace(static_cast<unsigned char>(s[0])))
        return int64_t{0};
    return static_cast<int64_t>(v);
}

constexpr Function kFunctions[] = {
    {"atoi", 1, 1, fn_atoi},   {"add", 0, kVariadic, fn_add}, {"add1", 1, 1, fn_add1},
    {"sub", 2, 2, fn_sub},     {"mul", 1, kVariadic, fn_mul}, {"div", 2, 2, fn_div},
    {"mod", 2, 2, fn_mod},     {"max", 1, kVariadic, fn_max}, {"min", 1, kVariadic, fn_min},
    {"floor", 1, 1, fn_floor}, {"ceil", 1, 1, fn_ceil},       {"int", 1, 1, fn_int},
    {"int64", 1, 1, fn_int},   {"float64", 1, 1, fn_float64},
};

}  // namespace

std::span<const Function> math_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

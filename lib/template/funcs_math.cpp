// Sprig's integer and float math (sprig functions.go, numeric.go). Arguments convert
// as spf13/cast does: numbers, numeric strings, bools; anything else is 0.

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

const Value kOne = 1;

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

/// A decimal number m * 10^e, as shopspring/decimal holds one: Sprig's float math
/// (addf, subf, mulf, divf) converts each argument to its shortest decimal form and
/// computes in decimal, so 0.1 + 0.2 is 0.3. Mantissas fit 128 bits; past that the
/// operation falls back to binary floating point.
__extension__ using Int128 = __int128;
constexpr Int128 kDecimalLimit =
    static_cast<Int128>(1'000'000'000'000'000'000) * 1'000'000'000'000'000'000;

struct Decimal {
    Int128 m = 0;
    int e = 0;
    bool exact = true;
    double approx = 0;  // the binary value, for the fallback
};

Decimal to_decimal(double d) {
    Decimal out{0, 0, std::isfinite(d), d};
    if (!out.exact) return out;
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    const std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
    const bool negative = s.starts_with('-');
    const size_t epos = s.find('e');
    int fraction = 0;
    bool after_point = false;
    for (char ch : s.substr(negative ? 1 : 0, epos - (negative ? 1 : 0))) {
        if (ch == '.') {
            after_point = true;
            continue;
        }
        out.m = out.m * 10 + (ch - '0');
        if (after_point) ++fraction;
    }
    out.e = std::atoi(std::string(s.substr(epos + 1)).c_str()) - fraction;
    if (negative) out.m = -out.m;
    return out;
}

bool fits(Int128 m) { return m < kDecimalLimit && m > -kDecimalLimit; }

/// Brings both to the smaller exponent, or marks them inexact when that overflows.
void align(Decimal& a, Decimal& b) {
    while (a.exact && b.exact && a.e != b.e) {
        Decimal& big = a.e > b.e ? a : b;
        if (!fits(big.m) || !fits(big.m * 10)) {
            a.exact = b.exact = false;
            break;
        }
        big.m *= 10;
        --big.e;
    }
}

double to_double(const Decimal& d) {
    if (!d.exact) return d.approx;
    const bool negative = d.m < 0;
    Int128 m = negative ? -d.m : d.m;
    std::string digits;
    do {
        digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
        m /= 10;
    } while (m > 0);
    return std::strtod(((negative ? "-" : "") + digits + "e" + std::to_string(d.e)).c_str(),
                       nullptr);
}

enum class Op { Add, Sub, Mul, Div };

Decimal apply(Decimal a, Decimal b, Op op) {
    Decimal out;
    switch (op) {
        case Op::Add:
            out.approx = a.approx + b.approx;
            break;
        case Op::Sub:
            out.approx = a.approx - b.approx;
            break;
        case Op::Mul:
            out.approx = a.approx * b.approx;
            break;
        case Op::Div:
            out.approx = a.approx / b.approx;
            break;
    }
    if (op == Op::Div || !a.exact || !b.exact) {
        out.exact = false;
        return out;
    }
    if (op == Op::Mul) {
        const Int128 half = static_cast<Int128>(1'000'000'000'000'000'000);
        if (a.m >= half || a.m <= -half || b.m >= half || b.m <= -half) {
            out.exact = false;
            return out;
        }
        out.m = a.m * b.m;
        out.e = a.e + b.e;
        out.exact = fits(out.m);
        return out;
    }
    align(a, b);
    if (!a.exact) {
        out.exact = false;
        return out;
    }
    out.m = op == Op::Add ? a.m + b.m : a.m - b.m;
    out.e = a.e;
    out.exact = fits(out.m);
    return out;
}

/// Sprig's execDecimalOp: `first` combined with each argument in turn.
double decimal_op(const Value& first, std::span<const Value> rest, Op op, const Call& c) {
    Decimal acc = to_decimal(to_float64(first));
    for (const auto& v : rest) {
        const Decimal next = to_decimal(to_float64(v));
        if (op == Op::Div && next.approx == 0) c.fail("decimal division by 0");
        acc = apply(acc, next, op);
    }
    return to_double(acc);
}

Value fn_addf(Call& c) { return decimal_op(Value(0.0), c.args, Op::Add, c); }
Value fn_add1f(Call& c) { return decimal_op(c.args[0], std::span(&kOne, 1), Op::Add, c); }
Value fn_subf(Call& c) { return decimal_op(c.args[0], std::span(c.args).subspan(1), Op::Sub, c); }
Value fn_mulf(Call& c) { return decimal_op(c.args[0], std::span(c.args).subspan(1), Op::Mul, c); }
Value fn_divf(Call& c) { return decimal_op(c.args[0], std::span(c.args).subspan(1), Op::Div, c); }

Value fn_maxf(Call& c) {
    double m = to_float64(c.args[0]);
    for (size_t i = 1; i < c.args.size(); ++i) m = std::fmax(m, to_float64(c.args[i]));
    return m;
}

Value fn_minf(Call& c) {
    double m = to_float64(c.args[0]);
    for (size_t i = 1; i < c.args.size(); ++i) m = std::fmin(m, to_float64(c.args[i]));
    return m;
}

/// Sprig's round: half (or the given fraction) away from the floor, at `places` digits.
Value fn_round(Call& c) {
    const double on = c.args.size() > 2 ? to_float64(c.args[2]) : 0.5;
    const double pow = std::pow(10.0, static_cast<double>(c.integer(1)));
    const double digit = pow * to_float64(c.args[0]);
    double whole;
    const double fraction = std::modf(digit, &whole);
    return (fraction >= on ? std::ceil(digit) : std::floor(digit)) / pow;
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

/// toDecimal: strconv.ParseInt(fmt.Sprint(v), 8, 64) (a sign, octal digits), 0 on any error.
Value fn_to_decimal(Call& c) {
    const std::string s = strval(c.args[0]);
    size_t i = !s.empty() && (s[0] == '+' || s[0] == '-') ? 1 : 0;
    if (i == s.size()) return int64_t{0};
    uint64_t n = 0;
    for (; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '7' || n >= (uint64_t{1} << 61)) return int64_t{0};
        n = n * 8 + static_cast<uint64_t>(s[i] - '0');
    }
    const uint64_t limit = uint64_t{1} << 63;  // -2^63 fits, 2^63 does not
    if (s[0] == '-') return n > limit ? int64_t{0} : static_cast<int64_t>(0 - n);
    return n >= limit ? int64_t{0} : static_cast<int64_t>(n);
}

constexpr Function kFunctions[] = {
    {"toDecimal", 1, 1, fn_to_decimal},
    {"atoi", 1, 1, fn_atoi},
    {"add", 0, kVariadic, fn_add},
    {"add1", 1, 1, fn_add1},
    {"sub", 2, 2, fn_sub},
    {"mul", 1, kVariadic, fn_mul},
    {"div", 2, 2, fn_div},
    {"mod", 2, 2, fn_mod},
    {"max", 1, kVariadic, fn_max},
    {"min", 1, kVariadic, fn_min},
    {"floor", 1, 1, fn_floor},
    {"ceil", 1, 1, fn_ceil},
    {"int", 1, 1, fn_int},
    {"int64", 1, 1, fn_int},
    {"float64", 1, 1, fn_float64},
    {"biggest", 1, kVariadic, fn_max},
    {"addf", 0, kVariadic, fn_addf},
    {"add1f", 1, 1, fn_add1f},
    {"subf", 1, kVariadic, fn_subf},
    {"mulf", 1, kVariadic, fn_mulf},
    {"divf", 1, kVariadic, fn_divf},
    {"maxf", 1, kVariadic, fn_maxf},
    {"minf", 1, kVariadic, fn_minf},
    {"round", 2, 3, fn_round},
};

}  // namespace

std::span<const Function> math_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

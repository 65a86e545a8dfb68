// Sprig's random functions: randAlpha, randAlphaNum, randAscii, randNumeric
// (Masterminds/goutils' CryptoRandom*), randBytes (crypto/rand, base64) and randInt
// (math/rand's Intn). Each result is bounded by kMaxBytes.
#include <random>

#include "template/ast.hpp"
#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

uint64_t random_below(uint64_t n) {
    static thread_local std::random_device device;
    std::uniform_int_distribution<uint64_t> pick(0, n - 1);
    return pick(device);
}

/// `count` characters drawn from `alphabet`; a negative count is goutils' error, which
/// Sprig drops: "".
std::string random_string(const Call& c, std::string_view alphabet) {
    const int64_t count = c.integer(0);
    if (count <= 0) return {};
    if (static_cast<uint64_t>(count) > kMaxBytes) throw Failure{c.pos, kTooBig};
    std::string out(static_cast<size_t>(count), ' ');
    for (char& ch : out) ch = alphabet[random_below(alphabet.size())];
    return out;
}

constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view kDigits = "0123456789";

Value fn_rand_alpha(Call& c) { return random_string(c, kLetters); }
Value fn_rand_alpha_num(Call& c) {
    return random_string(c, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
}
Value fn_rand_numeric(Call& c) { return random_string(c, kDigits); }
Value fn_rand_ascii(Call& c) {  // the printable ASCII characters, space to ~
    std::string printable;
    for (char ch = ' '; ch <= '~'; ++ch) printable += ch;
    return random_string(c, printable);
}

/// crypto/rand's bytes, base64 (std encoding) as Sprig returns them; a negative count
/// panics in make, as Go's does.
Value fn_rand_bytes(Call& c) {
    const int64_t count = c.integer(0);
    if (count < 0) c.fail("runtime error: makeslice: len out of range");
    if (static_cast<uint64_t>(count) > kMaxBytes / 2) throw Failure{c.pos, kTooBig};
    std::string bytes(static_cast<size_t>(count), '\0');
    for (char& b : bytes) b = static_cast<char>(random_below(256));
    return base64_encode(bytes);
}

/// rand.Intn(max-min) + min: Intn panics unless max > min.
Value fn_rand_int(Call& c) {
    const int64_t lo = c.integer(0), hi = c.integer(1);
    const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);  // Go's wrap
    if (static_cast<int64_t>(span) <= 0) c.fail("invalid argument to Intn");
    return static_cast<int64_t>(random_below(span) + static_cast<uint64_t>(lo));
}

constexpr Function kFunctions[] = {
    {"randAlpha", 1, 1, fn_rand_alpha}, {"randAlphaNum", 1, 1, fn_rand_alpha_num},
    {"randAscii", 1, 1, fn_rand_ascii}, {"randNumeric", 1, 1, fn_rand_numeric},
    {"randBytes", 1, 1, fn_rand_bytes}, {"randInt", 2, 2, fn_rand_int},
};

}  // namespace

std::span<const Function> random_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

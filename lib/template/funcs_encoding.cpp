// Sprig's encodings (sprig functions.go: toJson ...).

#include <cstdint>
#include <cstring>
#include <optional>

#include "template/functions.hpp"
#include "util/hash.hpp"

namespace stash_hook::tmpl {

namespace {

Value fn_to_json(Call& c) { return go_json(c.args[0]); }

const char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Encodes `s` in groups of `bits` bits per symbol, padded with '=' to `block` symbols.
std::string encode_bits(const std::string& s, const char* alphabet, int bits, size_t block) {
    std::string out;
    uint32_t acc = 0;
    int have = 0;
    for (unsigned char ch : s) {
        acc = (acc << 8) | ch;
        have += 8;
        while (have >= bits) {
            have -= bits;
            out += alphabet[(acc >> have) & ((1u << bits) - 1)];
        }
    }
    if (have > 0) out += alphabet[(acc << (bits - have)) & ((1u << bits) - 1)];
    while (out.size() % block) out += '=';
    return out;
}

/// Decodes strict padded base64/base32, or nullopt where Go's decoder reports an error.
std::optional<std::string> decode_bits(const std::string& s, const char* alphabet, int bits,
                                       size_t block) {
    if (s.size() % block) return std::nullopt;
    std::string out;
    uint32_t acc = 0;
    int have = 0;
    size_t pad = 0;
    for (char ch : s) {
        if (ch == '=') {
            ++pad;
            continue;
        }
        if (pad) return std::nullopt;
        const char* at = std::strchr(alphabet, ch);
        if (!at || ch == '\0') return std::nullopt;
        acc = (acc << bits) | static_cast<uint32_t>(at - alphabet);
        have += bits;
        if (have >= 8) {
            have -= 8;
            out += static_cast<char>((acc >> have) & 0xFF);
        }
    }
    return out;
}

Value fn_b64enc(Call& c) { return encode_bits(strval(c.args[0]), kBase64, 6, 4); }
Value fn_b32enc(Call& c) { return encode_bits(strval(c.args[0]), kBase32, 5, 8); }
/// Sprig returns the decoder's error as the result, not as a failure.
Value fn_b64dec(Call& c) {
    auto out = decode_bits(strval(c.args[0]), kBase64, 6, 4);
    return out ? *out : std::string("illegal base64 data at input byte 0");
}
Value fn_b32dec(Call& c) {
    auto out = decode_bits(strval(c.args[0]), kBase32, 5, 8);
    return out ? *out : std::string("illegal base32 data at input byte 0");
}

Value fn_sha1sum(Call& c) { return sha1_hex(c.str(0)); }
Value fn_sha256sum(Call& c) { return sha256_hex(c.str(0)); }
Value fn_adler32sum(Call& c) { return std::to_string(adler32(c.str(0))); }

constexpr Function kFunctions[] = {
    {"sha1sum", 1, 1, fn_sha1sum},       {"sha256sum", 1, 1, fn_sha256sum},
    {"adler32sum", 1, 1, fn_adler32sum}, {"toJson", 1, 1, fn_to_json},
    {"b64enc", 1, 1, fn_b64enc},         {"b64dec", 1, 1, fn_b64dec},
    {"b32enc", 1, 1, fn_b32enc},         {"b32dec", 1, 1, fn_b32dec},
};

}  // namespace

std::string base64_encode(const std::string& bytes) { return encode_bits(bytes, kBase64, 6, 4); }

std::span<const Function> encoding_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

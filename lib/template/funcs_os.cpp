// Sprig's environment functions (sprig functions.go: env, expandenv) and uuidv4.

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

/// The variable's value ("" when unset), reported to env_read so that it is masked.
std::string read_env(const Call& c, const std::string& name) {
    const char* v = std::getenv(name.c_str());
    std::string value = v ? v : "";
    if (c.limits && c.limits->env_read) c.limits->env_read(name, value);
    return value;
}

Value fn_env(Call& c) { return read_env(c, c.string_arg(0)); }

bool is_shell_special(char ch) {
    return std::string_view("*#$@!?-0123456789").find(ch) != std::string_view::npos;
}
bool is_alnum(char ch) {
    return ch == '_' || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
           (ch >= 'A' && ch <= 'Z');
}

/// Go's os getShellName: the name after a $ and how many bytes it takes.
std::pair<std::string, size_t> shell_name(std::string_view s) {
    if (s[0] == '{') {
        if (s.size() > 2 && is_shell_special(s[1]) && s[2] == '}')
            return {std::string(s.substr(1, 1)), 3};
        for (size_t i = 1; i < s.size(); ++i)
            if (s[i] == '}')
                return i == 1 ? std::pair{std::string(), size_t{2}}
                              : std::pair{std::string(s.substr(1, i - 1)), i + 1};
        return {"", 1};
    }
    if (is_shell_special(s[0])) return {std::string(s.substr(0, 1)), 1};
    size_t i = 0;
    while (i < s.size() && is_alnum(s[i])) ++i;
    return {std::string(s.substr(0, i)), i};
}

/// Go's os.ExpandEnv: $NAME and ${NAME} replaced by the variable's value.
Value fn_expandenv(Call& c) {
    const std::string& s = c.str(0);
    std::string out;
    size_t i = 0;
    for (size_t j = 0; j < s.size(); ++j) {
        if (s[j] != '$' || j + 1 >= s.size()) continue;
        out.append(s, i, j - i);
        const auto [name, width] = shell_name(std::string_view(s).substr(j + 1));
        if (name.empty() && width == 0)
            out += '$';
        else if (!name.empty())
            out += read_env(c, name);
        if (out.size() > kMaxBytes) throw Failure{c.pos, kTooBig};
        j += width;
        i = j + 1;
    }
    if (i < s.size()) out.append(s, i);
    return out;
}

/// A random (version 4) UUID, as google/uuid's NewRandom writes it.
Value fn_uuidv4(Call&) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    unsigned char b[16];
    for (size_t k = 0; k < 16; k += 8) {
        const uint64_t r = random();
        for (size_t n = 0; n < 8; ++n) b[k + n] = static_cast<unsigned char>(r >> (n * 8));
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (size_t k = 0; k < 16; ++k) {
        if (k == 4 || k == 6 || k == 8 || k == 10) out += '-';
        out += kHex[b[k] >> 4];
        out += kHex[b[k] & 0xF];
    }
    return out;
}

constexpr Function kFunctions[] = {
    {"env", 1, 1, fn_env},
    {"expandenv", 1, 1, fn_expandenv},
    {"uuidv4", 0, 0, fn_uuidv4},
};

}  // namespace

std::span<const Function> os_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

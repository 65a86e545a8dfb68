// Sprig's string functions (sprig functions.go, strings.go).

#include <cctype>

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

Value fn_quote(Call& c) {
    std::string s;
    bool first = true;
    for (const auto& v : c.args) {
        if (v.is_null()) continue;
        if (!first) s += ' ';
        first = false;
        s += go_quote(v.is_string() ? v.get<std::string>() : sprint_value(v));
    }
    return s;
}

std::string map_ascii(std::string s, int (*f)(int)) {
    for (char& ch : s) ch = static_cast<char>(f(static_cast<unsigned char>(ch)));
    return s;
}

Value fn_lower(Call& c) { return map_ascii(c.string_arg(0), ::tolower); }
Value fn_upper(Call& c) { return map_ascii(c.string_arg(0), ::toupper); }

Value fn_trim(Call& c) {
    const std::string s = c.string_arg(0);
    const size_t b = s.find_first_not_of(" \t\r\n\v\f");
    if (b == std::string::npos) return std::string();
    return s.substr(b, s.find_last_not_of(" \t\r\n\v\f") - b + 1);
}

constexpr Function kFunctions[] = {
    {"quote", 0, kVariadic, fn_quote},
    {"lower", 1, 1, fn_lower},
    {"upper", 1, 1, fn_upper},
    {"trim", 1, 1, fn_trim},
};

}  // namespace

std::span<const Function> string_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

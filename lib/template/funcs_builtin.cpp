// Go's text/template builtins (text/template/funcs.go).

#include <cctype>

#include "template/functions.hpp"
#include "template/go_struct.hpp"

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
    if (v.is_array() || (v.is_object() && !go_struct(v))) return static_cast<int64_t>(v.size());
    throw Failure{c.pos, "len of " + type_name(v)};
}

Value fn_index(Call& c) {
    Value v = c.args[0];
    for (size_t i = 1; i < c.args.size(); ++i) {
        const Value& key = c.args[i];
        if (v.is_array()) {
            if (!key.is_number_integer())
                throw Failure{c.pos, "cannot index slice with " + type_name(key)};
            const int64_t k = key.get<int64_t>();
            if (k < 0 || k >= static_cast<int64_t>(v.size()))
                throw Failure{c.pos, "index out of range: " + std::to_string(k)};
            Value next = v[static_cast<size_t>(k)];
            v = std::move(next);
        } else if (v.is_object() && !go_struct(v)) {
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
    return go_sprintf(c.args[0].get<std::string>(),
                      std::vector<Value>(c.args.begin() + 1, c.args.end()), c.pos);
}

Value fn_print(Call& c) {
    std::string s;
    for (size_t i = 0; i < c.args.size(); ++i) {
        if (i > 0 && !c.args[i].is_string() && !c.args[i - 1].is_string()) s += ' ';
        s += sprint_value(c.args[i]);
    }
    return s;
}

/// text/template's evalArgs: a lone string as it is, else fmt.Sprint of the arguments.
std::string eval_args(const Call& c) {
    if (c.args.size() == 1 && c.args[0].is_string()) return c.args[0].get<std::string>();
    return fn_print(const_cast<Call&>(c)).get<std::string>();
}

Value fn_println(Call& c) {
    std::string s;
    for (size_t i = 0; i < c.args.size(); ++i) s += (i ? " " : "") + sprint_value(c.args[i]);
    return s + "\n";
}

Value fn_html(Call& c) {
    std::string out;
    for (char ch : eval_args(c)) {
        switch (ch) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '\'':
                out += "&#39;";
                break;
            case '"':
                out += "&#34;";
                break;
            case '\0':
                out += "\xEF\xBF\xBD";
                break;
            default:
                out += ch;
        }
    }
    return out;
}

Value fn_js(Call& c) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (char ch : eval_args(c)) {
        const auto u = static_cast<unsigned char>(ch);
        switch (ch) {
            case '\\':
                out += "\\\\";
                break;
            case '\'':
                out += "\\'";
                break;
            case '"':
                out += "\\\"";
                break;
            case '<':
                out += "\\u003C";
                break;
            case '>':
                out += "\\u003E";
                break;
            case '&':
                out += "\\u0026";
                break;
            case '=':
                out += "\\u003D";
                break;
            default:
                if (u < 0x20) {
                    out += "\\u00";
                    out += hex[u >> 4];
                    out += hex[u & 15];
                } else {
                    out += ch;
                }
        }
    }
    return out;
}

Value fn_urlquery(Call& c) {  // url.QueryEscape
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (char ch : eval_args(c)) {
        const auto u = static_cast<unsigned char>(ch);
        if (std::isalnum(u) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
            out += ch;
        } else if (ch == ' ') {
            out += '+';
        } else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    return out;
}

Value fn_call(Call& c) {  // templates hold no function values: calling anything fails
    throw Failure{c.pos, "error calling call: call of nil"};
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
    {"println", 0, kVariadic, fn_println},
    {"html", 0, kVariadic, fn_html},
    {"js", 0, kVariadic, fn_js},
    {"urlquery", 0, kVariadic, fn_urlquery},
    {"call", 1, kVariadic, fn_call},
};

}  // namespace

std::span<const Function> builtin_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

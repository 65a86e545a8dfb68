// Sprig's JSON functions beyond toJson (sprig functions.go, defaults.go): fromJson as
// encoding/json decodes into interface{} (every number a float64),
// toPrettyJson as json.MarshalIndent with two spaces, toRawJson without HTML escapes.

#include <optional>
#include <string>

#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

/// Numbers as encoding/json decodes them into interface{}: float64.
void numbers_to_float(Value& v) {
    if (v.is_number())
        v = v.get<double>();
    else if (v.is_structured())
        for (auto& e : v) numbers_to_float(e);
}

/// The value `text` holds, as json.Unmarshal into interface{} decodes it, or nullopt
/// where that fails. Nesting past kMaxDepth fails the template.
std::optional<Value> decode(const Call& c, const std::string& text) {
    bool too_deep = false;
    Value v = Value::parse(
        text,
        [&](int depth, Value::parse_event_t, Value&) {
            if (depth > kMaxDepth) too_deep = true;
            return !too_deep;
        },
        false);
    if (too_deep) throw Failure{c.pos, kTooDeep};
    if (v.is_discarded()) return std::nullopt;
    numbers_to_float(v);
    return v;
}

/// Sprig's fromJson: nil (printed <no value>) where the text is not JSON.
Value fn_from_json(Call& c) { return decode(c, c.str(0)).value_or(Value()); }

Value fn_must_from_json(Call& c) {
    auto v = decode(c, c.str(0));
    if (!v) c.fail("invalid character in JSON");
    return *v;
}

/// encoding/json's Indent(dst, compact, "", "  ") of compact JSON.
std::string indent(std::string_view json) {
    std::string out;
    int depth = 0;
    bool in_string = false;
    auto newline = [&] { out += '\n' + std::string(static_cast<size_t>(depth) * 2, ' '); };
    for (size_t i = 0; i < json.size(); ++i) {
        const char ch = json[i];
        if (in_string) {
            out += ch;
            if (ch == '\\' && i + 1 < json.size())
                out += json[++i];
            else if (ch == '"')
                in_string = false;
            continue;
        }
        switch (ch) {
            case '"':
                in_string = true;
                out += ch;
                break;
            case '{':
            case '[':
                out += ch;
                if (i + 1 < json.size() && (json[i + 1] == '}' || json[i + 1] == ']')) {
                    out += json[++i];
                } else {
                    ++depth;
                    newline();
                }
                break;
            case '}':
            case ']':
                --depth;
                newline();
                out += ch;
                break;
            case ',':
                out += ch;
                newline();
                break;
            case ':':
                out += ": ";
                break;
            default:
                out += ch;
        }
    }
    return out;
}

/// The JSON with encoding/json's HTML escapes (\u003c \u003e \u0026) turned back.
std::string unescape_html(std::string_view json) {
    std::string out;
    for (size_t i = 0; i < json.size(); ++i) {
        if (json[i] != '\\') {
            out += json[i];
            continue;
        }
        const std::string_view esc = json.substr(i, 6);
        if (esc == "\\u003c" || esc == "\\u003e" || esc == "\\u0026") {
            out += esc == "\\u003c" ? '<' : esc == "\\u003e" ? '>' : '&';
            i += 5;
        } else {
            out += json.substr(i, 2);
            ++i;
        }
    }
    return out;
}

Value fn_to_pretty_json(Call& c) { return indent(go_json(c.args[0])); }
Value fn_to_raw_json(Call& c) { return unescape_html(go_json(c.args[0])); }
Value fn_to_json(Call& c) { return go_json(c.args[0]); }

constexpr Function kFunctions[] = {
    {"fromJson", 1, 1, fn_from_json},          {"mustFromJson", 1, 1, fn_must_from_json},
    {"toPrettyJson", 1, 1, fn_to_pretty_json}, {"mustToPrettyJson", 1, 1, fn_to_pretty_json},
    {"toRawJson", 1, 1, fn_to_raw_json},       {"mustToRawJson", 1, 1, fn_to_raw_json},
    {"mustToJson", 1, 1, fn_to_json},
};

}  // namespace

std::span<const Function> json_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "template/ast.hpp"
#include "util/utf8.hpp"

namespace stash_hook::tmpl {

bool truthy(const Value& v) {
    switch (v.type()) {
        case Value::value_t::null: return false;
        case Value::value_t::boolean: return v.get<bool>();
        case Value::value_t::string: return !v.get_ref<const std::string&>().empty();
        case Value::value_t::number_integer: return v.get<int64_t>() != 0;
        case Value::value_t::number_unsigned: return v.get<uint64_t>() != 0;
        case Value::value_t::number_float: return v.get<double>() != 0;
        case Value::value_t::array:
        case Value::value_t::object: return !v.empty();
        default: return true;
    }
}

std::string go_float(double d) {
    // strconv.FormatFloat(d, 'g', -1, 64) with %v's exponent threshold of 21.
    if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
    if (std::isnan(d)) return "NaN";
    char buf[64];
    for (int prec = 1; prec <= 17; ++prec) {
        std::snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (std::strtod(buf, nullptr) == d) break;
    }
    std::string s = buf;
    const int exp10 = d == 0 ? 0 : static_cast<int>(std::floor(std::log10(std::fabs(d))));
    if (exp10 < 21 && exp10 >= -4 && s.find('e') != std::string::npos) {
        std::snprintf(buf, sizeof buf, "%.17f", d);
        s = buf;
        // shortest that round-trips
        for (int prec = 0; prec <= 17; ++prec) {
            std::snprintf(buf, sizeof buf, "%.*f", prec, d);
            if (std::strtod(buf, nullptr) == d) {
                s = buf;
                break;
            }
        }
    }
    // Go writes e+21, not e+021; C writes at least two exponent digits like Go.
    return s;
}

std::string print_value(const Value& v) {
    switch (v.type()) {
        case Value::value_t::null: return "<no value>";
        case Value::value_t::boolean: return v.get<bool>() ? "true" : "false";
        case Value::value_t::string: return v.get<std::string>();
        case Value::value_t::number_integer: return std::to_string(v.get<int64_t>());
        case Value::value_t::number_unsigned: return std::to_string(v.get<uint64_t>());
        case Value::value_t::number_float: return go_float(v.get<double>());
        case Value::value_t::array: {
            std::string s = "[";
            for (size_t i = 0; i < v.size(); ++i) s += (i ? " " : "") + print_value(v[i]);
            return s + "]";
        }
        case Value::value_t::object: {
            std::string s = "map[";
            bool first = true;
            for (auto it = v.begin(); it != v.end(); ++it) {
                s += (first ? "" : " ") + it.key() + ":" + print_value(it.value());
                first = false;
            }
            return s + "]";
        }
        default: return "";
    }
}

/// fmt's %v inside printf: nil is "<nil>" there.
std::string sprint_value(const Value& v) { return v.is_null() ? "<nil>" : print_value(v); }

void append_utf8_json_escaped(std::string& out, std::string_view s) {
    static const char* hex = "0123456789abcdef";
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                case '<': out += "\\u003c"; break;
                case '>': out += "\\u003e"; break;
                case '&': out += "\\u0026"; break;
                default:
                    if (c < 0x20) {
                        out += "\\u00";
                        out += hex[c >> 4];
                        out += hex[c & 15];
                    } else {
                        out += static_cast<char>(c);
                    }
            }
            ++i;
            continue;
        }
        // Invalid bytes become U+FFFD, as in Go.
        const size_t len = utf8_sequence_length(s, i);
        if (len == 0) {
            out += "\\ufffd";
            ++i;
            continue;
        }
        const std::string_view seq = s.substr(i, len);
        if (seq == "\xE2\x80\xA8") out += "\\u2028";
        else if (seq == "\xE2\x80\xA9") out += "\\u2029";
        else out += seq;
        i += len;
    }
}

void write_go_json(std::string& out, const Value& v) {
    switch (v.type()) {
        case Value::value_t::null: out += "null"; break;
        case Value::value_t::boolean: out += v.get<bool>() ? "true" : "false"; break;
        case Value::value_t::number_integer: out += std::to_string(v.get<int64_t>()); break;
        case Value::value_t::number_unsigned: out += std::to_string(v.get<uint64_t>()); break;
        case Value::value_t::number_float: {
            // encoding/json: like %g but no exponent for 1e-6 <= |f| < 1e21.
            const double d = v.get<double>();
            const double a = std::fabs(d);
            std::string s;
            if (a != 0 && (a < 1e-6 || a >= 1e21)) {
                char buf[64];
                for (int prec = 1; prec <= 17; ++prec) {
                    std::snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
                    if (std::strtod(buf, nullptr) == d) break;
                }
                s = buf;
                // Go writes e-07 as e-07 and e+21 as e+21: the same as C.
            } else {
                char buf[400];
                for (int prec = 0; prec <= 330; ++prec) {
                    std::snprintf(buf, sizeof buf, "%.*f", prec, d);
                    if (std::strtod(buf, nullptr) == d) break;
                }
                s = buf;
            }
            out += s;
            break;
        }
        case Value::value_t::string:
            out += '"';
            append_utf8_json_escaped(out, v.get_ref<const std::string&>());
            out += '"';
            break;
        case Value::value_t::array:
            out += '[';
            for (size_t i = 0; i < v.size(); ++i) {
                if (i) out += ',';
                write_go_json(out, v[i]);
            }
            out += ']';
            break;
        case Value::value_t::object: {
            out += '{';
            bool first = true;
            for (auto it = v.begin(); it != v.end(); ++it) {  // nlohmann::json keeps keys sorted
                if (!first) out += ',';
                first = false;
                out += '"';
                append_utf8_json_escaped(out, it.key());
                out += "\":";
                write_go_json(out, it.value());
            }
            out += '}';
            break;
        }
        default: out += "null";
    }
}

/// Go's strconv.Quote, for printable ASCII and valid UTF-8 (kept as is).
std::string go_quote(std::string_view s) {
    static const char* hex = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\a': out += "\\a"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\v': out += "\\v"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    out += "\\x";
                    out += hex[c >> 4];
                    out += hex[c & 15];
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
}

bool is_number(const Value& v) { return v.is_number(); }

std::string type_name(const Value& v) {
    switch (v.type()) {
        case Value::value_t::null: return "nil";
        case Value::value_t::boolean: return "bool";
        case Value::value_t::string: return "string";
        case Value::value_t::number_integer:
        case Value::value_t::number_unsigned: return "int";
        case Value::value_t::number_float: return "float64";
        case Value::value_t::array: return "slice";
        case Value::value_t::object: return "map";
        default: return "value";
    }
}

/// -1, 0, 1; throws for incomparable kinds (as Go's lt and friends do).
int compare(const Value& a, const Value& b, size_t pos, bool ordering) {
    if (is_number(a) && is_number(b)) {
        if (a.is_number_float() || b.is_number_float()) {
            const double x = a.get<double>(), y = b.get<double>();
            return x < y ? -1 : x > y ? 1 : 0;
        }
        const int64_t x = a.get<int64_t>(), y = b.get<int64_t>();
        return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.is_string() && b.is_string()) {
        const auto& x = a.get_ref<const std::string&>();
        const auto& y = b.get_ref<const std::string&>();
        return x < y ? -1 : x > y ? 1 : 0;
    }
    if (!ordering) {
        if (a.type() == b.type() && (a.is_boolean() || a.is_null())) return a == b ? 0 : 1;
        if (a.is_null() || b.is_null()) return a.is_null() && b.is_null() ? 0 : 1;
    }
    throw Failure{pos, "incompatible types for comparison: " + type_name(a) + " and " + type_name(b)};
}

// ---------------------------------------------------------------------------
// printf
// ---------------------------------------------------------------------------

namespace {

/// Go's fmt.parsenum: digits as a number, or nullopt when it grows past a million
/// (fmt's tooLarge), where Go gives up on the whole verb.
std::optional<int> parse_fmt_number(const std::string& format, size_t& j) {
    int num = 0;
    while (j < format.size() && std::isdigit(static_cast<unsigned char>(format[j]))) {
        if (num > 1'000'000) return std::nullopt;
        num = num * 10 + (format[j++] - '0');
    }
    return num;
}

/// snprintf into a string of whatever size the result needs (Go's widths and
/// precisions go up to about ten million, far past any fixed buffer).
template <typename T>
std::string c_format(const std::string& f, T value) {
    const int n = std::snprintf(nullptr, 0, f.c_str(), value);
    if (n <= 0) return {};
    std::string out(static_cast<size_t>(n) + 1, '\0');
    std::snprintf(out.data(), out.size(), f.c_str(), value);
    out.resize(static_cast<size_t>(n));
    return out;
}

/// The number of characters (UTF-8 sequences; a bad byte counts as one) in `s`.
size_t rune_count(std::string_view s) {
    size_t n = 0;
    for (size_t i = 0; i < s.size(); ++n) i += std::max<size_t>(1, utf8_sequence_length(s, i));
    return n;
}

struct FmtSpec {
    bool minus = false, zero = false;
    std::string flags;  // as written, for the C formatter
    std::optional<int> width, precision;

    /// The printf-style prefix ("%-08.3") for the C formatter.
    std::string c_prefix() const {
        std::string f = "%" + flags;
        if (width) f += std::to_string(*width);
        if (precision) f += "." + std::to_string(*precision);
        return f;
    }

    /// Go's string padding: precision truncates to that many characters, width pads
    /// with spaces (zeros with the 0 flag) on the left, or on the right with '-'.
    std::string pad(std::string s) const {
        if (precision) {
            size_t i = 0;
            for (int k = 0; k < *precision && i < s.size(); ++k) i += std::max<size_t>(1, utf8_sequence_length(s, i));
            s.resize(std::min(i, s.size()));
        }
        if (!width) return s;
        const size_t len = rune_count(s);
        if (len >= static_cast<size_t>(*width)) return s;
        const std::string fill(static_cast<size_t>(*width) - len, zero && !minus ? '0' : ' ');
        return minus ? s + fill : fill + s;
    }
};

}  // namespace

const std::string kTooBig = "template value exceeds " + std::to_string(kMaxBytes >> 20) + " MiB";

/// `pos` is printf's place in the template, for the error when the result grows past
/// kMaxBytes (a width of a million is allowed, and a format may hold many).
std::string go_sprintf(const std::string& format, const std::vector<Value>& args, size_t pos) {
    std::string out;
    size_t argi = 0;
    for (size_t i = 0; i < format.size(); ++i) {
        if (out.size() > kMaxBytes) throw Failure{pos, kTooBig};
        if (format[i] != '%') {
            out += format[i];
            continue;
        }
        if (i + 1 < format.size() && format[i + 1] == '%') {
            out += '%';
            ++i;
            continue;
        }
        FmtSpec spec;
        size_t j = i + 1;
        while (j < format.size() && std::string_view("-+# 0").find(format[j]) != std::string_view::npos) {
            spec.minus |= format[j] == '-';
            spec.zero |= format[j] == '0';
            spec.flags += format[j++];
        }
        bool too_large = false;
        if (j < format.size() && std::isdigit(static_cast<unsigned char>(format[j]))) {
            spec.width = parse_fmt_number(format, j);
            too_large = !spec.width;
        }
        if (!too_large && j < format.size() && format[j] == '.') {
            ++j;
            spec.precision = parse_fmt_number(format, j);
            too_large = !spec.precision;
        }
        if (too_large || j >= format.size()) {
            out += "%!(NOVERB)";
            break;
        }
        const char verb = format[j];
        i = j;
        if (argi >= args.size()) {
            out += std::string("%!") + verb + "(MISSING)";
            continue;
        }
        const Value& a = args[argi++];
        const std::string bad = std::string("%!") + verb + "(" + type_name(a) + "=" + sprint_value(a) + ")";
        switch (verb) {
            case 'v':
            case 's':
                if (verb == 's' && !a.is_string() && !a.is_array() && !a.is_object() && !a.is_null()) {
                    out += bad;
                } else {
                    out += spec.pad(sprint_value(a));
                }
                break;
            case 'q': {
                // Go truncates the string to the precision before quoting it.
                FmtSpec inner;
                inner.precision = spec.precision;
                FmtSpec outer = spec;
                outer.precision.reset();
                out += outer.pad(go_quote(inner.pad(a.is_string() ? a.get<std::string>() : sprint_value(a))));
                break;
            }
            case 't': out += a.is_boolean() ? spec.pad(a.get<bool>() ? "true" : "false") : bad; break;
            case 'd':
            case 'x':
            case 'X':
            case 'o':
            case 'c':
                if (a.is_number_integer() || a.is_number_unsigned()) {
                    if (verb == 'c') {
                        FmtSpec outer = spec;
                        outer.precision.reset();
                        out += outer.pad(utf8_encode(a.get<int64_t>()));
                    } else {
                        out += c_format(spec.c_prefix() + "ll" + verb, static_cast<long long>(a.get<int64_t>()));
                    }
                } else if ((verb == 'x' || verb == 'X') && a.is_string()) {
                    std::string hexed;
                    const char* digits = verb == 'x' ? "0123456789abcdef" : "0123456789ABCDEF";
                    for (unsigned char c : a.get<std::string>()) {
                        hexed += digits[c >> 4];
                        hexed += digits[c & 0xF];
                    }
                    FmtSpec outer = spec;
                    outer.precision.reset();
                    out += outer.pad(hexed);
                } else {
                    out += bad;
                }
                break;
            case 'f':
            case 'F':
            case 'e':
            case 'g':
                if (a.is_number()) {
                    out += c_format(spec.c_prefix() + (verb == 'F' ? 'f' : verb), a.get<double>());
                } else {
                    out += bad;
                }
                break;
            default: out += bad;
        }
    }
    if (argi < args.size()) {
        out += "%!(EXTRA ";
        for (size_t k = argi; k < args.size(); ++k)
            out += (k > argi ? ", " : "") + type_name(args[k]) + "=" + sprint_value(args[k]);
        out += ")";
    }
    return out;
}

std::string go_json(const Value& value) {
    std::string out;
    write_go_json(out, value);
    return out;
}

}  // namespace stash_hook::tmpl

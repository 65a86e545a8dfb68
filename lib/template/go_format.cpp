#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "template/ast.hpp"
#include "template/go_struct.hpp"
#include "template/go_time.hpp"
#include "util/json_escape.hpp"
#include "util/utf8.hpp"

namespace stash_hook::tmpl {

bool truthy(const Value& v) {
    switch (v.type()) {
        case Value::value_t::null:
            return false;
        case Value::value_t::boolean:
            return v.get<bool>();
        case Value::value_t::string:
            return !v.get_ref<const std::string&>().empty();
        case Value::value_t::number_integer:
            return v.get<int64_t>() != 0;
        case Value::value_t::number_unsigned:
            return v.get<uint64_t>() != 0;
        case Value::value_t::number_float:
            return v.get<double>() != 0;
        case Value::value_t::array:
            return !v.empty();
        case Value::value_t::object:
            return go_struct(v) || !v.empty();  // a struct is always true
        default:
            return true;
    }
}

std::string go_float(double d) {
    // strconv.FormatFloat(d, 'g', -1, 64): the shortest digits that read back as d,
    // in exponent form when the exponent is below -4 or at least 6 (as fmt's %v).
    if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
    if (std::isnan(d)) return "NaN";
    char buf[64];
    for (int prec = 0; prec <= 17; ++prec) {
        std::snprintf(buf, sizeof buf, "%.*e", prec, d);
        if (std::strtod(buf, nullptr) == d) break;
    }
    // buf is "-d.ddde+XX": the digits and the exponent.
    std::string e = buf;
    const size_t epos = e.find('e');
    const int exp = std::atoi(e.c_str() + epos + 1);
    std::string mantissa = e.substr(0, epos);
    if (exp < -4 || exp >= 6) {
        std::string out = mantissa + "e" + (exp < 0 ? "-" : "+");
        const int a = exp < 0 ? -exp : exp;
        if (a < 10) out += '0';
        return out + std::to_string(a);
    }
    const bool neg = mantissa[0] == '-';
    std::string digits;
    for (char c : mantissa)
        if (c >= '0' && c <= '9') digits += c;
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    std::string out;
    if (exp >= 0) {
        const size_t int_len = static_cast<size_t>(exp) + 1;
        if (digits.size() <= int_len)
            out = digits + std::string(int_len - digits.size(), '0');
        else
            out = digits.substr(0, int_len) + "." + digits.substr(int_len);
    } else {
        out = "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
    }
    return (neg ? "-" : "") + out;
}

std::string print_value(const Value& v) {
    if (is_time(v)) return time_string(time_of(v));  // Time.String()
    if (is_stringer(v)) return stringer_text(v);
    switch (v.type()) {
        case Value::value_t::null:
            return "<no value>";
        case Value::value_t::boolean:
            return v.get<bool>() ? "true" : "false";
        case Value::value_t::string:
            return v.get<std::string>();
        case Value::value_t::number_integer:
            return std::to_string(v.get<int64_t>());
        case Value::value_t::number_unsigned:
            return std::to_string(v.get<uint64_t>());
        case Value::value_t::number_float:
            return go_float(v.get<double>());
        case Value::value_t::array: {
            std::string s = "[";
            for (size_t i = 0; i < v.size(); ++i) s += (i ? " " : "") + print_value(v[i]);
            return s + "]";
        }
        case Value::value_t::object: {
            if (const GoStruct* st = go_struct(v)) return print_struct(*st, v);
            std::string s = "map[";
            bool first = true;
            for (auto it = v.begin(); it != v.end(); ++it) {
                s += (first ? "" : " ") + it.key() + ":" + print_value(it.value());
                first = false;
            }
            return s + "]";
        }
        default:
            return "";
    }
}

/// fmt's %v inside printf: nil is "<nil>" there.
std::string sprint_value(const Value& v) { return v.is_null() ? "<nil>" : print_value(v); }

void write_go_json(std::string& out, const Value& v) {
    if (is_time(v)) {  // Time.MarshalJSON: RFC 3339 with nanoseconds
        out += '"' + format_time(time_of(v), "2006-01-02T15:04:05.999999999Z07:00") + '"';
        return;
    }
    if (is_stringer(v)) {
        write_go_json(out, stringer_json(v));
        return;
    }
    switch (v.type()) {
        case Value::value_t::null:
            out += "null";
            break;
        case Value::value_t::boolean:
            out += v.get<bool>() ? "true" : "false";
            break;
        case Value::value_t::number_integer:
            out += std::to_string(v.get<int64_t>());
            break;
        case Value::value_t::number_unsigned:
            out += std::to_string(v.get<uint64_t>());
            break;
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
                // encoding/json cleans e-07 up to e-7 (and e+21 stays).
                if (const size_t e = s.find("e-0"); e != std::string::npos) s.erase(e + 2, 1);
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
            append_escaped(out, v.get_ref<const std::string&>(), Escape::GoJson);
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
            if (const GoStruct* st = go_struct(v)) {
                write_struct_json(out, *st, v);
                break;
            }
            out += '{';
            bool first = true;
            for (auto it = v.begin(); it != v.end(); ++it) {  // nlohmann::json keeps keys sorted
                if (!first) out += ',';
                first = false;
                out += '"';
                append_escaped(out, it.key(), Escape::GoJson);
                out += "\":";
                write_go_json(out, it.value());
            }
            out += '}';
            break;
        }
        default:
            out += "null";
    }
}

/// Go's strconv.Quote, for printable ASCII and valid UTF-8 (kept as is).
std::string go_quote(std::string_view s) { return "\"" + escaped(s, Escape::GoQuote) + "\""; }

bool is_number(const Value& v) { return v.is_number(); }

std::string type_name(const Value& v) {
    if (is_time(v)) return "time.Time";
    if (is_stringer(v)) return stringer_type(v);
    switch (v.type()) {
        case Value::value_t::null:
            return "nil";
        case Value::value_t::boolean:
            return "bool";
        case Value::value_t::string:
            return "string";
        case Value::value_t::number_integer:
        case Value::value_t::number_unsigned:
            return "int";
        case Value::value_t::number_float:
            return "float64";
        case Value::value_t::array:
            return "slice";
        case Value::value_t::object:
            if (const GoStruct* st = go_struct(v)) return std::string(st->type);
            return "map";
        default:
            return "value";
    }
}

/// -1, 0, 1; throws for incomparable kinds (as Go's lt and friends do).
int compare(const Value& a, const Value& b, size_t pos, bool ordering) {
    if (is_number(a) && is_number(b)) {
        if (a.is_number_float() !=
            b.is_number_float())  // Go compares an int with a float64 nowhere
            throw Failure{
                pos, "incompatible types for comparison: " + type_name(a) + " and " + type_name(b)};
        if (a.is_number_float()) {
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
        // Go compares structs of one type field by field.
        if (go_struct(a) && go_struct(a) == go_struct(b)) return a == b ? 0 : 1;
        if (a.is_null() || b.is_null()) return a.is_null() && b.is_null() ? 0 : 1;
    }
    throw Failure{pos,
                  "incompatible types for comparison: " + type_name(a) + " and " + type_name(b)};
}

const std::string kTooBig = "template value exceeds " + std::to_string(kMaxBytes >> 20) + " MiB";

std::string go_json(const Value& value) {
    std::string out;
    write_go_json(out, value);
    return out;
}

}  // namespace stash_hook::tmpl

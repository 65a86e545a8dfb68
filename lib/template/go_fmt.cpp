// Go's fmt.Sprintf (fmt/print.go, fmt/format.go) over template values: flags, width,
// precision, argument indexes ([n], *), every verb of the kinds templates hold, the
// verb applied to each element of a list or map, and fmt's error forms (%!d(string=x),
// %!d(MISSING), %!(EXTRA ...), %!(NOVERB), %!d(BADINDEX), %!(BADWIDTH), %!(BADPREC)).

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "template/ast.hpp"
#include "template/go_struct.hpp"
#include "template/go_time.hpp"
#include "util/utf8.hpp"

namespace stash_hook::tmpl {

namespace {

/// The number of characters (UTF-8 sequences; a bad byte counts as one) in `s`.
size_t rune_count(std::string_view s) {
    size_t n = 0;
    for (size_t i = 0; i < s.size(); ++n) i += std::max<size_t>(1, utf8_sequence_length(s, i));
    return n;
}

/// Go's type names for what templates hold.
std::string go_type(const Value& v) {
    if (v.is_array()) return "[]interface {}";
    if (v.is_object() && !go_struct(v)) return "map[string]interface {}";
    return type_name(v);
}

/// strconv.CanBackquote: no control characters but tab, no backquote, valid UTF-8.
bool can_backquote(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const size_t len = utf8_sequence_length(s, i);
        if (len == 0) return false;
        if (len == 1 && ((c < 0x20 && c != '\t') || c == 0x7f || c == '`')) return false;
        if (s.substr(i, len) == "\xEF\xBB\xBF") return false;
        i += len;
    }
    return true;
}

/// strconv.QuoteToASCII: non-ASCII as \u or \U escapes.
std::string quote_ascii(std::string_view s) {
    std::string out = "\"";
    char buf[16];
    for (size_t i = 0; i < s.size();) {
        const size_t len = utf8_sequence_length(s, i);
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (len <= 1) {
            if (len == 0) {
                std::snprintf(buf, sizeof buf, "\\x%02x", c);
                out += buf;
            } else {
                out += go_quote(std::string_view(&s[i], 1))
                           .substr(1, go_quote(std::string_view(&s[i], 1)).size() - 2);
            }
            ++i;
            continue;
        }
        uint32_t cp = c & (0xFF >> (len + 1));
        for (size_t k = 1; k < len; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        std::snprintf(buf, sizeof buf, cp < 0x10000 ? "\\u%04x" : "\\U%08x", cp);
        out += buf;
        i += len;
    }
    return out + "\"";
}

class Printer {
  public:
    Printer(const std::vector<Value>& args, size_t pos) : args_(args), pos_(pos) {}

    std::string run(const std::string& format) {
        const size_t end = format.size();
        size_t arg_num = 0;
        bool after_index = false;
        reordered_ = false;
        for (size_t i = 0; i < end;) {
            if (out_.size() > kMaxBytes) throw Failure{pos_, kTooBig};
            good_arg_num_ = true;
            const size_t lasti = i;
            while (i < end && format[i] != '%') ++i;
            if (i > lasti) out_.append(format, lasti, i - lasti);
            if (i >= end) break;
            ++i;  // the %
            clear_flags();
            for (; i < end; ++i) {
                const char c = format[i];
                if (c == '#')
                    sharp_ = true;
                else if (c == '0')
                    zero_ = !minus_;
                else if (c == '+')
                    plus_ = true;
                else if (c == '-') {
                    minus_ = true;
                    zero_ = false;
                } else if (c == ' ')
                    space_ = true;
                else
                    break;
            }
            arg_num = arg_number(arg_num, format, i, after_index);
            // Width: a number or *.
            if (i < end && format[i] == '*') {
                ++i;
                wid_present_ = int_from_arg(arg_num, wid_);
                if (!wid_present_) out_ += "%!(BADWIDTH)";
                if (wid_ < 0) {
                    wid_ = -wid_;
                    minus_ = true;
                    zero_ = false;
                }
                after_index = false;
            } else {
                wid_present_ = parse_num(format, i, wid_);
                if (after_index && wid_present_) good_arg_num_ = false;
            }
            // Precision.
            if (i + 1 <= end && i < end && format[i] == '.') {
                ++i;
                if (after_index) good_arg_num_ = false;
                arg_num = arg_number(arg_num, format, i, after_index);
                if (i < end && format[i] == '*') {
                    ++i;
                    prec_present_ = int_from_arg(arg_num, prec_);
                    if (prec_ < 0) {
                        prec_ = 0;
                        prec_present_ = false;
                    }
                    if (!prec_present_) out_ += "%!(BADPREC)";
                    after_index = false;
                } else {
                    prec_present_ = parse_num(format, i, prec_);
                    if (!prec_present_) {
                        prec_ = 0;
                        prec_present_ = true;
                    }
                }
            }
            if (!after_index) arg_num = arg_number(arg_num, format, i, after_index);
            if (i >= end) {
                out_ += "%!(NOVERB)";
                break;
            }
            const size_t vlen = std::max<size_t>(1, utf8_sequence_length(format, i));
            const std::string verb = format.substr(i, vlen);
            i += vlen;
            if (verb == "%") {
                out_ += '%';
            } else if (!good_arg_num_) {
                out_ += "%!" + verb + "(BADINDEX)";
            } else if (arg_num >= args_.size()) {
                out_ += "%!" + verb + "(MISSING)";
            } else {
                if (verb == "v") {
                    sharp_v_ = sharp_;
                    sharp_ = false;
                    plus_v_ = plus_;
                    plus_ = false;
                }
                print_arg(args_[arg_num], vlen == 1 ? verb[0] : '\x01', verb, 0);
                ++arg_num;
            }
        }
        if (!reordered_ && arg_num < args_.size()) {
            clear_flags();
            out_ += "%!(EXTRA ";
            for (size_t k = arg_num; k < args_.size(); ++k) {
                if (k > arg_num) out_ += ", ";
                if (args_[k].is_null()) {
                    out_ += "<nil>";
                } else {
                    out_ += go_type(args_[k]) + "=";
                    print_arg(args_[k], 'v', "v", 0);
                }
            }
            out_ += ')';
        }
        if (out_.size() > kMaxBytes) throw Failure{pos_, kTooBig};
        return out_;
    }

  private:
    const std::vector<Value>& args_;
    size_t pos_;
    std::string out_;
    bool sharp_ = false, zero_ = false, plus_ = false, minus_ = false, space_ = false;
    bool sharp_v_ = false, plus_v_ = false;
    bool wid_present_ = false, prec_present_ = false;
    int wid_ = 0, prec_ = 0;
    bool good_arg_num_ = true, reordered_ = false;

    void clear_flags() {
        sharp_ = zero_ = plus_ = minus_ = space_ = sharp_v_ = plus_v_ = false;
        wid_present_ = prec_present_ = false;
        wid_ = prec_ = 0;
    }

    /// fmt's parsenum: digits, or false; past a million, fmt's tooLarge (no number).
    static bool parse_num(const std::string& s, size_t& i, int& num) {
        num = 0;
        bool any = false;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (num > 1'000'000) {  // fmt's tooLarge: the rest of the format is no verb
                i = s.size();
                return false;
            }
            num = num * 10 + (s[i++] - '0');
            any = true;
        }
        return any;
    }

    /// [n]: sets the argument number (1-based in the format), or flags a bad index.
    size_t arg_number(size_t arg_num, const std::string& format, size_t& i, bool& after_index) {
        after_index = false;
        if (i >= format.size() || format[i] != '[') return arg_num;
        reordered_ = true;
        const size_t close = format.find(']', i + 1);
        if (close == std::string::npos) {
            good_arg_num_ = false;
            return arg_num;
        }
        size_t j = i + 1;
        int n = 0;
        const bool ok = parse_num(format, j, n) && j == close;
        if (!ok) {
            good_arg_num_ = false;
            i = close + 1;
            return arg_num;
        }
        i = close + 1;
        if (n >= 1 && static_cast<size_t>(n) <= args_.size()) {
            after_index = true;
            return static_cast<size_t>(n - 1);
        }
        good_arg_num_ = false;
        return arg_num;
    }

    bool int_from_arg(size_t& arg_num, int& num) {
        num = 0;
        bool ok = false;
        if (arg_num < args_.size()) {
            const Value& a = args_[arg_num];
            if (a.is_number_integer()) {
                const int64_t v = a.get<int64_t>();
                ok = v >= -1'000'000 && v <= 1'000'000;
                if (ok) num = static_cast<int>(v);
            }
            ++arg_num;
        }
        return ok;
    }

    void write_padding(size_t n) { out_.append(n, zero_ ? '0' : ' '); }

    /// Pads to the width (in characters) with spaces, or zeros with the 0 flag.
    void pad(const std::string& s) {
        if (!wid_present_ || wid_ == 0) {
            out_ += s;
            return;
        }
        const size_t len = rune_count(s);
        const size_t width = static_cast<size_t>(wid_) > len ? static_cast<size_t>(wid_) - len : 0;
        if (!minus_) {
            write_padding(width);
            out_ += s;
        } else {
            out_ += s;
            out_.append(width, ' ');
        }
    }

    std::string truncate(std::string s) const {
        if (!prec_present_) return s;
        size_t i = 0;
        for (int k = 0; k < prec_ && i < s.size(); ++k)
            i += std::max<size_t>(1, utf8_sequence_length(s, i));
        s.resize(std::min(i, s.size()));
        return s;
    }

    void bad_verb(const Value& v, const std::string& verb) {
        out_ += "%!" + verb + "(";
        if (v.is_null()) {
            out_ += "<nil>";
        } else {
            out_ += go_type(v) + "=";
            print_arg(v, 'v', "v", 0);
        }
        out_ += ')';
    }

    void print_arg(const Value& v, char verb, const std::string& verb_text, int depth) {
        if (verb == 'T') {
            pad(v.is_null() ? "<nil>" : go_type(v));
            return;
        }
        if (is_time(v)) {  // a Stringer: String() for the string verbs
            if (std::string_view("vsqxX").find(verb) == std::string_view::npos)
                bad_verb(v, verb_text);
            else
                print_arg(Value(time_string(time_of(v))), verb, verb_text, depth);
            return;
        }
        if (is_stringer(v)) {
            if (std::string_view("vsqxX").find(verb) == std::string_view::npos)
                bad_verb(v, verb_text);
            else
                print_arg(Value(stringer_text(v)), verb, verb_text, depth);
            return;
        }
        if (v.is_null()) {
            if (depth > 0)
                out_ += sharp_v_ ? "interface {}(nil)" : "<nil>";
            else if (verb == 'v')
                pad("<nil>");
            else
                bad_verb(v, verb_text);
            return;
        }
        if (v.is_boolean()) {
            if (verb == 't' || verb == 'v')
                pad(v.get<bool>() ? "true" : "false");
            else
                bad_verb(v, verb_text);
            return;
        }
        if (v.is_number_integer() || v.is_number_unsigned()) {
            print_integer(v, verb, verb_text);
            return;
        }
        if (v.is_number_float()) {
            print_float(v, verb, verb_text);
            return;
        }
        if (v.is_string()) {
            print_string(v.get_ref<const std::string&>(), verb, verb_text, v);
            return;
        }
        if (v.is_array()) {
            if (sharp_v_) {
                out_ += go_type(v) + "{";
                for (size_t k = 0; k < v.size(); ++k) {
                    if (k) out_ += ", ";
                    print_arg(v[k], verb, verb_text, depth + 1);
                }
                out_ += '}';
                return;
            }
            out_ += '[';
            for (size_t k = 0; k < v.size(); ++k) {
                if (k) out_ += ' ';
                print_arg(v[k], verb, verb_text, depth + 1);
                if (out_.size() > kMaxBytes) throw Failure{pos_, kTooBig};
            }
            out_ += ']';
            return;
        }
        if (const GoStruct* st = go_struct(v)) {  // fmt's struct: {a b}, %+v {A:a B:b}
            out_ += sharp_v_ ? std::string(st->type) + "{" : "{";
            bool first = true;
            for (const GoField& f : st->fields) {
                if (f.alias) continue;
                if (!first) out_ += sharp_v_ ? ", " : " ";
                first = false;
                if (plus_v_ || sharp_v_) out_ += std::string(f.name) + ":";
                print_arg(v.at(std::string(f.name)), verb, verb_text, depth + 1);
            }
            out_ += '}';
            return;
        }
        if (v.is_object()) {
            out_ += sharp_v_ ? go_type(v) + "{" : "map[";
            bool first = true;
            for (auto it = v.begin(); it != v.end(); ++it) {  // sorted, as fmt sorts map keys
                if (!first) out_ += sharp_v_ ? ", " : " ";
                first = false;
                print_string(it.key(), verb, verb_text, Value(it.key()));
                out_ += ':';
                print_arg(it.value(), verb, verb_text, depth + 1);
                if (out_.size() > kMaxBytes) throw Failure{pos_, kTooBig};
            }
            out_ += sharp_v_ ? "}" : "]";
            return;
        }
        bad_verb(v, verb_text);
    }

    void print_string(const std::string& s, char verb, const std::string& verb_text,
                      const Value& v) {
        switch (verb) {
            case 'v':
                if (sharp_v_)
                    pad(go_quote(s));
                else
                    pad(truncate(s));
                return;
            case 's':
                pad(truncate(s));
                return;
            case 'x':
            case 'X':
                hex_bytes(s, verb == 'x' ? "0123456789abcdefx" : "0123456789ABCDEFX");
                return;
            case 'q': {
                const std::string t = truncate(s);
                if (sharp_ && can_backquote(t))
                    pad("`" + t + "`");
                else
                    pad(plus_ ? quote_ascii(t) : go_quote(t));
                return;
            }
            default:
                bad_verb(v, verb_text);
        }
    }

    void hex_bytes(const std::string& s, const char* digits) {
        size_t length = s.size();
        if (prec_present_ && static_cast<size_t>(prec_) < length)
            length = static_cast<size_t>(prec_);
        size_t width = 2 * length;
        if (width == 0) {
            if (wid_present_) write_padding(static_cast<size_t>(wid_));
            return;
        }
        if (space_) {
            if (sharp_) width *= 2;
            width += length - 1;
        } else if (sharp_) {
            width += 2;
        }
        if (wid_present_ && static_cast<size_t>(wid_) > width && !minus_)
            write_padding(static_cast<size_t>(wid_) - width);
        if (sharp_) {
            out_ += '0';
            out_ += digits[16];
        }
        for (size_t k = 0; k < length; ++k) {
            if (space_ && k > 0) {
                out_ += ' ';
                if (sharp_) {
                    out_ += '0';
                    out_ += digits[16];
                }
            }
            const unsigned char c = static_cast<unsigned char>(s[k]);
            out_ += digits[c >> 4];
            out_ += digits[c & 0xF];
        }
        if (wid_present_ && static_cast<size_t>(wid_) > width && minus_)
            out_.append(static_cast<size_t>(wid_) - width, ' ');
    }

    void print_integer(const Value& v, char verb, const std::string& verb_text) {
        const int64_t i =
            v.is_number_unsigned() ? static_cast<int64_t>(v.get<uint64_t>()) : v.get<int64_t>();
        switch (verb) {
            case 'v':
            case 'd':
                fmt_integer(i, 10, verb, "0123456789abcdefx");
                return;
            case 'b':
                fmt_integer(i, 2, verb, "0123456789abcdefx");
                return;
            case 'o':
            case 'O':
                fmt_integer(i, 8, verb, "0123456789abcdefx");
                return;
            case 'x':
                fmt_integer(i, 16, verb, "0123456789abcdefx");
                return;
            case 'X':
                fmt_integer(i, 16, verb, "0123456789ABCDEFX");
                return;
            case 'c': {
                const bool valid = i >= 0 && i <= 0x10FFFF;
                const bool old = prec_present_;
                prec_present_ = false;
                pad(utf8_encode(valid ? i : 0xFFFD));
                prec_present_ = old;
                return;
            }
            case 'q': {
                const int64_t r =
                    i >= 0 && i <= 0x10FFFF && !(i >= 0xD800 && i <= 0xDFFF) ? i : 0xFFFD;
                std::string q;
                if (r == '\'')
                    q = "'\\''";
                else if (r == '"')
                    q = "'\"'";
                else {
                    const std::string enc =
                        plus_ ? quote_ascii(utf8_encode(r)) : go_quote(utf8_encode(r));
                    q = "'" + enc.substr(1, enc.size() - 2) + "'";
                }
                const bool old = prec_present_;
                prec_present_ = false;
                pad(q);
                prec_present_ = old;
                return;
            }
            case 'U': {
                const uint64_t u = static_cast<uint64_t>(i);
                char buf[32];
                std::snprintf(buf, sizeof buf, "%llX", static_cast<unsigned long long>(u));
                std::string hex = buf;
                const size_t min_digits =
                    prec_present_ && prec_ > 4 ? static_cast<size_t>(prec_) : 4;
                if (hex.size() < min_digits) hex = std::string(min_digits - hex.size(), '0') + hex;
                std::string s = "U+" + hex;
                if (sharp_ && u <= 0x10FFFF && u >= 0x20 && u != 0x7F && !(u >= 0x80 && u < 0xA0) &&
                    !(u >= 0xD800 && u <= 0xDFFF))
                    s += " '" + utf8_encode(static_cast<int64_t>(u)) + "'";
                const bool old = zero_;
                zero_ = false;
                pad(s);
                zero_ = old;
                return;
            }
            default:
                bad_verb(v, verb_text);
        }
    }

    void fmt_integer(int64_t value, int base, char verb, const char* digits) {
        const bool negative = value < 0;
        uint64_t u = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
        int prec = 0;
        if (prec_present_) {
            prec = prec_;
            if (prec == 0 && u == 0) {
                const bool old = zero_;
                zero_ = false;
                write_padding(static_cast<size_t>(wid_));
                zero_ = old;
                return;
            }
        } else if (zero_ && wid_present_) {
            prec = wid_;
            if (negative || plus_ || space_) --prec;
        }
        std::string buf;
        do {
            buf += digits[u % static_cast<uint64_t>(base)];
            u /= static_cast<uint64_t>(base);
        } while (u != 0);
        while (static_cast<int>(buf.size()) < prec) buf += '0';
        if (sharp_) {
            if (base == 2)
                buf += "b0";
            else if (base == 8 && buf.back() != '0')
                buf += '0';
            else if (base == 16) {
                buf += digits[16];
                buf += '0';
            }
        }
        if (verb == 'O') buf += "o0";
        if (negative)
            buf += '-';
        else if (plus_)
            buf += '+';
        else if (space_)
            buf += ' ';
        std::reverse(buf.begin(), buf.end());
        const bool old = zero_;
        zero_ = false;
        pad(buf);
        zero_ = old;
    }

    void print_float(const Value& v, char verb, const std::string& verb_text) {
        const double d = v.get<double>();
        switch (verb) {
            case 'v':
                fmt_float(d, 'g', -1);
                return;
            case 'b':
            case 'g':
            case 'G':
            case 'x':
            case 'X':
                fmt_float(d, verb, -1);
                return;
            case 'f':
            case 'e':
            case 'E':
                fmt_float(d, verb, 6);
                return;
            case 'F':
                fmt_float(d, 'f', 6);
                return;
            default:
                bad_verb(v, verb_text);
        }
    }

    // The C format is built from the Go verb and precision, so not a literal (-Wformat=2).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    /// strconv.AppendFloat for the forms fmt asks for, signed ("+1.5", "-2").
    static std::string append_float(double d, char verb, int prec) {
        if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
        if (std::isnan(d)) return "+NaN";
        const std::string sign = std::signbit(d) ? "-" : "+";
        const double a = std::fabs(d);
        if (verb == 'b') {
            int e = 0;
            const double m = std::frexp(a, &e);
            const auto mant = static_cast<long long>(std::ldexp(m, 53));
            return sign + std::to_string(a == 0 ? 0 : mant) + "p" +
                   (a == 0 ? "-1074" : (e - 53 < 0 ? "-" : "+") + std::to_string(std::abs(e - 53)));
        }
        if (verb == 'x' || verb == 'X') {
            std::string f = prec < 0 ? "%a" : "%." + std::to_string(prec) + "a";
            char buf[64];
            std::snprintf(buf, sizeof buf, f.c_str(), a);
            std::string s = buf;
            // Go writes the exponent with at least two digits: 0x1.8p+01.
            const size_t p = s.find('p');
            if (p != std::string::npos && s.size() - p == 3) s.insert(p + 2, "0");
            if (verb == 'X')
                for (char& c : s)
                    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            return sign + s;
        }
        if (prec < 0) {  // shortest: %v, %g
            std::string s = go_float(a);
            if (verb == 'G')
                for (char& c : s)
                    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            return sign + s;
        }
        std::string f = "%." + std::to_string(prec) + verb;
        const int n = std::snprintf(nullptr, 0, f.c_str(), a);
        std::string out(static_cast<size_t>(std::max(n, 0)) + 1, '\0');
        std::snprintf(out.data(), out.size(), f.c_str(), a);
        out.resize(static_cast<size_t>(std::max(n, 0)));
        return sign + out;
    }
#pragma GCC diagnostic pop

    void fmt_float(double d, char verb, int prec) {
        if (prec_present_) prec = prec_;
        if ((verb == 'g' || verb == 'G') && prec == 0) prec = 1;
        std::string num = append_float(d, verb, prec);
        if (space_ && num[0] == '+' && !plus_) num[0] = ' ';
        if (num[1] == 'I' || num[1] == 'N') {
            const bool old = zero_;
            zero_ = false;
            if (num[1] == 'N' && !space_ && !plus_) num = num.substr(1);
            pad(num);
            zero_ = old;
            return;
        }
        if (sharp_ && verb != 'b') {
            int digits = 0;
            if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x')
                digits = prec == -1 ? 6 : prec;
            std::string tail;
            bool has_point = false, nonzero = false;
            for (size_t i = 1; i < num.size(); ++i) {
                const char c = num[i];
                if (c == '.') {
                    has_point = true;
                } else if (c == 'p' || c == 'P' ||
                           ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
                    tail = num.substr(i);
                    num.resize(i);
                    break;
                } else {
                    if (c != '0') nonzero = true;
                    if (nonzero) --digits;
                }
            }
            if (!has_point) {
                if (num.size() == 2 && num[1] == '0') --digits;
                num += '.';
            }
            while (digits-- > 0) num += '0';
            num += tail;
        }
        if (plus_ || num[0] != '+') {
            if (zero_ && wid_present_ && static_cast<size_t>(wid_) > num.size()) {
                out_ += num[0];
                write_padding(static_cast<size_t>(wid_) - num.size());
                out_ += num.substr(1);
                return;
            }
            pad(num);
            return;
        }
        pad(num.substr(1));
    }
};

}  // namespace

std::string go_sprintf(const std::string& format, const std::vector<Value>& args, size_t pos) {
    return Printer(args, pos).run(format);
}

}  // namespace stash_hook::tmpl

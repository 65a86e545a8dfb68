#include "template/template.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <variant>
#include <vector>

#include "util/edit_distance.hpp"
#include "util/utf8.hpp"

namespace stash_hook::tmpl {

std::string TemplateError::str() const {
    return "template:" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

// ---------------------------------------------------------------------------
// The tree
// ---------------------------------------------------------------------------

struct Pipeline;
using PipelinePtr = std::shared_ptr<Pipeline>;

struct Term {
    enum Kind { Dot, Field, Variable, String, Number, Bool, Nil, Function, Sub } kind = Dot;
    size_t pos = 0;
    std::string name;                // Variable ("$x", "$"), Function, String value
    std::vector<std::string> chain;  // fields after the base: .A.B
    Value literal;                   // Number, Bool
    PipelinePtr sub;                 // Sub: ( pipeline )
};

struct Command {
    size_t pos = 0;
    std::vector<Term> args;
};

struct Pipeline {
    size_t pos = 0;
    std::vector<std::string> decl;  // $x := / $i, $v :=
    bool assign = false;            // $x = (not :=)
    std::vector<Command> commands;
};

struct Node;
using List = std::vector<Node>;

struct Node {
    enum Kind { Text, Action, If, Range, With } kind = Text;
    size_t pos = 0;
    std::string text;
    PipelinePtr pipe;
    std::shared_ptr<List> body;
    std::shared_ptr<List> otherwise;  // else branch (an "else if" is an If node inside)
};

struct Ast {
    std::string text;
    List root;
};

namespace {

const std::map<std::string, int, std::less<>> kFunctions = {
    // name -> minimum argument count
    {"eq", 2},    {"ne", 2},    {"lt", 2},     {"le", 2},   {"gt", 2},      {"ge", 2},
    {"and", 1},   {"or", 1},    {"not", 1},    {"len", 1},  {"index", 1},   {"printf", 1},
    {"print", 0}, {"quote", 0}, {"toJson", 1}, {"dict", 0}, {"default", 1}, {"env", 1},
    {"lower", 1}, {"upper", 1}, {"trim", 1},
};

struct Failure {
    size_t pos;
    std::string message;
};

const std::string kTooDeep = "template nesting deeper than " + std::to_string(kMaxDepth);

/// Counts one level of nesting for as long as it lives; past kMaxDepth, throws.
class Nesting {
public:
    Nesting(int& depth, size_t pos) : depth_(depth) {
        if (++depth_ > kMaxDepth) {
            --depth_;
            throw Failure{pos, kTooDeep};
        }
    }
    ~Nesting() { --depth_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

private:
    int& depth_;
};

std::pair<int, int> line_column(std::string_view text, size_t pos) {
    int line = 1, column = 1;
    for (size_t i = 0; i < pos && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// ---------------------------------------------------------------------------
// Lexing: text and actions
// ---------------------------------------------------------------------------

struct Token {
    enum Kind { Ident, Field, Variable, String, Number, LParen, RParen, Pipe, Declare, Assign, Comma, Dot, End } kind;
    size_t pos;
    std::string value;
};

/// The value of exactly `count` digits in `base` at text[at...], as Go's string
/// literal escapes (\ooo, \xhh, \uhhhh, \Uhhhhhhhh) require them.
uint32_t escape_digits(std::string_view text, size_t at, size_t count, int base, size_t end) {
    if (at + count >= end) throw Failure{at, "invalid escape in string"};
    uint32_t v = 0;
    for (size_t k = 0; k < count; ++k) {
        const char c = text[at + k];
        const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
        if (d >= base) throw Failure{at + k, "invalid escape in string"};
        v = v * static_cast<uint32_t>(base) + static_cast<uint32_t>(d);
    }
    return v;
}

/// Splits one action's inside (between the delimiters) into tokens.
std::vector<Token> lex_action(std::string_view text, size_t begin, size_t end) {
    std::vector<Token> out;
    size_t i = begin;
    while (i < end) {
        const char c = text[i];
        if (is_space(c)) {
            ++i;
            continue;
        }
        const size_t start = i;
        if (c == '"') {
            std::string value;
            ++i;
            while (i < end && text[i] != '"') {
                if (text[i] == '\n') throw Failure{start, "unterminated quoted string"};
                if (text[i] == '\\' && i + 1 < end) {
                    const char e = text[++i];
                    switch (e) {
                        case 'n': value += '\n'; break;
                        case 't': value += '\t'; break;
                        case 'r': value += '\r'; break;
                        case '\\': value += '\\'; break;
                        case '"': value += '"'; break;
                        case '\'': value += '\''; break;
                        case 'a': value += '\a'; break;
                        case 'b': value += '\b'; break;
                        case 'f': value += '\f'; break;
                        case 'v': value += '\v'; break;
                        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
                            const uint32_t byte = escape_digits(text, i, 3, 8, end);
                            if (byte > 255) throw Failure{i, "octal escape value > 255 in string"};
                            value += static_cast<char>(byte);
                            i += 2;
                            break;
                        }
                        case 'x': {
                            value += static_cast<char>(escape_digits(text, i + 1, 2, 16, end));
                            i += 2;
                            break;
                        }
                        case 'u': case 'U': {
                            const size_t n = e == 'u' ? 4 : 8;
                            const uint32_t cp = escape_digits(text, i + 1, n, 16, end);
                            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                                throw Failure{i, "escape sequence is invalid Unicode code point"};
                            i += n;
                            value += utf8_encode(cp);
                            break;
                        }
                        default: throw Failure{i, std::string("unknown escape \\") + e + " in string"};
                    }
                    ++i;
                    continue;
                }
                value += text[i++];
            }
            if (i >= end) throw Failure{start, "unterminated quoted string"};
            ++i;
            out.push_back({Token::String, start, value});
        } else if (c == '`') {
            const size_t close = text.find('`', i + 1);
            if (close == std::string_view::npos || close >= end) throw Failure{start, "unterminated raw string"};
            out.push_back({Token::String, start, std::string(text.substr(i + 1, close - i - 1))});
            i = close + 1;
        } else if (c == '.' && (i + 1 >= end || !is_alnum(text[i + 1]))) {
            out.push_back({Token::Dot, start, "."});
            ++i;
        } else if (c == '.' && !(text[i + 1] >= '0' && text[i + 1] <= '9')) {
            ++i;
            while (i < end && is_alnum(text[i])) ++i;
            out.push_back({Token::Field, start, std::string(text.substr(start + 1, i - start - 1))});
        } else if (c == '$') {
            ++i;
            while (i < end && is_alnum(text[i])) ++i;
            out.push_back({Token::Variable, start, std::string(text.substr(start, i - start))});
        } else if ((c >= '0' && c <= '9') || c == '.' || ((c == '-' || c == '+') && i + 1 < end &&
                                                          (text[i + 1] >= '0' && text[i + 1] <= '9'))) {
            ++i;
            while (i < end && (is_alnum(text[i]) || text[i] == '.' ||
                               ((text[i] == '-' || text[i] == '+') && (text[i - 1] == 'e' || text[i - 1] == 'E'))))
                ++i;
            out.push_back({Token::Number, start, std::string(text.substr(start, i - start))});
        } else if (is_alnum(c)) {
            while (i < end && is_alnum(text[i])) ++i;
            out.push_back({Token::Ident, start, std::string(text.substr(start, i - start))});
        } else if (c == '(') {
            out.push_back({Token::LParen, start, "("});
            ++i;
        } else if (c == ')') {
            out.push_back({Token::RParen, start, ")"});
            ++i;
        } else if (c == '|') {
            out.push_back({Token::Pipe, start, "|"});
            ++i;
        } else if (c == ',') {
            out.push_back({Token::Comma, start, ","});
            ++i;
        } else if (c == ':' && i + 1 < end && text[i + 1] == '=') {
            out.push_back({Token::Declare, start, ":="});
            i += 2;
        } else if (c == '=') {
            out.push_back({Token::Assign, start, "="});
            ++i;
        } else {
            throw Failure{start, std::string("unexpected \"") + c + "\" in action"};
        }
    }
    out.push_back({Token::End, end, ""});
    return out;
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    List parse() {
        List list;
        const std::string stop = parse_list(list);
        if (!stop.empty()) throw Failure{stop_pos_, "unexpected {{" + stop + "}}"};
        return list;
    }

private:
    std::string_view text_;
    size_t at_ = 0;
    size_t stop_pos_ = 0;
    std::vector<Token> tokens_;
    size_t next_ = 0;
    int depth_ = 0;  // parentheses and control blocks open around the parser

    /// Parses nodes into `list` until {{end}} or {{else ...}} or the end of the text.
    /// Returns "end", "else" (tokens_ positioned after "else"), or "" at end of text.
    std::string parse_list(List& list) {
        while (at_ < text_.size()) {
            size_t open = text_.find("{{", at_);
            std::string literal(text_.substr(at_, open == std::string_view::npos ? std::string_view::npos : open - at_));
            if (open == std::string_view::npos) {
                if (!literal.empty()) list.push_back({Node::Text, at_, literal, nullptr, nullptr, nullptr});
                at_ = text_.size();
                break;
            }
            size_t inner = open + 2;
            const bool trim_left = inner + 1 < text_.size() && text_[inner] == '-' && is_space(text_[inner + 1]);
            if (trim_left) {
                while (!literal.empty() && is_space(literal.back())) literal.pop_back();
                inner += 2;
            }
            if (!literal.empty()) list.push_back({Node::Text, at_, literal, nullptr, nullptr, nullptr});

            // Comments: {{/* ... */}}, with optional trim markers.
            if (text_.compare(inner, 2, "/*") == 0) {
                const size_t close_comment = text_.find("*/", inner + 2);
                if (close_comment == std::string_view::npos) throw Failure{open, "unclosed comment"};
                const size_t after = close_comment + 2;
                if (text_.compare(after, 4, " -}}") == 0) {
                    at_ = after + 4;
                    skip_space();
                } else if (text_.compare(after, 2, "}}") == 0) {
                    at_ = after + 2;
                } else {
                    throw Failure{open, "comment ends before closing delimiter"};
                }
                continue;
            }

            // Find the closing delimiter, skipping over quoted strings.
            size_t close = inner;
            bool trim_right = false;
            while (true) {
                if (close >= text_.size()) throw Failure{open, "unclosed action"};
                const char c = text_[close];
                if (c == '"' || c == '`') {
                    const char q = c;
                    ++close;
                    while (close < text_.size() && text_[close] != q) {
                        if (q == '"' && text_[close] == '\\') ++close;
                        if (q == '"' && close < text_.size() && text_[close] == '\n')
                            throw Failure{close, "unterminated quoted string"};
                        ++close;
                    }
                    ++close;
                    continue;
                }
                if (c == '}' && text_.compare(close, 2, "}}") == 0) break;
                if (is_space(c) && text_.compare(close + 1, 3, "-}}") == 0) {
                    trim_right = true;
                    break;
                }
                ++close;
            }
            tokens_ = lex_action(text_, inner, close);
            next_ = 0;
            at_ = close + (trim_right ? 4 : 2);
            if (trim_right) skip_space();

            const Token& first = tokens_[0];
            if (first.kind == Token::End) throw Failure{open, "missing value for command"};
            if (first.kind == Token::Ident) {
                if (first.value == "end") {
                    expect_end(1, "end");
                    stop_pos_ = open;
                    return "end";
                }
                if (first.value == "else") {
                    next_ = 1;
                    stop_pos_ = open;
                    return "else";
                }
                if (first.value == "if" || first.value == "range" || first.value == "with") {
                    next_ = 1;
                    list.push_back(parse_control(first.value, open));
                    continue;
                }
                if (first.value == "define" || first.value == "template" || first.value == "block" ||
                    first.value == "break" || first.value == "continue")
                    throw Failure{first.pos, "{{" + first.value + "}} is not supported in hook templates"};
            }
            Node action{Node::Action, open, "", parse_pipeline(true), nullptr, nullptr};
            expect_token(Token::End, "end of action");
            list.push_back(std::move(action));
        }
        return "";
    }

    void skip_space() {
        while (at_ < text_.size() && is_space(text_[at_])) ++at_;
    }

    void expect_end(size_t index, const std::string& what) {
        if (tokens_[index].kind != Token::End)
            throw Failure{tokens_[index].pos, "unexpected \"" + tokens_[index].value + "\" in " + what};
    }

    void expect_token(Token::Kind kind, const std::string& what) {
        if (tokens_[next_].kind != kind)
            throw Failure{tokens_[next_].pos, "expected " + what + ", found \"" + tokens_[next_].value + "\""};
        ++next_;
    }

    // `keyword` by value: parse_list replaces tokens_, which a reference would point into.
    Node parse_control(const std::string keyword, size_t open) {
        const Nesting nesting(depth_, open);
        Node node;
        node.kind = keyword == "if" ? Node::If : keyword == "range" ? Node::Range : Node::With;
        node.pos = open;
        node.pipe = parse_pipeline(true);
        if (node.pipe->commands.empty()) throw Failure{open, "missing value for " + keyword};
        expect_token(Token::End, "end of " + keyword);
        node.body = std::make_shared<List>();
        std::string stop = parse_list(*node.body);
        if (stop.empty()) throw Failure{open, "unexpected end of template: {{" + keyword + "}} has no {{end}}"};
        if (stop == "else") {
            node.otherwise = std::make_shared<List>();
            if (tokens_[next_].kind == Token::Ident && (tokens_[next_].value == "if" || tokens_[next_].value == "with") &&
                keyword != "range") {
                // {{else if ...}}: an If node that shares our {{end}}.
                const std::string nested = tokens_[next_].value;
                ++next_;
                node.otherwise->push_back(parse_control(nested, stop_pos_));
                return node;
            }
            expect_end(next_, "else");
            stop = parse_list(*node.otherwise);
            if (stop != "end") throw Failure{open, "{{" + keyword + "}} ... {{else}} has no {{end}}"};
        }
        return node;
    }

    PipelinePtr parse_pipeline(bool allow_decl) {
        auto pipe = std::make_shared<Pipeline>();
        pipe->pos = tokens_[next_].pos;
        if (allow_decl && tokens_[next_].kind == Token::Variable) {
            size_t look = next_;
            std::vector<std::string> vars = {tokens_[look].value};
            if (tokens_[look + 1].kind == Token::Comma && tokens_[look + 2].kind == Token::Variable) {
                vars.push_back(tokens_[look + 2].value);
                look += 2;
            }
            if (tokens_[look + 1].kind == Token::Declare || tokens_[look + 1].kind == Token::Assign) {
                pipe->decl = vars;
                pipe->assign = tokens_[look + 1].kind == Token::Assign;
                next_ = look + 2;
            }
        }
        while (true) {
            Command cmd;
            cmd.pos = tokens_[next_].pos;
            while (tokens_[next_].kind != Token::End && tokens_[next_].kind != Token::Pipe &&
                   tokens_[next_].kind != Token::RParen)
                cmd.args.push_back(parse_term());
            if (cmd.args.empty()) throw Failure{cmd.pos, "missing value for command"};
            for (size_t i = 1; i < cmd.args.size(); ++i)
                if (cmd.args[0].kind != Term::Function)
                    throw Failure{cmd.args[i].pos, "can't give argument to non-function"};
            pipe->commands.push_back(std::move(cmd));
            if (tokens_[next_].kind != Token::Pipe) break;
            ++next_;
        }
        return pipe;
    }

    Term parse_term() {
        const Token& t = tokens_[next_++];
        Term term;
        term.pos = t.pos;
        switch (t.kind) {
            case Token::Dot: term.kind = Term::Dot; break;
            case Token::Field:
                term.kind = Term::Field;
                term.chain.push_back(t.value);
                break;
            case Token::Variable: term.kind = Term::Variable; term.name = t.value; break;
            case Token::String: term.kind = Term::String; term.name = t.value; break;
            case Token::Number: {
                term.kind = Term::Number;
                char* endp = nullptr;
                const std::string& s = t.value;
                if (s.find_first_of(".eE") == std::string::npos || s.rfind("0x", 0) == 0) {
                    errno = 0;
                    const long long v = std::strtoll(s.c_str(), &endp, 0);
                    if (*endp != '\0' || errno == ERANGE) throw Failure{t.pos, "bad number syntax: " + s};
                    term.literal = v;
                } else {
                    const double v = std::strtod(s.c_str(), &endp);
                    if (*endp != '\0') throw Failure{t.pos, "bad number syntax: " + s};
                    term.literal = v;
                }
                break;
            }
            case Token::Ident:
                if (t.value == "true" || t.value == "false") {
                    term.kind = Term::Bool;
                    term.literal = t.value == "true";
                } else if (t.value == "nil") {
                    term.kind = Term::Nil;
                } else {
                    if (!kFunctions.count(t.value)) {
                        std::vector<std::string_view> names;
                        for (const auto& [name, n] : kFunctions) names.push_back(name);
                        std::string msg = "function \"" + t.value + "\" not defined";
                        if (auto guess = closest_match(t.value, names)) msg += "; did you mean \"" + *guess + "\"?";
                        throw Failure{t.pos, msg};
                    }
                    term.kind = Term::Function;
                    term.name = t.value;
                }
                break;
            case Token::LParen: {
                const Nesting nesting(depth_, t.pos);
                term.kind = Term::Sub;
                term.sub = parse_pipeline(false);
                expect_token(Token::RParen, "\")\"");
                break;
            }
            default: throw Failure{t.pos, "unexpected \"" + t.value + "\" in operand"};
        }
        // Field chains: .A.B, $x.A, (pipe).A
        while (tokens_[next_].kind == Token::Field && tokens_[next_].pos == end_of_previous()) {
            if (term.kind != Term::Field && term.kind != Term::Variable && term.kind != Term::Sub &&
                term.kind != Term::Dot)
                throw Failure{tokens_[next_].pos, "unexpected field after operand"};
            if (term.kind == Term::Dot) term.kind = Term::Field;
            term.chain.push_back(tokens_[next_++].value);
        }
        return term;
    }

    /// Where the previous token ended, so that ".A .B" (two args) differs from ".A.B".
    size_t end_of_previous() const {
        const Token& prev = tokens_[next_ - 1];
        switch (prev.kind) {
            case Token::Field: return prev.pos + 1 + prev.value.size();
            case Token::Variable: return prev.pos + prev.value.size();
            case Token::RParen: return prev.pos + 1;
            case Token::Dot: return prev.pos + 1;
            default: return std::string::npos;
        }
    }
};

// ---------------------------------------------------------------------------
// Values: truth, printing, comparing, Go's JSON
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Execution
// ---------------------------------------------------------------------------

/// About how many bytes `v` takes printed, counted only up to a little past
/// kMaxBytes; throws past kMaxDepth levels (dict can nest data in a loop).
size_t value_size(const Value& v, size_t pos, int depth = 0) {
    if (depth > kMaxDepth) throw Failure{pos, kTooDeep};
    if (v.is_string()) return v.get_ref<const std::string&>().size();
    if (!v.is_structured()) return 8;
    size_t total = 2;
    for (auto it = v.begin(); it != v.end() && total <= kMaxBytes; ++it)
        total += 2 + (v.is_object() ? it.key().size() : 0) + value_size(it.value(), pos, depth + 1);
    return total;
}

class Executor {
public:
    Executor(const Value& root, const RenderLimits& limits) : root_(root), limits_(limits) {
        vars_.push_back({"$", root});
    }

    void run(const List& list, const Value& dot, std::string& out) {
        for (const Node& node : list) {
            step(node.pos);
            switch (node.kind) {
                case Node::Text: out += node.text; break;
                case Node::Action: {
                    Value v = eval_pipeline(*node.pipe, dot);
                    if (node.pipe->decl.empty()) out += print_value(v);
                    break;
                }
                case Node::If:
                case Node::With: {
                    const size_t mark = vars_.size();
                    Value v = eval_pipeline(*node.pipe, dot);
                    if (truthy(v)) {
                        run(*node.body, node.kind == Node::With ? v : dot, out);
                    } else if (node.otherwise) {
                        run(*node.otherwise, dot, out);
                    }
                    vars_.resize(mark);
                    break;
                }
                case Node::Range: {
                    const size_t mark = vars_.size();
                    // Evaluate without declaring: range declares per element.
                    Pipeline bare = *node.pipe;
                    bare.decl.clear();
                    Value v = eval_pipeline(bare, dot);
                    if (!v.is_array() && !v.is_object() && !v.is_null() && !v.is_number_integer())
                        throw Failure{node.pos, "range can't iterate over " + print_value(v)};
                    bool any = false;
                    auto iterate = [&](const Value& key, const Value& elem) {
                        step(node.pos);
                        any = true;
                        const size_t inner = vars_.size();
                        if (node.pipe->decl.size() == 1) vars_.push_back({node.pipe->decl[0], elem});
                        if (node.pipe->decl.size() == 2) {
                            vars_.push_back({node.pipe->decl[0], key});
                            vars_.push_back({node.pipe->decl[1], elem});
                        }
                        run(*node.body, elem, out);
                        vars_.resize(inner);
                    };
                    if (v.is_array()) {
                        for (size_t i = 0; i < v.size(); ++i) iterate(Value(static_cast<int64_t>(i)), v[i]);
                    } else if (v.is_object()) {
                        for (auto it = v.begin(); it != v.end(); ++it) iterate(Value(it.key()), it.value());
                    } else if (v.is_number_integer()) {
                        for (int64_t i = 0; i < v.get<int64_t>(); ++i) iterate(Value(i), Value(i));
                    }
                    if (!any && node.otherwise) run(*node.otherwise, dot, out);
                    vars_.resize(mark);
                    break;
                }
            }
            if (out.size() > kMaxBytes)
                throw Failure{node.pos, "template output exceeds " + std::to_string(kMaxBytes >> 20) + " MiB"};
        }
    }

private:
    const Value& root_;
    const RenderLimits& limits_;
    std::vector<std::pair<std::string, Value>> vars_;
    long steps_ = 0;
    long next_check_ = 0;

    /// Counts `cost` steps of work; every few hundred, looks at the deadline and for
    /// a signal, so that no template runs longer than its hook may.
    void step(size_t pos, long cost = 1) {
        steps_ += cost;
        if (steps_ > kMaxSteps) throw Failure{pos, "template takes more than " + std::to_string(kMaxSteps) + " steps"};
        if (steps_ < next_check_) return;
        next_check_ = steps_ + 256;
        if (limits_.interrupted && limits_.interrupted()) throw Failure{pos, "rendering stopped by a signal"};
        if (limits_.deadline && std::chrono::steady_clock::now() >= *limits_.deadline)
            throw Failure{pos, "rendering ran past its deadline"};
    }

    Value& variable(const std::string& name, size_t pos) {
        for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
            if (it->first == name) return it->second;
        throw Failure{pos, "undefined variable: " + name};
    }

    Value eval_pipeline(const Pipeline& pipe, const Value& dot) {
        Value value;
        bool have = false;
        for (const Command& cmd : pipe.commands) {
            value = eval_command(cmd, dot, have ? &value : nullptr);
            have = true;
        }
        if (!pipe.decl.empty()) {
            if (pipe.assign) {
                variable(pipe.decl[0], pipe.pos) = value;
            } else {
                vars_.push_back({pipe.decl.back(), value});
            }
        }
        return value;
    }

    Value follow(Value v, const std::vector<std::string>& chain, size_t pos) {
        for (const auto& field : chain) {
            if (v.is_object()) {
                auto it = v.find(field);
                if (it == v.end()) throw Failure{pos, "can't evaluate field " + field};
                Value next = *it;
                v = std::move(next);
            } else if (v.is_null()) {
                throw Failure{pos, "nil pointer evaluating ." + field};
            } else {
                throw Failure{pos, "can't evaluate field " + field + " in type " + type_name(v)};
            }
        }
        return v;
    }

    Value eval_term(const Term& t, const Value& dot) {
        switch (t.kind) {
            case Term::Dot: return dot;
            case Term::Field: return follow(dot, t.chain, t.pos);
            case Term::Variable: return follow(variable(t.name, t.pos), t.chain, t.pos);
            case Term::String: return t.name;
            case Term::Number:
            case Term::Bool: return t.literal;
            case Term::Nil: return nullptr;
            case Term::Sub: return follow(eval_pipeline(*t.sub, dot), t.chain, t.pos);
            case Term::Function: return call(t, {}, dot, nullptr);
        }
        return nullptr;
    }

    Value eval_command(const Command& cmd, const Value& dot, const Value* piped) {
        const Term& head = cmd.args[0];
        if (head.kind == Term::Function) {
            std::vector<const Term*> rest;
            for (size_t i = 1; i < cmd.args.size(); ++i) rest.push_back(&cmd.args[i]);
            return call(head, rest, dot, piped);
        }
        if (piped) throw Failure{head.pos, "can't give argument to non-function"};
        return eval_term(head, dot);
    }

    /// A function's result, which is bounded in size and depth, and costs a step per
    /// 4 KiB it holds (so that copying large values around is not free).
    Value call(const Term& fn, const std::vector<const Term*>& arg_terms, const Value& dot, const Value* piped) {
        Value result = call_function(fn, arg_terms, dot, piped);
        const size_t size = value_size(result, fn.pos);
        if (size > kMaxBytes) throw Failure{fn.pos, kTooBig};
        step(fn.pos, 1 + static_cast<long>(size / 4096));
        return result;
    }

    Value call_function(const Term& fn, const std::vector<const Term*>& arg_terms, const Value& dot,
                        const Value* piped) {
        const std::string& name = fn.name;
        const size_t count = arg_terms.size() + (piped ? 1 : 0);
        if (static_cast<int>(count) < kFunctions.at(name))
            throw Failure{fn.pos, "wrong number of args for " + name + ": want at least " +
                                      std::to_string(kFunctions.at(name)) + " got " + std::to_string(count)};
        // and/or evaluate lazily, like Go 1.18+.
        if (name == "and" || name == "or") {
            Value last;
            for (size_t i = 0; i < count; ++i) {
                last = i < arg_terms.size() ? eval_term(*arg_terms[i], dot) : *piped;
                if ((name == "and") != truthy(last)) return last;
            }
            return last;
        }
        std::vector<Value> a;
        for (const Term* t : arg_terms) a.push_back(eval_term(*t, dot));
        if (piped) a.push_back(*piped);
        auto exactly = [&](size_t n) {
            if (a.size() != n)
                throw Failure{fn.pos, "wrong number of args for " + name + ": want " + std::to_string(n) +
                                          " got " + std::to_string(a.size())};
        };
        auto as_string = [&](const Value& v) -> std::string {
            if (v.is_string()) return v.get<std::string>();
            return print_value(v);
        };
        if (name == "eq") {
            for (size_t i = 1; i < a.size(); ++i)
                if (compare(a[0], a[i], fn.pos, false) == 0) return true;
            return false;
        }
        if (name == "ne") {
            exactly(2);
            return compare(a[0], a[1], fn.pos, false) != 0;
        }
        if (name == "lt" || name == "le" || name == "gt" || name == "ge") {
            exactly(2);
            const int c = compare(a[0], a[1], fn.pos, true);
            if (name == "lt") return c < 0;
            if (name == "le") return c <= 0;
            if (name == "gt") return c > 0;
            return c >= 0;
        }
        if (name == "not") {
            exactly(1);
            return !truthy(a[0]);
        }
        if (name == "len") {
            exactly(1);
            if (a[0].is_string()) return static_cast<int64_t>(a[0].get_ref<const std::string&>().size());
            if (a[0].is_array() || a[0].is_object()) return static_cast<int64_t>(a[0].size());
            throw Failure{fn.pos, "len of " + type_name(a[0])};
        }
        if (name == "index") {
            Value v = a[0];
            for (size_t i = 1; i < a.size(); ++i) {
                if (v.is_array()) {
                    if (!a[i].is_number_integer()) throw Failure{fn.pos, "cannot index slice with " + type_name(a[i])};
                    const int64_t k = a[i].get<int64_t>();
                    if (k < 0 || k >= static_cast<int64_t>(v.size()))
                        throw Failure{fn.pos, "index out of range: " + std::to_string(k)};
                    Value next = v[static_cast<size_t>(k)];
                    v = std::move(next);
                } else if (v.is_object()) {
                    if (!a[i].is_string()) throw Failure{fn.pos, "cannot index map with " + type_name(a[i])};
                    auto it = v.find(a[i].get<std::string>());
                    Value next = it == v.end() ? Value() : *it;
                    v = std::move(next);
                } else {
                    throw Failure{fn.pos, "can't index item of type " + type_name(v)};
                }
            }
            return v;
        }
        if (name == "printf") {
            if (!a[0].is_string()) throw Failure{fn.pos, "printf's format must be a string"};
            return go_sprintf(a[0].get<std::string>(), std::vector<Value>(a.begin() + 1, a.end()), fn.pos);
        }
        if (name == "print") {
            std::string s;
            for (size_t i = 0; i < a.size(); ++i) {
                if (i > 0 && !a[i].is_string() && !a[i - 1].is_string()) s += ' ';
                s += sprint_value(a[i]);
            }
            return s;
        }
        if (name == "quote") {
            std::string s;
            bool first = true;
            for (const auto& v : a) {
                if (v.is_null()) continue;
                if (!first) s += ' ';
                first = false;
                s += go_quote(v.is_string() ? v.get<std::string>() : sprint_value(v));
            }
            return s;
        }
        if (name == "toJson") {
            exactly(1);
            return go_json(a[0]);
        }
        if (name == "dict") {
            Value m = Value::object();
            for (size_t i = 0; i < a.size(); i += 2) {
                const std::string key = as_string(a[i]);
                m[key] = i + 1 < a.size() ? a[i + 1] : Value("");
            }
            return m;
        }
        if (name == "default") {
            if (a.size() > 2) throw Failure{fn.pos, "wrong number of args for default: want 1 or 2"};
            if (a.size() == 1 || !truthy(a[1])) return a[0];
            return a[1];
        }
        if (name == "env") {
            exactly(1);
            const char* v = std::getenv(as_string(a[0]).c_str());
            return std::string(v ? v : "");
        }
        if (name == "lower" || name == "upper") {
            exactly(1);
            std::string s = as_string(a[0]);
            for (char& c : s)
                c = static_cast<char>(name == "lower" ? std::tolower(static_cast<unsigned char>(c))
                                                      : std::toupper(static_cast<unsigned char>(c)));
            return s;
        }
        if (name == "trim") {
            exactly(1);
            std::string s = as_string(a[0]);
            const size_t b = s.find_first_not_of(" \t\r\n\v\f");
            if (b == std::string::npos) return std::string();
            return s.substr(b, s.find_last_not_of(" \t\r\n\v\f") - b + 1);
        }
        throw Failure{fn.pos, "function \"" + name + "\" not defined"};
    }
};

// ---------------------------------------------------------------------------
// Static field check
// ---------------------------------------------------------------------------

void check_chain(const Value& schema, const std::vector<std::string>& chain, const std::string& prefix, size_t pos) {
    const Value* v = &schema;
    std::string path = prefix;
    for (const auto& field : chain) {
        if (!v->is_object()) return;  // beyond what the schema describes
        auto it = v->find(field);
        if (it == v->end()) {
            std::vector<std::string_view> names;
            for (auto k = v->begin(); k != v->end(); ++k) names.push_back(k.key());
            std::string msg = "unknown field " + path + "." + field;
            if (auto guess = closest_match(field, names)) msg += "; did you mean " + path + "." + *guess + "?";
            else {
                msg += " (known:";
                for (auto n : names) msg += " " + std::string(n);
                msg += ")";
            }
            throw Failure{pos, msg};
        }
        path += "." + field;
        v = &*it;
    }
}

void check_pipeline(const Pipeline& pipe, const Value& schema, bool dot_is_root);

void check_term(const Term& t, const Value& schema, bool dot_is_root) {
    if (t.kind == Term::Field && dot_is_root) check_chain(schema, t.chain, "", t.pos);
    if (t.kind == Term::Variable && t.name == "$") check_chain(schema, t.chain, "$", t.pos);
    if (t.kind == Term::Sub) check_pipeline(*t.sub, schema, dot_is_root);
}

void check_pipeline(const Pipeline& pipe, const Value& schema, bool dot_is_root) {
    for (const auto& cmd : pipe.commands)
        for (const auto& t : cmd.args) check_term(t, schema, dot_is_root);
}

void check_list(const List& list, const Value& schema, bool dot_is_root) {
    for (const Node& node : list) {
        if (node.pipe) check_pipeline(*node.pipe, schema, dot_is_root);
        const bool inner_root = dot_is_root && node.kind == Node::If;
        if (node.body) check_list(*node.body, schema, inner_root);
        if (node.otherwise) check_list(*node.otherwise, schema, dot_is_root);
    }
}

}  // namespace

// ---------------------------------------------------------------------------
// Public interface
// ---------------------------------------------------------------------------

Template::Template(std::unique_ptr<Ast> ast) : ast_(std::move(ast)) {}
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;
Template::~Template() = default;

expected<Template, TemplateError> Template::parse(std::string_view text) {
    if (text.size() > kMaxTemplateBytes)
        return unexpected(TemplateError{1, 1, "the template is " + std::to_string(text.size()) + " bytes; at most " +
                                                  std::to_string(kMaxTemplateBytes) + " are allowed"});
    auto ast = std::make_unique<Ast>();
    ast->text = std::string(text);
    try {
        ast->root = Parser(ast->text).parse();
    } catch (const Failure& f) {
        auto [line, column] = line_column(text, f.pos);
        return unexpected(TemplateError{line, column, f.message});
    } catch (const std::exception& e) {  // e.g. std::stoi on a malformed escape
        return unexpected(TemplateError{1, 1, std::string("malformed template: ") + e.what()});
    }
    return Template(std::move(ast));
}

expected<void, TemplateError> Template::check_fields(const Value& schema) const {
    try {
        check_list(ast_->root, schema, true);
    } catch (const Failure& f) {
        auto [line, column] = line_column(ast_->text, f.pos);
        return unexpected(TemplateError{line, column, f.message});
    }
    return {};
}

expected<std::string, TemplateError> Template::render(const Value& data, const RenderLimits& limits) const {
    std::string out;
    try {
        Executor(data, limits).run(ast_->root, data, out);
    } catch (const Failure& f) {
        auto [line, column] = line_column(ast_->text, f.pos);
        return unexpected(TemplateError{line, column, f.message});
    } catch (const std::exception& e) {
        return unexpected(TemplateError{1, 1, e.what()});
    }
    return out;
}

bool is_template(std::string_view text) { return text.find("{{") != std::string_view::npos; }

expected<std::string, TemplateError> render_string(std::string_view text, const Value& data,
                                                   const RenderLimits& limits) {
    auto t = Template::parse(text);
    if (!t) return unexpected(t.error());
    auto out = t->render(data, limits);
    if (!out) return out;
    const size_t b = out->find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return std::string();
    return out->substr(b, out->find_last_not_of(" \t\r\n") - b + 1);
}

std::string go_json(const Value& value) {
    std::string out;
    write_go_json(out, value);
    return out;
}

}  // namespace stash_hook::tmpl

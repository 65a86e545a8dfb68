#include <cerrno>
#include <cstdlib>

#include "template/ast.hpp"
#include "template/functions.hpp"
#include "util/edit_distance.hpp"
#include "util/utf8.hpp"

namespace stash_hook::tmpl {

const std::string kTooDeep = "template nesting deeper than " + std::to_string(kMaxDepth);

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

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// ---------------------------------------------------------------------------
// Lexing: text and actions
// ---------------------------------------------------------------------------

struct Token {
    enum Kind {
        Ident,
        Field,
        Variable,
        String,
        Number,
        LParen,
        RParen,
        Pipe,
        Declare,
        Assign,
        Comma,
        Dot,
        End
    } kind;
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
        const int d = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : 99;
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
                        case 'n':
                            value += '\n';
                            break;
                        case 't':
                            value += '\t';
                            break;
                        case 'r':
                            value += '\r';
                            break;
                        case '\\':
                            value += '\\';
                            break;
                        case '"':
                            value += '"';
                            break;
                        case '\'':
                            value += '\'';
                            break;
                        case 'a':
                            value += '\a';
                            break;
                        case 'b':
                            value += '\b';
                            break;
                        case 'f':
                            value += '\f';
                            break;
                        case 'v':
                            value += '\v';
                            break;
                        case '0':
                        case '1':
                        case '2':
                        case '3':
                        case '4':
                        case '5':
                        case '6':
                        case '7': {
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
                        case 'u':
                        case 'U': {
                            const size_t n = e == 'u' ? 4 : 8;
                            const uint32_t cp = escape_digits(text, i + 1, n, 16, end);
                            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                                throw Failure{i, "escape sequence is invalid Unicode code point"};
                            i += n;
                            value += utf8_encode(cp);
                            break;
                        }
                        default:
                            throw Failure{i, std::string("unknown escape \\") + e + " in string"};
                    }
                    ++i;
                    continue;
                }
                value += text[i++];
            }
            if (i >= end) throw Failure{start, "unterminated quoted string"};
            ++i;
            out.push_back({Token::String, start, value});
        } else if (c == '\'') {
            // A character constant: its code point, as a number ('a' is 97).
            size_t close = i + 1;
            while (close < end && text[close] != '\'' && text[close] != '\n')
                close += text[close] == '\\' ? 2 : 1;
            if (close >= end || text[close] != '\'')
                throw Failure{start, "unterminated character constant"};
            std::string inner(text.substr(i + 1, close - i - 1));
            std::string decoded;
            if (inner == "\"") {
                decoded = inner;
            } else {
                const std::string quoted = "\"" + inner + "\"";
                const auto tokens = lex_action(quoted, 0, quoted.size());
                decoded = tokens.at(0).value;
            }
            const size_t len = decoded.empty() ? 0 : utf8_sequence_length(decoded, 0);
            if (len == 0 || len != decoded.size())
                throw Failure{start, "malformed character constant: " +
                                         std::string(text.substr(i, close - i + 1))};
            uint32_t cp =
                static_cast<unsigned char>(decoded[0]) & (len == 1 ? 0x7F : 0xFF >> (len + 1));
            for (size_t k = 1; k < len; ++k)
                cp = (cp << 6) | (static_cast<unsigned char>(decoded[k]) & 0x3F);
            out.push_back({Token::Number, start, std::to_string(cp)});
            i = close + 1;
        } else if (c == '`') {
            const size_t close = text.find('`', i + 1);
            if (close == std::string_view::npos || close >= end)
                throw Failure{start, "unterminated raw string"};
            out.push_back({Token::String, start, std::string(text.substr(i + 1, close - i - 1))});
            i = close + 1;
        } else if (c == '.' && (i + 1 >= end || !is_alnum(text[i + 1]))) {
            out.push_back({Token::Dot, start, "."});
            ++i;
        } else if (c == '.' && !(text[i + 1] >= '0' && text[i + 1] <= '9')) {
            ++i;
            while (i < end && is_alnum(text[i])) ++i;
            out.push_back(
                {Token::Field, start, std::string(text.substr(start + 1, i - start - 1))});
        } else if (c == '$') {
            ++i;
            while (i < end && is_alnum(text[i])) ++i;
            out.push_back({Token::Variable, start, std::string(text.substr(start, i - start))});
        } else if ((c >= '0' && c <= '9') || c == '.' ||
                   ((c == '-' || c == '+') && i + 1 < end &&
                    (text[i + 1] >= '0' && text[i + 1] <= '9'))) {
            ++i;
            while (i < end && (is_alnum(text[i]) || text[i] == '.' ||
                               ((text[i] == '-' || text[i] == '+') &&
                                (text[i - 1] == 'e' || text[i - 1] == 'E'))))
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
    Parser(std::string_view text, Templates& templates) : text_(text), templates_(templates) {}

    List parse() {
        List list;
        const std::string stop = parse_list(list);
        if (!stop.empty()) throw Failure{stop_pos_, "unexpected {{" + stop + "}}"};
        // Go finds an undefined template only when it runs; here it is an error before
        // anything runs, as an unknown function is (docs/TEMPLATE_DIFFERENCES.md).
        for (const auto& [name, pos] : calls_)
            if (!name.empty() && !templates_.contains(name))
                throw Failure{pos, "template \"" + name + "\" not defined"};
        return list;
    }

  private:
    std::string_view text_;
    size_t at_ = 0;
    size_t stop_pos_ = 0;
    std::vector<Token> tokens_;
    size_t next_ = 0;
    bool in_definition_ = false;  // parsing a define or block body
    int depth_ = 0;               // parentheses and control blocks open around the parser
    int range_depth_ = 0;  // range bodies open around the parser: where break and continue may be
    Templates& templates_;
    std::vector<std::pair<std::string, size_t>> calls_;  // {{template}}s: name and place
    std::string block_name_;                             // of the {{block}} just defined

    /// The name of a {{define}}, {{template}} or {{block}}: a string constant.
    std::string template_name(const std::string& keyword) {
        const Token& t = tokens_[next_];
        if (t.kind != Token::String)
            throw Failure{t.pos, "unexpected \"" + t.value + "\" in " + keyword + " clause"};
        ++next_;
        return t.value;
    }

    /// {{define "name"}}body{{end}} (only at the top level, as in Go) and the body of
    /// {{block "name" pipeline}}body{{end}}: adds the body to templates_.
    void parse_definition(const std::string& keyword, size_t open) {
        if (keyword == "define" && (depth_ > 0 || range_depth_ > 0 || in_definition_))
            throw Failure{open, "unexpected <define> in command"};
        const Nesting nesting(depth_, open);
        next_ = 1;
        const std::string name = template_name(keyword);
        const size_t after_name = next_;
        if (keyword == "define") expect_token(Token::End, "end of define clause");
        auto body = std::make_shared<List>();
        // The body is parsed after the clause's pipeline (for block, parse_template_call
        // reads it from tokens_, so keep them): save and restore the parser's place.
        const auto saved_tokens = tokens_;
        const int saved_range = range_depth_;
        const bool saved_in = in_definition_;
        range_depth_ = 0;
        in_definition_ = true;
        const std::string stop = parse_list(*body);
        range_depth_ = saved_range;
        in_definition_ = saved_in;
        if (stop != "end")
            throw Failure{stop.empty() ? open : stop_pos_,
                          stop.empty() ? "unexpected EOF in " + keyword
                                       : "unexpected {{" + stop + "}} in " + keyword};
        const auto [it, added] = templates_.try_emplace(name, body);
        if (!added) {
            if (!is_blank(*it->second) && !is_blank(*body))
                throw Failure{open, "template: multiple definition of template \"" + name + "\""};
            if (!is_blank(*body)) it->second = body;
        }
        tokens_ = saved_tokens;
        next_ = after_name;
        block_name_ = name;
    }

    static bool is_blank(const List& list) {
        for (const Node& n : list)
            if (n.kind != Node::Text || n.text.find_first_not_of(" \t\r\n") != std::string::npos)
                return false;
        return true;
    }

    /// {{template "name"}}, {{template "name" pipeline}}, and the call a {{block}} makes.
    Node parse_template_call(const std::string& keyword, size_t open) {
        Node node{Node::Template, open, "", nullptr, nullptr, nullptr};
        if (keyword == "template") {
            next_ = 1;
            node.text = template_name(keyword);
        } else {
            node.text = block_name_;
        }
        if (tokens_[next_].kind != Token::End) node.pipe = parse_pipeline(false);
        if (keyword == "block" && !node.pipe) throw Failure{open, "missing value for block"};
        expect_token(Token::End, "end of " + keyword + " clause");
        calls_.emplace_back(node.text, open);
        return node;
    }

    /// Parses nodes into `list` until {{end}} or {{else ...}} or the end of the text.
    /// Returns "end", "else" (tokens_ positioned after "else"), or "" at end of text.
    std::string parse_list(List& list) {
        while (at_ < text_.size()) {
            size_t open = text_.find("{{", at_);
            std::string literal(text_.substr(
                at_, open == std::string_view::npos ? std::string_view::npos : open - at_));
            if (open == std::string_view::npos) {
                if (!literal.empty())
                    list.push_back({Node::Text, at_, literal, nullptr, nullptr, nullptr});
                at_ = text_.size();
                break;
            }
            size_t inner = open + 2;
            const bool trim_left =
                inner + 1 < text_.size() && text_[inner] == '-' && is_space(text_[inner + 1]);
            if (trim_left) {
                while (!literal.empty() && is_space(literal.back())) literal.pop_back();
                inner += 2;
            }
            if (!literal.empty())
                list.push_back({Node::Text, at_, literal, nullptr, nullptr, nullptr});

            // Comments: {{/* ... */}}, with optional trim markers.
            if (text_.compare(inner, 2, "/*") == 0) {
                const size_t close_comment = text_.find("*/", inner + 2);
                if (close_comment == std::string_view::npos)
                    throw Failure{open, "unclosed comment"};
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
                if (c == '"' || c == '`' || c == '\'') {
                    const char q = c;
                    ++close;
                    while (close < text_.size() && text_[close] != q) {
                        if (q != '`' && text_[close] == '\\') ++close;
                        if (q != '`' && close < text_.size() && text_[close] == '\n')
                            throw Failure{close, q == '"' ? "unterminated quoted string"
                                                          : "unterminated character constant"};
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
                if (first.value == "break" || first.value == "continue") {
                    if (range_depth_ == 0)
                        throw Failure{first.pos, "{{" + first.value + "}} outside {{range}}"};
                    expect_end(1, "{{" + first.value + "}}");
                    list.push_back({first.value == "break" ? Node::Break : Node::Continue, open, "",
                                    nullptr, nullptr, nullptr});
                    continue;
                }
                // A copy: parse_definition replaces tokens_, which `first` points into.
                const std::string keyword = first.value;
                if (keyword == "define" || keyword == "block") {
                    parse_definition(keyword, open);
                    if (keyword == "define") continue;
                }
                if (keyword == "template" || keyword == "block") {
                    list.push_back(parse_template_call(keyword, open));
                    continue;
                }
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
            throw Failure{tokens_[index].pos,
                          "unexpected \"" + tokens_[index].value + "\" in " + what};
    }

    void expect_token(Token::Kind kind, const std::string& what) {
        if (tokens_[next_].kind != kind)
            throw Failure{tokens_[next_].pos,
                          "expected " + what + ", found \"" + tokens_[next_].value + "\""};
        ++next_;
    }

    // `keyword` by value: parse_list replaces tokens_, which a reference would point into.
    // NOLINTNEXTLINE(performance-unnecessary-value-param): by value on purpose, as said.
    Node parse_control(const std::string keyword, size_t open) {
        const Nesting nesting(depth_, open);
        Node node;
        node.kind = keyword == "if" ? Node::If : keyword == "range" ? Node::Range : Node::With;
        node.pos = open;
        node.pipe = parse_pipeline(true);
        if (node.pipe->commands.empty()) throw Failure{open, "missing value for " + keyword};
        expect_token(Token::End, "end of " + keyword);
        node.body = std::make_shared<List>();
        if (keyword == "range") ++range_depth_;
        std::string stop = parse_list(*node.body);
        if (keyword == "range") --range_depth_;
        if (stop.empty())
            throw Failure{open, "unexpected end of template: {{" + keyword + "}} has no {{end}}"};
        if (stop == "else") {
            node.otherwise = std::make_shared<List>();
            if (tokens_[next_].kind == Token::Ident &&
                (tokens_[next_].value == "if" || tokens_[next_].value == "with") &&
                keyword != "range") {
                // {{else if ...}}: an If node that shares our {{end}}.
                const std::string nested = tokens_[next_].value;
                ++next_;
                node.otherwise->push_back(parse_control(nested, stop_pos_));
                return node;
            }
            expect_end(next_, "else");
            stop = parse_list(*node.otherwise);
            if (stop != "end")
                throw Failure{open, "{{" + keyword + "}} ... {{else}} has no {{end}}"};
        }
        return node;
    }

    PipelinePtr parse_pipeline(bool allow_decl) {
        auto pipe = std::make_shared<Pipeline>();
        pipe->pos = tokens_[next_].pos;
        if (allow_decl && tokens_[next_].kind == Token::Variable) {
            size_t look = next_;
            std::vector<std::string> vars = {tokens_[look].value};
            if (tokens_[look + 1].kind == Token::Comma &&
                tokens_[look + 2].kind == Token::Variable) {
                vars.push_back(tokens_[look + 2].value);
                look += 2;
            }
            if (tokens_[look + 1].kind == Token::Declare ||
                tokens_[look + 1].kind == Token::Assign) {
                pipe->decl = vars;
                pipe->assign = tokens_[look + 1].kind == Token::Assign;
                next_ = look + 2;
            }
        }
        while (true) {
            Command cmd;
            cmd.pos = tokens_[next_].pos;
            while (tokens_[next_].kind != Token::End && tokens_[next_].kind != Token::Pipe &&
                   tokens_[next_].kind != Token::RParen) {
                // Go wants space between arguments: {{printf `x`.}} is an error.
                const Token& t = tokens_[next_];
                if (!cmd.args.empty() && t.pos > 0 && !is_space(text_[t.pos - 1]))
                    throw Failure{t.pos, "unexpected \"" + t.value + "\" in operand"};
                cmd.args.push_back(parse_term());
            }
            if (cmd.args.empty()) throw Failure{cmd.pos, "missing value for command"};
            const Term::Kind head = cmd.args[0].kind;
            if (!pipe->commands.empty() &&
                (head == Term::Bool || head == Term::Dot || head == Term::Nil ||
                 head == Term::Number || head == Term::String))
                throw Failure{cmd.pos, "non executable command in pipeline stage " +
                                           std::to_string(pipe->commands.size() + 1)};
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
            case Token::Dot:
                term.kind = Term::Dot;
                break;
            case Token::Field:
                term.kind = Term::Field;
                term.chain.push_back(t.value);
                break;
            case Token::Variable:
                term.kind = Term::Variable;
                term.name = t.value;
                break;
            case Token::String:
                term.kind = Term::String;
                term.name = t.value;
                break;
            case Token::Number: {
                term.kind = Term::Number;
                char* endp = nullptr;
                // Go's forms: 0b101, 0o17, 017, 0x1F, 1_000, 0x1p4 (a hex float).
                std::string s;
                for (char ch : t.value)
                    if (ch != '_') s += ch;
                const size_t digits = s[0] == '-' || s[0] == '+' ? 1 : 0;
                const std::string prefix = s.size() >= digits + 2 ? s.substr(digits, 2) : "";
                const bool hex = prefix == "0x" || prefix == "0X";
                const int base = prefix == "0b" || prefix == "0B"   ? 2
                                 : prefix == "0o" || prefix == "0O" ? 8
                                                                    : 0;
                if (t.value.find("__") != std::string::npos || t.value.back() == '_')
                    throw Failure{t.pos, "bad number syntax: " + t.value};
                if (base != 0 || (hex && s.find_first_of("pP") == std::string::npos) ||
                    (!hex && s.find_first_of(".eE") == std::string::npos)) {
                    errno = 0;
                    std::string body = base ? s.substr(0, digits) + s.substr(digits + 2) : s;
                    const long long v = std::strtoll(body.c_str(), &endp, base);
                    if (*endp != '\0' || errno == ERANGE || (base && body.size() == digits))
                        throw Failure{t.pos, "bad number syntax: " + t.value};
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
                    if (!find_function(t.value) && !unsupported_function(t.value).empty())
                        throw Failure{t.pos, "function \"" + t.value + "\" is not supported: " +
                                                 std::string(unsupported_function(t.value))};
                    if (!find_function(t.value)) {
                        std::string msg = "function \"" + t.value + "\" not defined";
                        if (auto guess = closest_match(t.value, function_names()))
                            msg += "; did you mean \"" + *guess + "\"?";
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
            default:
                throw Failure{t.pos, "unexpected \"" + t.value + "\" in operand"};
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
            case Token::Field:
                return prev.pos + 1 + prev.value.size();
            case Token::Variable:
                return prev.pos + prev.value.size();
            case Token::RParen:
                return prev.pos + 1;
            case Token::Dot:
                return prev.pos + 1;
            default:
                return std::string::npos;
        }
    }
};

}  // namespace

List parse_list(std::string_view text, Templates& templates) {
    return Parser(text, templates).parse();
}

}  // namespace stash_hook::tmpl

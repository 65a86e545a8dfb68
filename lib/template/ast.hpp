#pragma once
// The engine's inside, shared by its parts: the parsed tree, the failure every part
// throws (a place in the template text and a message), the nesting counter, and the
// declarations of the parser, the executor and Go's value formatting.
//   parser.cpp      lexing and parsing into the tree
//   executor.cpp    running the tree over data, and the static field check
//   go_format.cpp   Go's truth, %v, fmt verbs, strconv.Quote and encoding/json
//   functions.*     the function table; funcs_<family>.cpp the functions themselves

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "template/template.hpp"

namespace stash_hook::tmpl {

struct Pipeline;
using PipelinePtr = std::shared_ptr<Pipeline>;

// bugprone-exception-escape is wrong here: the throw it finds is bad_alloc in ~nlohmann::json
// (it allocates to free nested values); nothing of Term's own throws.
struct Term {  // NOLINT(bugprone-exception-escape)
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
    enum Kind { Text, Action, If, Range, With, Break, Continue, Template } kind = Text;
    size_t pos = 0;
    std::string text;  // Text: the text; Template: the name of the template it runs
    PipelinePtr pipe;  // Template: the data it is given, or null
    std::shared_ptr<List> body;
    std::shared_ptr<List> otherwise;  // else branch (an "else if" is an If node inside)
};

/// The templates {{define}} and {{block}} name, by name.
using Templates = std::map<std::string, std::shared_ptr<List>>;

struct Ast {
    std::string text;
    List root;
    Templates templates;
};

/// What every part throws: where in the template text, and what went wrong.
struct Failure {
    size_t pos;
    std::string message;
};

extern const std::string kTooDeep;  // "template nesting deeper than 100"
extern const std::string kTooBig;   // "template value exceeds 1 MiB"

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

// parser.cpp
std::pair<int, int> line_column(std::string_view text, size_t pos);
List parse_list(std::string_view text, Templates& templates);

// executor.cpp
void execute(const List& list, const Templates& templates, const Value& data,
             const RenderLimits& limits, std::string& out);
void check_list(const List& list, const Value& schema, bool dot_is_root);
/// Calls `visit(chain, prefix, pos)` for each field chain of the root data the tree names
/// where it can be seen without running (prefix "" for .A.B, "$" for $.A.B).
void visit_root_fields(
    const List& list, bool dot_is_root,
    const std::function<void(const std::vector<std::string>&, const std::string&, size_t)>& visit);

// go_format.cpp
bool truthy(const Value& v);
std::string go_float(double d);
std::string print_value(const Value& v);   // text/template's printing: nil is <no value>
std::string sprint_value(const Value& v);  // fmt's %v: nil is <nil>
void write_go_json(std::string& out, const Value& v);
std::string go_quote(std::string_view s);
std::string type_name(const Value& v);
int compare(const Value& a, const Value& b, size_t pos, bool ordering);
std::string go_sprintf(const std::string& format, const std::vector<Value>& args, size_t pos);

}  // namespace stash_hook::tmpl

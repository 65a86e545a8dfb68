#pragma once
// A Go text/template engine for the subset Stash's hooks use (man page, TEMPLATES):
// fields, variables, pipelines, if/else if/else, range, with, literals, {{- -}}
// trimming, and the functions of the table in functions.hpp.
// Data is a JSON value; an object with exactly the fields of one of Stash's structs is
// that struct (go_struct.hpp: an unknown field is an error), any other object is a map
// (a missing key is <no value>). define, template and block as in Go.
// The parts: ast.hpp (the tree), parser.cpp, executor.cpp, go_format.cpp (Go's
// printing, fmt and JSON), functions.cpp and funcs_<family>.cpp (one entry each).

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.hpp"

namespace stash_hook::tmpl {

using Value = nlohmann::json;

/// A template error: what and where in the template text (1-based line and column).
struct TemplateError {
    int line = 0;
    int column = 0;
    std::string message;
    std::string str() const;  // "template:2:15: message"
};

struct Ast;  // the parsed tree; see template.cpp

/// Limits on hostile templates (man page, LIMITS). A template's text is at most
/// kMaxTemplateBytes (its parsed tree takes about 100 times that); nesting
/// (parentheses, if, range, with, else if, and data built by dict) is at most
/// kMaxDepth deep; the output and every value are at most kMaxBytes; rendering takes
/// at most kMaxSteps steps.
inline constexpr size_t kMaxTemplateBytes = 64u << 10;
inline constexpr int kMaxDepth = 100;
inline constexpr size_t kMaxBytes = 1u << 20;
inline constexpr long kMaxSteps = 1'000'000;

/// When rendering must stop early: at `deadline` (a hook's timeout), or once
/// `interrupted` returns true (a signal). Checked every few hundred steps.
struct RenderLimits {
    std::optional<std::chrono::steady_clock::time_point> deadline;
    std::function<bool()> interrupted;
    /// Called with the name and value of every environment variable the template
    /// reads (env), so that the caller can register the values as secrets.
    std::function<void(std::string_view name, std::string_view value)> env_read;
};

class Template {
  public:
    /// Parses `text`. Unknown functions and syntax errors are reported here.
    static expected<Template, TemplateError> parse(std::string_view text);

    /// Reports a reference to a field that `schema` (a value shaped like the data)
    /// does not have, where it can be seen without running: fields of the root data
    /// outside range and with, and fields of $.
    expected<void, TemplateError> check_fields(const Value& schema) const;

    /// Where the template names the root data's field `path` (".Target.ApiVersion", or a
    /// path below it), where check_fields can see it: a place and the path, each.
    std::vector<TemplateError> uses_of(std::string_view path) const;

    /// Renders with `data` as the root ("." and "$").
    expected<std::string, TemplateError> render(const Value& data,
                                                const RenderLimits& limits = {}) const;

    Template(Template&&) noexcept;
    Template& operator=(Template&&) noexcept;
    ~Template();

  private:
    explicit Template(std::unique_ptr<Ast> ast);
    std::unique_ptr<Ast> ast_;
};

/// True when `text` contains an action and so must be rendered.
bool is_template(std::string_view text);

/// Parses, renders and trims surrounding whitespace (how hook strings are rendered).
expected<std::string, TemplateError> render_string(std::string_view text, const Value& data,
                                                   const RenderLimits& limits = {});

/// JSON exactly as Go's encoding/json Marshal writes it (sorted keys, <>& escaped).
std::string go_json(const Value& value);

}  // namespace stash_hook::tmpl

#pragma once
// The function table: every function a template may call is one entry (its name,
// how many arguments it takes, what it does), in a file per family
// (funcs_builtin.cpp: Go's builtins; funcs_strings.cpp, funcs_defaults.cpp ...: Sprig's).

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "template/ast.hpp"

namespace stash_hook::tmpl {

/// One call of a function: its arguments and what it may report.
struct Call {
    std::string_view name;
    size_t pos = 0;                    // in the template text, for errors
    std::vector<Value> args;           // evaluated, piped value last (empty for lazy functions)
    size_t count = 0;                  // how many arguments were given
    std::function<Value(size_t)> arg;  // lazy functions: evaluates argument i on demand
    const RenderLimits* limits = nullptr;

    /// Fails the template at the call, with Go's "error calling NAME: " prefix.
    [[noreturn]] void fail(const std::string& message) const;
    /// args[i] as a string: strings as they are, anything else as %v prints it.
    std::string string_arg(size_t i) const;
    /// args[i] where the Go function takes a string or an int: anything else fails,
    /// as Go's template does before the call ("wrong type for value").
    const std::string& str(size_t i) const;
    int64_t integer(size_t i) const;
    bool boolean(size_t i) const;
};

inline constexpr int kVariadic = -1;

struct Function {
    std::string_view name;
    int min_args;  // checked before the call, with Go's "wrong number of args" messages
    int max_args;  // kVariadic: no upper bound
    Value (*impl)(Call&);
    bool lazy = false;  // and, or: arguments evaluated by the function, left to right
};

/// The family tables (one per funcs_*.cpp).
std::span<const Function> builtin_functions();
std::span<const Function> string_functions();
std::span<const Function> default_functions();
std::span<const Function> dict_functions();
std::span<const Function> encoding_functions();
std::span<const Function> os_functions();
std::span<const Function> list_functions();
std::span<const Function> math_functions();
std::span<const Function> regex_functions();
std::span<const Function> path_functions();
std::span<const Function> json_functions();
std::span<const Function> case_functions();
std::span<const Function> reflect_functions();
std::span<const Function> random_functions();
std::span<const Function> network_functions();
std::span<const Function> date_functions();
std::span<const Function> semver_functions();

/// A method without arguments of a time or a semver version, called as a field
/// (`{{ now.Year }}`, `{{ (semver "1.2.3").Major }}`), or nullopt.
std::optional<Value> method_of(const Value& v, std::string_view name);

/// Go's base64.StdEncoding of `bytes` (funcs_encoding.cpp).
std::string base64_encode(const std::string& bytes);

/// Sprig's conversions: strval (fmt's %v; strings as they are), strslice (a list's
/// elements but nil as strings), toInt64 and toFloat64 (spf13/cast: numbers, numeric
/// strings, bools; anything else 0).
std::string strval(const Value& v);
std::vector<std::string> strslice(const Value& v);
int64_t to_int64(const Value& v);
double to_float64(const Value& v);

/// The function named `name`, or nullptr.
const Function* find_function(std::string_view name);
/// Why a function of Sprig's is refused at load time by name, or "" for any other name:
/// the certificate, key and encryption functions (genCA, genPrivateKey, buildCustomCert,
/// encryptAES, derivePassword ...), and set/unset (our dicts are values, not references).
std::string_view unsupported_function(std::string_view name);
/// Every function's name, for "did you mean".
const std::vector<std::string_view>& function_names();

}  // namespace stash_hook::tmpl

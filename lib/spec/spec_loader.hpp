#pragma once
// Reads a spec from YAML and checks every field before anything runs.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spec/spec.hpp"

namespace stash_hook {

/// One problem found in a spec: where, and what to do about it.
struct SpecProblem {
    SourceLocation where;
    std::string message;
    std::string str() const;  // "file:line:column: message"
};

struct SpecLoadResult {
    std::optional<Spec> spec;  // set iff problems is empty
    std::vector<SpecProblem> problems;
};

/// Parses and validates `text`; `file` names it in messages. Never throws.
SpecLoadResult load_spec_text(std::string_view text, const std::string& file);

/// Reads `path` ("-" means standard input) and loads it. Never throws.
SpecLoadResult load_spec_file(const std::string& path);

/// Resolves the spec path as CONTRACT section 1 says: the flag, else $STASH_HOOK_SPEC,
/// else ./stash-hook.yaml.
std::string default_spec_path(const std::string& flag_value);

/// Loads or throws Error (exit 125) whose message lists every problem, one a line.
Spec load_spec_or_throw(const std::string& path);

/// Resolves a port: a number 1-65535 or a service name from /etc/services.
std::optional<int> resolve_port(std::string_view text);

}  // namespace stash_hook

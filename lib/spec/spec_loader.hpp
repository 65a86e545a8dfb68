#pragma once
// Reads a spec from YAML and checks every field before anything runs: the file or
// text (here), the YAML tree (yaml_reader), the keys (spec_reader, stash_manifest).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spec/spec.hpp"
#include "spec/yaml_reader.hpp"  // SpecProblem, resolve_port

namespace stash_hook {

struct SpecLoadResult {
    std::optional<Spec> spec;  // set iff problems is empty
    std::vector<SpecProblem> problems;
};

/// Parses and validates `text`; `file` names it in messages. Never throws.
SpecLoadResult load_spec_text(std::string_view text, const std::string& file);

/// Reads `path` ("-" means standard input) and loads it. Never throws.
SpecLoadResult load_spec_file(const std::string& path);

/// Resolves the spec path (man page, OPTIONS): the flag, else $STASH_HOOK_SPEC,
/// else ./stash-hook.yaml; a bare name is searched for (spec_search.hpp) and throws
/// Error (exit 125) when no folder has it.
std::string default_spec_path(const std::string& flag_value);

/// Loads or throws Error (exit 125) whose message lists every problem, one a line.
/// Puts the spec's env: and envFile: into the process's environment (apply_environment).
Spec load_spec_or_throw(const std::string& path);

}  // namespace stash_hook

#pragma once
// The spec's environment (man page, SPEC "Environment"): env: maps and envFile: files
// in systemd's EnvironmentFile= syntax, read when the spec is loaded.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spec/spec.hpp"
#include "util/expected.hpp"

namespace stash_hook {

inline constexpr size_t kMaxEnvFileBytes = size_t{64} * 1024;

/// KEY=VALUE lines as systemd's EnvironmentFile= reads them: blank lines and lines
/// starting with # or ; are skipped, whitespace around KEY and before VALUE and after
/// an unquoted VALUE is dropped, "double" (with \" \\ \$ \` escapes) and 'single'
/// quotes, a backslash escapes the next character and joins lines. `export` is refused.
/// The reason on failure starts with "line N: ".
expected<EnvPairs, std::string> parse_env_file(std::string_view text);

/// Reads and parses the regular file `path`, at most kMaxEnvFileBytes.
expected<EnvPairs, std::string> read_env_file(const std::string& path);

/// Sets `name` to `value` in `env`, replacing an earlier value.
void set_env_pair(EnvPairs& env, const std::string& name, const std::string& value);

/// Why `name` cannot be set by a spec ("is not a valid environment variable name",
/// "is set by stash-hook"), or empty.
std::string env_name_problem(const std::string& name);

/// Puts the spec's top-level environment into the process's, before anything runs, so
/// the task, every hook, the `env` template function and secretEnv see it.
void apply_environment(const Spec& spec);

}  // namespace stash_hook

#pragma once
// Specs found by name (man page, FILES): `-f nightly-db` reads
// /etc/stash-hook/nightly-db.yaml, then $XDG_CONFIG_HOME/stash-hook/nightly-db.yaml
// for a user who is not root. $STASH_HOOK_SPEC_PATH (folders separated by ':')
// replaces that list.

#include <string>
#include <vector>

#include "util/expected.hpp"

namespace stash_hook {

/// The folders searched, in order: $STASH_HOOK_SPEC_PATH's, else /etc/stash-hook and,
/// unless root, $XDG_CONFIG_HOME/stash-hook (default ~/.config/stash-hook).
std::vector<std::string> spec_search_dirs();

/// Whether `arg` names a spec rather than a file: no '/', not "-", not ending in .yaml
/// or .yml, only letters, digits, '.', '_' and '-', and no such file here.
bool is_spec_name(const std::string& arg);

/// The first NAME.yaml in spec_search_dirs(), or an error naming every place looked.
expected<std::string, std::string> find_spec_by_name(const std::string& name);

}  // namespace stash_hook

#pragma once
// Checks that need the command line's overrides applied first: is there a task for
// every target, does every containerName have a runtime, which members to run.

#include <string>
#include <vector>

#include "spec/spec.hpp"

namespace stash_hook {

/// Throws Error (exit 125) listing every reason `spec` cannot run as it stands.
void check_runnable_or_throw(const Spec& spec);

/// Headers whose values describe the request and are never secret: Content-Type,
/// Accept, Accept-Encoding, Content-Encoding, User-Agent, Host.
bool is_public_header(const std::string& name);

/// Registers the spec's secrets for redaction: every HTTP header value (but those of
/// is_public_header; of a templated one, the environment values it reads), an HTTP
/// hook's path and URL unless showUrl, a URL password (user:PASSWORD@host), and the
/// values of the environment variables named in secretEnv.
void register_secrets(const Spec& spec);

/// Keeps only the members named in `names` (all when empty). Throws Error for a name
/// the spec does not have, with a suggestion, or when the spec is not a batch.
void select_members_or_throw(Spec& spec, const std::vector<std::string>& names);

}  // namespace stash_hook

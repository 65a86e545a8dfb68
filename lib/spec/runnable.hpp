#pragma once
// Whether a spec, with the command line's overrides applied, can run: is there a task
// for every target, does every containerName have a runtime; which members run; and
// what in it is secret.

#include <string>
#include <vector>

#include "spec/spec.hpp"

namespace stash_hook {

/// Throws Error (exit 125) listing every reason `spec` cannot run as it stands. Creates
/// the missing folders of the status and metrics files and checks they take a file
/// (prepare_file_for_writing), so 125 means nothing ran.
void check_runnable_or_throw(const Spec& spec);

/// Why hooks with containerName cannot run as the spec and flags stand (no runtime, no
/// pod for kubectl), one line each with advice that works for the spec's format; `validate`
/// and `run` report the same.
std::vector<std::string> container_problems(const Spec& spec);

/// Applies --container-runtime, --pod, --namespace and --selector (empty: unchanged); a pod
/// named replaces a selector and a selector replaces a pod (a Stash manifest's workload too).
void apply_container_flags(Spec& spec, const std::string& runtime, const std::string& pod,
                           const std::string& ns, const std::string& selector = "");

/// Headers whose values describe the request and are never secret: Content-Type,
/// Accept, Accept-Encoding, Content-Encoding, User-Agent, Host.
bool is_public_header(const std::string& name);

/// Registers the spec's secrets for redaction: every HTTP header value (but those of
/// is_public_header; of a templated one, the environment values it reads), an HTTP
/// hook's path and URL unless showUrl, a URL password (user:PASSWORD@host), and the
/// values of the environment variables named in secretEnv (an exec hook's own env: too).
void register_secrets(const Spec& spec);

/// Keeps only the members named in `names` (all when empty). Throws Error for a name
/// the spec does not have, with a suggestion, or when the spec is not a batch.
void select_members_or_throw(Spec& spec, const std::vector<std::string>& names);

}  // namespace stash_hook

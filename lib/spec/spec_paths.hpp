#pragma once
// Relative paths in a spec file mean the spec's folder, not the current one, which
// under systemd or cron is `/` or a home folder (man page, SPEC).

#include <filesystem>

#include "spec/spec.hpp"

namespace stash_hook {

/// Makes statusFile, metricsFile and lock, and the first word of the task's, every
/// member's and every exec hook's command when it starts with ./ or ../, absolute
/// against `folder`. A hook that runs in a container (containerName) is left alone:
/// its command names a path inside the container.
void resolve_relative_paths(Spec& spec, const std::filesystem::path& folder);

}  // namespace stash_hook

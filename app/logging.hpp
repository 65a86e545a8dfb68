#pragma once
// The one place that configures spdlog: a stderr sink in text or JSON lines.

#include "commands.hpp"

namespace stash_hook::app {

/// Returns a problem with $STASH_HOOK_LOG_LEVEL or $STASH_HOOK_LOG_FORMAT (exit 125), or "".
std::string configure_logging(const GlobalOptions& options);

}  // namespace stash_hook::app

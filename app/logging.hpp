#pragma once
// The one place that configures spdlog: a stderr sink in text or JSON lines.

#include "commands.hpp"

namespace stash_hook::app {

void configure_logging(const GlobalOptions& options);

}  // namespace stash_hook::app

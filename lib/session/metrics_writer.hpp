#pragma once
// The metrics file: a finished session in Prometheus' text exposition format, for
// node_exporter's textfile collector, replaced atomically. The metric and label
// names are stable (documented in stash-hook(1)).

#include <string>

#include "session/session_result.hpp"
#include "util/expected.hpp"

namespace stash_hook {

/// The text of the metrics file. `target` is the spec's name (the `target` label).
std::string metrics_text(const std::string& target, const SessionResult& result);

/// Writes metrics_text() to `path` atomically. An empty path writes nothing.
expected<void, std::string> write_metrics_file(const std::string& path, const std::string& target,
                                               const SessionResult& result);

}  // namespace stash_hook

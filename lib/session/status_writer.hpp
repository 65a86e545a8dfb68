#pragma once
// The status file (man page, STATUS FILE): the session as JSON, replaced atomically.

#include <nlohmann/json.hpp>
#include <string>

#include "session/session_result.hpp"
#include "util/expected.hpp"

namespace stash_hook {

/// The status document for `result` (phase Running while it is not finished).
/// Not redacted: what leaves the process is status_document().
nlohmann::ordered_json status_json(const SessionResult& result);

/// status_json(result) with every secret redacted, as indented text (no final
/// newline): the status file and serve's /sessions endpoints.
std::string status_document(const SessionResult& result);

/// Writes status_document(result) to `path` atomically. An empty path writes nothing.
expected<void, std::string> write_status_file(const std::string& path, const SessionResult& result);

}  // namespace stash_hook

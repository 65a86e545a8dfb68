#pragma once
// Wall-clock helpers for reports: RFC 3339 UTC timestamps and session names.

#include <chrono>
#include <string>

namespace stash_hook {

using WallTime = std::chrono::system_clock::time_point;
using MonoTime = std::chrono::steady_clock::time_point;

/// "2026-11-26T03:00:00Z" (UTC, whole seconds, as Kubernetes prints times).
std::string format_rfc3339(WallTime t);

/// "<base>-20261126-030000-7f3a": the UTC start time and 4 random hex digits.
std::string make_session_name(const std::string& base, WallTime start);

}  // namespace stash_hook

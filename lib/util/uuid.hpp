#pragma once
// Random (version 4) UUIDs, e.g. a session's run id (.RunId) that pairs a monitor's pings.

#include <string>

namespace stash_hook {

/// A random UUID, lowercase: "3f0c6d2e-8a4b-4c1d-9e2f-0a1b2c3d4e5f".
std::string random_uuid();

}  // namespace stash_hook

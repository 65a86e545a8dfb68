#pragma once
// Secrets never reach logs or the status file (CONTRACT section 6): every text that
// goes out is passed through redact(), which replaces each registered secret and
// the password of any URL (scheme://user:PASSWORD@host) with "***".

#include <string>
#include <string_view>

namespace stash_hook::secrets {

/// Values shorter than this are not registered: redacting every "1" or "on" would
/// garble the logs while protecting nothing.
inline constexpr size_t kMinLength = 4;

/// Registers `value` as a secret. Thread-safe.
void add(std::string value);

/// `text` with every registered secret and URL password replaced by "***".
std::string redact(std::string_view text);

/// Forgets every registered secret (for tests).
void clear();

}  // namespace stash_hook::secrets

#pragma once
// Secrets never reach logs, the status file, the endpoints or the plan (man page,
// SECURITY): every text that goes out is passed through redact(), which replaces each
// registered secret and the password of any URL (scheme://user:PASSWORD@host) with "***".

#include <string>
#include <string_view>

namespace stash_hook::secrets {

/// Values shorter than this (after trimming white space) are not registered:
/// redacting every "1" or "on" would garble the logs while protecting nothing.
inline constexpr size_t kMinLength = 4;

/// Registers `value` as a secret, trimmed of surrounding white space. A multi-line
/// value (a PEM key, a JSON service-account key) is registered whole and line by line
/// (each line of at least kMinLength after trimming), and each of these also as JSON
/// spells it (a newline as \n, a quote as \"). Thread-safe.
void add(std::string_view value);

/// `text` with every registered secret and URL password replaced by "***".
std::string redact(std::string_view text);

/// `text`, which is the end of a longer stream cut just before it (an output tail),
/// with the piece of a secret that the cut left at its front replaced by "***", and
/// then redacted. The piece is the longest end of a registered secret that `text`
/// starts with.
std::string redact_cut_front(std::string_view text);

/// `text` cut to at most `max_bytes` bytes followed by "...", redacted before the cut
/// so that no piece of a secret survives it.
std::string redact_and_shorten(std::string_view text, size_t max_bytes);

/// Forgets every registered secret (for tests).
void clear();

}  // namespace stash_hook::secrets

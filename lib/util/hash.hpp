#pragma once
// Message digests for templates (Sprig's sha1sum, sha256sum, adler32sum): SHA-1 and
// SHA-256 (FIPS 180-4) and Adler-32 (RFC 1950), here because the program links no
// crypto library for them. Not for security decisions.

#include <cstdint>
#include <string>
#include <string_view>

namespace stash_hook {

/// The SHA-1 digest of `data`, as 40 lowercase hex digits.
std::string sha1_hex(std::string_view data);
/// The SHA-256 digest of `data`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);
/// The Adler-32 checksum of `data`.
uint32_t adler32(std::string_view data);

}  // namespace stash_hook

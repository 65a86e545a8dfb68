#pragma once
// The pure parts of HTTP hooks, apart from any network code so they can be unit
// tested: form encoding, redirect targets and proxy selection.

#include <optional>
#include <string>
#include <vector>

#include "spec/spec.hpp"

namespace stash_hook {

struct HttpTarget {
    bool https = false;
    std::string host;
    int port = 80;
    std::string path = "/";  // with the query
    std::string authority() const;  // "host:port"
};

/// application/x-www-form-urlencoded, as Go's url.Values.Encode: keys sorted, each
/// value in order, '+' for space.
std::string encode_form(const std::vector<FormField>& form);

/// Where a Location header points, relative to `current`; nullopt if unusable.
std::optional<HttpTarget> resolve_location(const HttpTarget& current, const std::string& location);

struct ProxySettings {
    std::string host;
    int port = 0;
    std::string user;
    std::string password;
};

/// The proxy from HTTP_PROXY / HTTPS_PROXY (or lower case), unless NO_PROXY matches
/// the host or the host is loopback (as Go's net/http does).
std::optional<ProxySettings> proxy_from_environment(const HttpTarget& target);

}  // namespace stash_hook

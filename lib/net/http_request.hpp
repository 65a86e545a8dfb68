#pragma once
// The pure parts of HTTP hooks, apart from any network code so they can be unit
// tested: form encoding, redirect targets and proxy selection.

#include <optional>
#include <string>
#include <vector>

#include "spec/spec.hpp"
#include "util/expected.hpp"

namespace stash_hook {

struct HttpTarget {
    bool https = false;
    std::string host;
    int port = 80;
    std::string path = "/";         // with the query
    std::string authority() const;  // "host:port"
};

/// application/x-www-form-urlencoded, as Go's url.Values.Encode: keys sorted, each
/// value in order, '+' for space.
std::string encode_form(const std::vector<FormField>& form);

/// Where a Location header points, relative to `current`; an error saying why it is
/// unusable (empty, no host, a port that is not 1-65535).
expected<HttpTarget, std::string> resolve_location(const HttpTarget& current,
                                                   const std::string& location);

/// True when `a` and `b` have the same scheme, host (case-insensitive) and port: the
/// only redirects followed, so credentials and bodies never reach another origin.
bool same_origin(const HttpTarget& a, const HttpTarget& b);

/// A header as it may be sent: the name an RFC 9110 token, the value free of CR, LF
/// and NUL (which would end the header early and let the rest be read as another).
expected<void, std::string> check_header(const std::string& name, const std::string& value);

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

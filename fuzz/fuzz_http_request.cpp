// Any bytes as what an HTTP server sends back that our code reads itself: a Location
// header (resolved against HTTPS and HTTP targets, then the same-origin decision of
// redirects) and a header name and value (the check before sending). Invariants are
// asserted: a resolved target has a host, a port in 1-65535 and a path from "/"; an
// accepted header value has no CR, LF or NUL; a target is its own origin.
// The input is "location\nname\nvalue"; missing parts are empty.

#include <cstddef>
#include <cstdint>
#include <string>

#include "net/http_request.hpp"

namespace {

void require(bool ok) {
    if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace stash_hook;
    const std::string input(reinterpret_cast<const char*>(data), size);
    const size_t first = input.find('\n');
    const std::string location = input.substr(0, first);
    const std::string rest = first == std::string::npos ? "" : input.substr(first + 1);
    const size_t second = rest.find('\n');
    const std::string name = rest.substr(0, second);
    const std::string value = second == std::string::npos ? "" : rest.substr(second + 1);

    for (const HttpTarget& current : {HttpTarget{true, "Api.Example", 443, "/v1/hooks?x=1"},
                                      HttpTarget{false, "127.0.0.1", 8080, "/"}}) {
        auto next = resolve_location(current, location);
        if (!next) continue;
        require(!next->host.empty());
        require(next->port >= 1 && next->port <= 65535);
        require(!next->path.empty() && next->path.front() == '/');
        require(same_origin(*next, *next));
        // Following keeps the scheme, host and port; anything else is another origin.
        if (same_origin(current, *next))
            require(next->https == current.https && next->port == current.port &&
                    next->host.size() == current.host.size());
        (void)next->authority();
    }

    if (auto ok = check_header(name, value); ok) {
        require(!name.empty());
        require(value.find_first_of(std::string("\r\n\0", 3)) == std::string::npos);
    } else {
        require(ok.error().find_first_of("\r\n") == std::string::npos);  // a one-line message
    }
    return 0;
}

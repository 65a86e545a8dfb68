// Sprig's network.go (getHostByName) and url.go (urlParse, urlJoin, with net/url's
// parsing and escaping).
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <memory>
#include <random>

#include "template/ast.hpp"
#include "template/functions.hpp"

namespace stash_hook::tmpl {

namespace {

/// net.LookupHost's addresses, one at random; none panics in rand.Intn, as Sprig's does.
/// The lookup is the system resolver's (getaddrinfo), bounded by its own timeouts.
Value fn_get_host_by_name(Call& c) {
    const std::string& name = c.str(0);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    std::vector<std::string> addresses;
    if (!name.empty() && name.find('\0') == std::string::npos &&
        getaddrinfo(name.c_str(), nullptr, &hints, &found) == 0) {
        std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, freeaddrinfo);
        for (const addrinfo* a = found; a; a = a->ai_next) {
            char text[INET6_ADDRSTRLEN] = {};
            const void* where =
                a->ai_family == AF_INET
                    ? static_cast<const void*>(
                          &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr)
                    : static_cast<const void*>(
                          &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr);
            if ((a->ai_family == AF_INET || a->ai_family == AF_INET6) &&
                inet_ntop(a->ai_family, where, text, sizeof text))
                addresses.emplace_back(text);
        }
    }
    if (addresses.empty()) c.fail("invalid argument to Intn");
    static thread_local std::mt19937_64 random{std::random_device{}()};
    return addresses[random() % addresses.size()];
}

constexpr Function kFunctions[] = {
    {"getHostByName", 1, 1, fn_get_host_by_name},
};

}  // namespace

std::span<const Function> network_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

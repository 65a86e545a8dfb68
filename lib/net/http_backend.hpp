#pragma once
// The HTTP client and server, behind an interface with no cpp-httplib types. The code
// that uses cpp-httplib (and with it OpenSSL, zlib and brotli) is a module,
// stash-hook-http.so, loaded by http_backend() only when a spec has HTTP hooks or
// `serve` runs: a spec of exec and tcpSocket hooks starts without loading or
// initialising any of it (docs/BENCHMARKS.md, start-up row).

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/http_request.hpp"
#include "spec/spec.hpp"
#include "util/duration.hpp"

namespace stash_hook::net {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

/// What a response may take (man page, HTTP HOOKS): the body is read up to
/// kMaxBodyBytes and the rest left unread; the status line and headers may take
/// kMaxHeaderBytes in all and kMaxHeaderFields lines, or the exchange fails.
inline constexpr std::size_t kMaxBodyBytes = std::size_t{10} * 1024;
inline constexpr std::size_t kMaxHeaderBytes = std::size_t{64} * 1024;
inline constexpr std::size_t kMaxHeaderFields = 100;

/// One request, one response: redirects are the caller's (http_action.cpp).
struct ClientRequest {
    HttpTarget target;
    std::string method = "GET";
    HeaderList headers;
    std::string body;
    TlsOptions tls;
    std::optional<ProxySettings> proxy;
    Duration io_timeout{};  // each connect, read and write
    /// The numeric address to connect to (the proxy's, when there is one), resolved by
    /// the caller so that resolution obeys the hook's deadline; empty: the client resolves.
    std::string address;
};

enum class ClientFailure {
    None,
    Connection,
    ConnectionTimeout,
    Read,
    Write,
    TlsHandshake,
    TlsLoadingCerts,
    TlsVerification,  // detail: OpenSSL's reason, or empty when the host name did not match
    Other,            // detail: cpp-httplib's name for the error
    HeadersTooLarge,  // more than kMaxHeaderBytes or kMaxHeaderFields
};

struct ClientResponse {
    ClientFailure failure = ClientFailure::None;
    std::string detail;
    int status = 0;
    std::optional<std::string> location;  // the Location header, when there is one
    bool body_truncated = false;          // the body went on past kMaxBodyBytes (left unread)
};

class Client {
  public:
    virtual ~Client() = default;
    /// Sends the request given at creation; call once.
    virtual ClientResponse send() = 0;
    /// From another thread: abandons the exchange (its socket, if open, is shut down).
    virtual void stop() = 0;
};

struct ServerRequest {
    std::string method;
    std::string path;
    std::string authorization;  // the Authorization header, or empty
    /// The request announces a body over kServerMaxBody, or a chunked one: the
    /// server will not read it, so the handler should refuse the request (413)
    /// once it has checked the token.
    bool body_over_limit = false;
};

// The server's limits (man page, SERVE). The handler runs on the request line and
// headers alone, before any body is read; a body is read (and discarded) only when
// the handler's answer is a success and the body is announced with a Content-Length
// of at most kServerMaxBody; otherwise it is left unread and the connection closed.
inline constexpr int kServerMaxConnections =
    64;  // when full, the oldest still sending its head is dropped
inline constexpr size_t kServerMaxHead = size_t{16} * 1024;  // request line and headers: else 431
inline constexpr int kServerHeadSeconds = 10;  // to send the request line and headers: else 408
inline constexpr int kServerIoSeconds = 5;     // each read of the body, each write of the answer
inline constexpr size_t kServerMaxBody = size_t{64} * 1024;

struct ServerResponse {
    int status = 200;
    std::string content_type = "text/plain";
    std::string body;
    HeaderList headers;
};

/// Must not throw: it runs on the server's threads, inside the module.
using ServerHandler = std::function<ServerResponse(const ServerRequest&)>;

class Server {
  public:
    virtual ~Server() = default;
    /// The port bound (port 0 picks a free one), or -1.
    virtual int bind(const std::string& host, int port) = 0;
    /// Serves every method on every path through the handler, until stop(). One
    /// request per connection; accepted sockets are close-on-exec.
    virtual void listen() = 0;
    virtual void stop() = 0;
};

/// What the module exports, as `stash_hook_http_backend` (extern "C").
struct Backend {
    const char* version;  // the module's STASH_HOOK_VERSION; must equal the program's
    std::unique_ptr<Client> (*make_client)(const ClientRequest& request);
    std::unique_ptr<Server> (*make_server)(ServerHandler handler);
};

/// The module's backend, loaded on first call (thread-safe). Throws Error (exit 125)
/// naming the module's path and dlopen's reason when it cannot be loaded.
/// Looks in order at: $STASH_HOOK_HTTP_MODULE; beside the executable; the installed
/// place relative to the executable (../lib/<arch>/stash-hook/).
const Backend& http_backend();

}  // namespace stash_hook::net

// The module stash-hook-http.so: net::Client and net::Server on cpp-httplib. Nothing
// else of stash-hook is linked in (it uses only header-inline types), so the program
// and the module share no state.

#include <httplib.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>

#include "net/http_backend.hpp"

namespace stash_hook::net {
namespace {

ClientFailure failure_of(httplib::Error error) {
    switch (error) {
        case httplib::Error::Success: return ClientFailure::None;
        case httplib::Error::Connection: return ClientFailure::Connection;
        case httplib::Error::ConnectionTimeout: return ClientFailure::ConnectionTimeout;
        case httplib::Error::Read: return ClientFailure::Read;
        case httplib::Error::Write: return ClientFailure::Write;
        case httplib::Error::SSLConnection: return ClientFailure::TlsHandshake;
        case httplib::Error::SSLLoadingCerts: return ClientFailure::TlsLoadingCerts;
        case httplib::Error::SSLServerVerification: return ClientFailure::TlsVerification;
        default: return ClientFailure::Other;
    }
}

/// How much of the response head (status line and headers) has been read, shared by
/// the reading thread and, over TLS, OpenSSL's message callback.
struct HeadBudget {
    std::atomic<bool> head_done{false};  // set once httplib has parsed the headers
    std::atomic<bool> exceeded{false};
    std::size_t bytes = 0;
    std::size_t lines = 0;
};

/// A stream that fails reads once the response head goes past its limits. httplib
/// reads the head a byte at a time, so the count is exact; the body is bounded by the
/// content receiver instead.
class HeadLimitedStream final : public httplib::Stream {
public:
    HeadLimitedStream(httplib::Stream& inner, HeadBudget& budget) : inner_(inner), budget_(budget) {}
    bool is_readable() const override { return inner_.is_readable(); }
    bool is_writable() const override { return inner_.is_writable(); }
    ssize_t read(char* ptr, size_t size) override {
        if (budget_.exceeded) return -1;
        const ssize_t n = inner_.read(ptr, size);
        if (n <= 0 || budget_.head_done) return n;
        budget_.bytes += static_cast<size_t>(n);
        budget_.lines += static_cast<size_t>(std::count(ptr, ptr + n, '\n'));
        // +2 lines: the status line and the blank line that ends the head
        if (budget_.bytes > kMaxHeaderBytes || budget_.lines > kMaxHeaderFields + 2) {
            budget_.exceeded = true;
            return -1;
        }
        return n;
    }
    ssize_t write(const char* ptr, size_t size) override { return inner_.write(ptr, size); }
    void get_remote_ip_and_port(std::string& ip, int& port) const override { inner_.get_remote_ip_and_port(ip, port); }
    void get_local_ip_and_port(std::string& ip, int& port) const override { inner_.get_local_ip_and_port(ip, port); }
    socket_t socket() const override { return inner_.socket(); }

private:
    httplib::Stream& inner_;
    HeadBudget& budget_;
};

/// Plain HTTP: every read goes through HeadLimitedStream. (process_socket is private
/// in httplib, but a private virtual may be overridden.)
class PlainClient final : public httplib::ClientImpl {
public:
    PlainClient(const std::string& host, int port, HeadBudget& budget) : ClientImpl(host, port), budget_(budget) {}

private:
    bool process_socket(const Socket& socket, std::function<bool(httplib::Stream&)> callback) override {
        return httplib::detail::process_client_socket(
            socket.sock, read_timeout_sec_, read_timeout_usec_, write_timeout_sec_, write_timeout_usec_,
            [&](httplib::Stream& strm) {
                HeadLimitedStream limited(strm, budget_);
                return callback(limited);
            });
    }
    HeadBudget& budget_;
};

/// TLS: httplib's TLS stream cannot be wrapped, so OpenSSL's message callback counts
/// the records received after the handshake until the head is parsed, and shuts the
/// socket down (the read then fails) once they pass the limit. Records carry at most
/// 16 KiB and session tickets a little: allow that much on top.
void count_tls_record(int write_p, int /*version*/, int content_type, const void* buf, size_t len, SSL* ssl,
                      void* arg) {
    auto* budget = static_cast<HeadBudget*>(arg);
    if (write_p != 0 || content_type != SSL3_RT_HEADER || len < 5 || !SSL_is_init_finished(ssl) ||
        budget->head_done || budget->exceeded)
        return;
    const auto* header = static_cast<const unsigned char*>(buf);
    budget->bytes += (static_cast<size_t>(header[3]) << 8) | header[4];
    if (budget->bytes > kMaxHeaderBytes + 32 * 1024) {
        budget->exceeded = true;
        ::shutdown(SSL_get_fd(ssl), SHUT_RDWR);
    }
}

class HttplibClient final : public Client {
public:
    explicit HttplibClient(const ClientRequest& request) : request_(request) {
        const HttpTarget& target = request.target;
        if (target.https) {
            const TlsOptions& tls = request.tls;
            auto ssl = tls.cert_file.empty()
                           ? std::make_unique<httplib::SSLClient>(target.host, target.port)
                           : std::make_unique<httplib::SSLClient>(target.host, target.port, tls.cert_file,
                                                                  tls.key_file);
            ssl->enable_server_certificate_verification(!tls.insecure_skip_verify);
            if (!tls.ca_file.empty()) ssl->set_ca_cert_path(tls.ca_file);
            if (SSL_CTX* ctx = ssl->ssl_context()) {
                SSL_CTX_set_msg_callback(ctx, count_tls_record);
                SSL_CTX_set_msg_callback_arg(ctx, &budget_);
            }
            client_ = std::move(ssl);
        } else {
            client_ = std::make_unique<PlainClient>(target.host, target.port, budget_);
        }
        client_->set_connection_timeout(request.io_timeout);
        client_->set_read_timeout(request.io_timeout);
        client_->set_write_timeout(request.io_timeout);
        client_->set_keep_alive(false);
        client_->set_follow_location(false);
        // Bodies are not inflated: we ask for no encoding and read at most
        // kMaxBodyBytes of what comes, compressed or not.
        client_->set_decompress(false);
        // Keep our own handle on the socket, so that stop() can shut it down while
        // httplib holds its lock (during connect and the TLS handshake).
        client_->set_socket_options([this](socket_t sock) {
            std::lock_guard lock(socket_mutex_);
            if (socket_dup_ >= 0) ::close(socket_dup_);
            socket_dup_ = ::fcntl(sock, F_DUPFD_CLOEXEC, 0);
            if (stopped_ && socket_dup_ >= 0) ::shutdown(socket_dup_, SHUT_RDWR);
        });
        if (request.proxy) {
            client_->set_proxy(request.address.empty() ? request.proxy->host : request.address, request.proxy->port);
            if (!request.proxy->user.empty())
                client_->set_proxy_basic_auth(request.proxy->user, request.proxy->password);
        } else if (!request.address.empty()) {
            client_->set_hostname_addr_map({{target.host, request.address}});
        }
    }

    ~HttplibClient() override {
        if (socket_dup_ >= 0) ::close(socket_dup_);
    }

    ClientResponse send() override {
        httplib::Request req;
        req.method = request_.method;
        req.path = request_.target.path;
        for (const auto& [name, value] : request_.headers) req.headers.emplace(name, value);
        req.body = request_.body;
        req.response_handler = [this](const httplib::Response&) {
            budget_.head_done = true;
            return true;
        };
        // The body: read up to kMaxBodyBytes, then stop reading (httplib reports
        // Canceled, which is our success).
        bool truncated = false;
        size_t read = 0;
        req.content_receiver = [&](const char*, size_t len, uint64_t, uint64_t) {
            read += len;
            truncated = read > kMaxBodyBytes;
            return !truncated;
        };
        httplib::Response res;
        httplib::Error error = httplib::Error::Success;
        ClientResponse out;
        const bool ok = client_->send(req, res, error) || (error == httplib::Error::Canceled && truncated);
        if (!ok) {
            out.failure = budget_.exceeded ? ClientFailure::HeadersTooLarge : failure_of(error);
            if (out.failure == ClientFailure::Other) out.detail = httplib::to_string(error);
            if (out.failure == ClientFailure::TlsVerification) {
                const auto* ssl = dynamic_cast<const httplib::SSLClient*>(client_.get());
                const long verify = ssl ? ssl->get_openssl_verify_result() : X509_V_OK;
                if (verify != X509_V_OK) out.detail = X509_verify_cert_error_string(verify);
            }
            if (out.failure == ClientFailure::None) out.failure = ClientFailure::Other;
            return out;
        }
        out.status = res.status;
        out.body_truncated = truncated;
        if (res.has_header("Location")) out.location = res.get_header_value("Location");
        return out;
    }

    void stop() override {
        {
            std::lock_guard lock(socket_mutex_);
            stopped_ = true;
            if (socket_dup_ >= 0) ::shutdown(socket_dup_, SHUT_RDWR);
        }
        client_->stop();
    }

private:
    ClientRequest request_;
    HeadBudget budget_;
    std::mutex socket_mutex_;
    int socket_dup_ = -1;
    bool stopped_ = false;
    std::unique_ptr<httplib::ClientImpl> client_;
};

class HttplibServer final : public Server {
public:
    explicit HttplibServer(ServerHandler handler) : handler_(std::move(handler)) {
        auto route = [this](const httplib::Request& req, httplib::Response& res) {
            const ServerResponse out = handler_(ServerRequest{req.method, req.path, req.get_header_value("Authorization")});
            res.status = out.status;
            for (const auto& [name, value] : out.headers) res.set_header(name, value);
            res.set_content(out.body, out.content_type.c_str());
        };
        server_.Get(".*", route);
        server_.Post(".*", route);
    }

    int bind(const std::string& host, int port) override {
        if (port == 0) return server_.bind_to_any_port(host);
        return server_.bind_to_port(host, port) ? port : -1;
    }
    void listen() override { server_.listen_after_bind(); }
    void stop() override { server_.stop(); }

private:
    ServerHandler handler_;
    httplib::Server server_;
};

std::unique_ptr<Client> make_client(const ClientRequest& request) { return std::make_unique<HttplibClient>(request); }
std::unique_ptr<Server> make_server(ServerHandler handler) { return std::make_unique<HttplibServer>(std::move(handler)); }

const Backend kBackend{STASH_HOOK_VERSION, &make_client, &make_server};

}  // namespace
}  // namespace stash_hook::net

extern "C" __attribute__((visibility("default"))) const stash_hook::net::Backend* stash_hook_http_backend() {
    return &stash_hook::net::kBackend;
}

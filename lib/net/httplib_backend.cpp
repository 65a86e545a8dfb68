// The module stash-hook-http.so: net::Client and net::Server on cpp-httplib. Nothing
// else of stash-hook is linked in (it uses only header-inline types), so the program
// and the module share no state.

#include <fcntl.h>
#include <httplib.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>

#include "net/http_backend.hpp"

namespace stash_hook::net {
namespace {

ClientFailure failure_of(httplib::Error error) {
    switch (error) {
        case httplib::Error::Success:
            return ClientFailure::None;
        case httplib::Error::Connection:
            return ClientFailure::Connection;
        case httplib::Error::ConnectionTimeout:
            return ClientFailure::ConnectionTimeout;
        case httplib::Error::Read:
            return ClientFailure::Read;
        case httplib::Error::Write:
            return ClientFailure::Write;
        case httplib::Error::SSLConnection:
            return ClientFailure::TlsHandshake;
        case httplib::Error::SSLLoadingCerts:
            return ClientFailure::TlsLoadingCerts;
        case httplib::Error::SSLServerVerification:
            return ClientFailure::TlsVerification;
        default:
            return ClientFailure::Other;
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
    HeadLimitedStream(httplib::Stream& inner, HeadBudget& budget)
        : inner_(inner), budget_(budget) {}
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
    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        inner_.get_remote_ip_and_port(ip, port);
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        inner_.get_local_ip_and_port(ip, port);
    }
    socket_t socket() const override { return inner_.socket(); }

  private:
    httplib::Stream& inner_;
    HeadBudget& budget_;
};

/// Plain HTTP: every read goes through HeadLimitedStream. (process_socket is private
/// in httplib, but a private virtual may be overridden.)
class PlainClient final : public httplib::ClientImpl {
  public:
    PlainClient(const std::string& host, int port, HeadBudget& budget)
        : ClientImpl(host, port), budget_(budget) {}

  private:
    bool process_socket(const Socket& socket,
                        std::function<bool(httplib::Stream&)> callback) override {
        return httplib::detail::process_client_socket(
            socket.sock, read_timeout_sec_, read_timeout_usec_, write_timeout_sec_,
            write_timeout_usec_, [&](httplib::Stream& strm) {
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
void count_tls_record(int write_p, int /*version*/, int content_type, const void* buf, size_t len,
                      SSL* ssl, void* arg) {
    auto* budget = static_cast<HeadBudget*>(arg);
    if (write_p != 0 || content_type != SSL3_RT_HEADER || len < 5 || !SSL_is_init_finished(ssl) ||
        budget->head_done || budget->exceeded)
        return;
    const auto* header = static_cast<const unsigned char*>(buf);
    budget->bytes += (static_cast<size_t>(header[3]) << 8) | header[4];
    if (budget->bytes > kMaxHeaderBytes + size_t{32} * 1024) {
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
                           : std::make_unique<httplib::SSLClient>(target.host, target.port,
                                                                  tls.cert_file, tls.key_file);
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
            client_->set_proxy(request.address.empty() ? request.proxy->host : request.address,
                               request.proxy->port);
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
        if (!req.body.empty() && !req.has_header("Content-Type")) {
            // httplib calls a body text/plain unless a provider gives it: a request the
            // caller left without Content-Type (a Stash manifest's) is sent without one.
            req.content_length_ = req.body.size();
            req.content_provider_ = [this](size_t offset, size_t length, httplib::DataSink& sink) {
                return sink.write(request_.body.data() + offset,
                                  std::min(length, request_.body.size() - offset));
            };
            req.body.clear();
        }
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
        const bool ok =
            client_->send(req, res, error) || (error == httplib::Error::Canceled && truncated);
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

/// One thread per connection (the pool's few threads were all a handful of slow
/// clients needed to starve everyone else); shutdown() waits for them all.
class ThreadPerConnection final : public httplib::TaskQueue {
  public:
    void enqueue(std::function<void()> fn) override {
        std::lock_guard lock(mutex_);
        try {
            std::thread([this, task = fn]() mutable {
                task();
                task = nullptr;
                std::lock_guard done(mutex_);
                if (--running_ == 0) idle_.notify_all();
            }).detach();
            ++running_;
        } catch (const std::system_error&) {
            rejecting_ = true;  // no thread to spare: the connection is closed at once
            fn();
            rejecting_ = false;
        }
    }
    void shutdown() override {
        std::unique_lock lock(mutex_);
        idle_.wait(lock, [this] { return running_ == 0; });
    }
    static thread_local bool rejecting_;

  private:
    std::mutex mutex_;
    std::condition_variable idle_;
    int running_ = 0;
};
thread_local bool ThreadPerConnection::rejecting_ = false;

/// The open connections, oldest first, each with a duplicate of its socket so that
/// shutdown() on it can never hit a descriptor number reused after httplib closed it.
class Connections {
  public:
    struct Entry {
        int guard;
        bool sending_head;
    };
    using Slot = std::list<Entry>::iterator;

    /// Registers `sock`; when full, drops the oldest connection still sending its
    /// head. Empty when full of connections being answered.
    std::optional<Slot> enter(int sock) {
        std::lock_guard lock(mutex_);
        if (stopping_) return std::nullopt;
        if (static_cast<int>(open_.size()) >= kServerMaxConnections) {
            auto oldest = std::find_if(open_.begin(), open_.end(),
                                       [](const Entry& e) { return e.sending_head; });
            if (oldest == open_.end()) return std::nullopt;
            ::shutdown(oldest->guard, SHUT_RDWR);
            oldest->sending_head = false;
        }
        const int guard = fcntl(sock, F_DUPFD_CLOEXEC, 0);
        if (guard < 0) return std::nullopt;
        open_.push_back({guard, true});
        return std::prev(open_.end());
    }
    /// False when the connection was dropped meanwhile.
    bool head_received(Slot slot) {
        std::lock_guard lock(mutex_);
        const bool kept = slot->sending_head;
        slot->sending_head = false;
        return kept;
    }
    void leave(Slot slot) {
        std::lock_guard lock(mutex_);
        ::close(slot->guard);
        open_.erase(slot);
    }
    void stop_all() {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        for (const Entry& e : open_) ::shutdown(e.guard, SHUT_RDWR);
    }

  private:
    std::mutex mutex_;
    std::list<Entry> open_;
    bool stopping_ = false;
};

enum class Head { Complete, TooLarge, TooSlow, Closed };

/// Reads the request line and headers into `head` (with whatever of the body came
/// along) before httplib sees any of it, so that httplib (whose line reader grows
/// without bound) parses a head of at most kServerMaxHead that arrived within
/// kServerHeadSeconds. Each wait is a poll() on the socket until the deadline.
Head read_head(int sock, std::string& head) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(kServerHeadSeconds);
    head.clear();
    std::array<char, 4096> chunk{};
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return Head::TooSlow;
        pollfd p{sock, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno != EINTR) return Head::Closed;
        if (ready <= 0) continue;
        const size_t room = kServerMaxHead + 4 - head.size();
        const ssize_t got = ::recv(sock, chunk.data(), std::min(room, chunk.size()), MSG_DONTWAIT);
        if (got == 0) return Head::Closed;  // dropped, or the server stops (shutdown)
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
            return Head::Closed;
        }
        // Search only where the new bytes can complete the blank line.
        const size_t from = head.size() < 3 ? 0 : head.size() - 3;
        head.append(chunk.data(), static_cast<size_t>(got));
        if (head.find("\r\n\r\n", from) != std::string::npos) return Head::Complete;
        if (head.size() >= kServerMaxHead + 4) return Head::TooLarge;
    }
}

/// A connection's socket for httplib's request parser: first the head read_head()
/// took, then reads buffered, each read and write waiting at most kServerIoSeconds.
class SocketStream final : public httplib::Stream {
  public:
    SocketStream(int sock, std::string head) : sock_(sock), head_(std::move(head)) {}
    bool is_readable() const override {
        return head_begin_ < head_.size() || begin_ < end_ || wait(POLLIN);
    }
    bool is_writable() const override { return wait(POLLOUT); }
    ssize_t read(char* ptr, size_t size) override {
        if (head_begin_ < head_.size()) {
            const size_t n = std::min(size, head_.size() - head_begin_);
            std::copy_n(head_.data() + head_begin_, n, ptr);
            head_begin_ += n;
            return static_cast<ssize_t>(n);
        }
        if (begin_ == end_) {
            if (!wait(POLLIN)) return -1;
            const ssize_t got = ::recv(sock_, buffer_.data(), buffer_.size(), 0);
            if (got <= 0) return got;
            begin_ = 0;
            end_ = static_cast<size_t>(got);
        }
        const size_t n = std::min(size, end_ - begin_);
        std::copy_n(buffer_.data() + begin_, n, ptr);
        begin_ += n;
        return static_cast<ssize_t>(n);
    }
    ssize_t write(const char* ptr, size_t size) override {
        if (!is_writable()) return -1;
        return ::send(sock_, ptr, size, MSG_NOSIGNAL);
    }
    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        address(&getpeername, ip, port);
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        address(&getsockname, ip, port);
    }
    socket_t socket() const override { return sock_; }

  private:
    bool wait(short events) const {
        pollfd p{sock_, events, 0};
        int ready;
        do ready = ::poll(&p, 1, kServerIoSeconds * 1000);
        while (ready < 0 && errno == EINTR);
        return ready > 0;
    }
    void address(int (*get)(int, sockaddr*, socklen_t*), std::string& ip, int& port) const {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        char host[NI_MAXHOST] = "";
        char service[NI_MAXSERV] = "0";
        if (get(sock_, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
            getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, service,
                        sizeof service, NI_NUMERICHOST | NI_NUMERICSERV);
        ip = host;
        port = std::atoi(service);
    }

    int sock_;
    std::string head_;
    size_t head_begin_ = 0;
    std::array<char, 4096> buffer_{};
    size_t begin_ = 0;
    size_t end_ = 0;
};

/// httplib's server, with each accepted socket made close-on-exec, registered, and
/// held until its head has arrived whole before httplib parses it (one request per
/// connection).
class BoundedServer final : public httplib::Server {
  public:
    Connections connections;

  private:
    bool process_and_close_socket(socket_t sock) override {
        fcntl(sock, F_SETFD, FD_CLOEXEC);
        const auto slot = ThreadPerConnection::rejecting_ ? std::nullopt : connections.enter(sock);
        bool served = false;
        if (slot) {
            std::string received;
            const Head head = read_head(sock, received);
            if (head == Head::Complete && connections.head_received(*slot)) {
                SocketStream stream(sock, std::move(received));
                bool closed = false;
                served = process_request(stream, /*close_connection=*/true, closed, nullptr);
            }
            if (head == Head::TooLarge) refuse(sock, "431 Request Header Fields Too Large");
            if (head == Head::TooSlow) refuse(sock, "408 Request Timeout");
        }
        ::shutdown(sock, SHUT_RDWR);
        ::close(sock);
        if (slot) connections.leave(*slot);
        return served;
    }

    static void refuse(int sock, const std::string& status) {
        const std::string text =
            "HTTP/1.1 " + status + "\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        [[maybe_unused]] const ssize_t sent =
            ::send(sock, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
};

class HttplibServer final : public Server {
  public:
    explicit HttplibServer(ServerHandler handler) : handler_(std::move(handler)) {
        server_.new_task_queue = [] { return new ThreadPerConnection; };
        server_.set_socket_options([this](socket_t sock) {
            listening_ = sock;
            fcntl(sock, F_SETFD, FD_CLOEXEC);
            int yes =
                1;  // not SO_REUSEPORT (httplib's default): a second daemon must not share the port
            setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        });
        server_.set_keep_alive_max_count(1);
        server_.set_read_timeout(kServerIoSeconds, 0);
        server_.set_write_timeout(kServerIoSeconds, 0);
        server_.set_payload_max_length(kServerMaxBody);
        // The handler answers on the head alone; httplib would otherwise read a POST's
        // body (of any size, or until the peer closes) before routing it.
        server_.set_pre_routing_handler(
            [this](const httplib::Request& req, httplib::Response& res) {
                if (res.status != -1)
                    return Handled::Unhandled;  // answered at "Expect: 100-continue"
                return answer(req, res);
            });
        server_.set_expect_100_continue_handler(
            [this](const httplib::Request& req, httplib::Response& res) {
                return answer(req, res) == Handled::Handled ? res.status : 100;
            });
        // Reached only to read a small body after a successful answer: it stands.
        auto keep_answer = [](const httplib::Request&, httplib::Response&) {};
        server_.Get(".*", keep_answer);
        server_.Post(".*", keep_answer);
    }

    int bind(const std::string& host, int port) override {
        const int bound = port == 0                          ? server_.bind_to_any_port(host)
                          : server_.bind_to_port(host, port) ? port
                                                             : -1;
        // httplib listens with a backlog of 5: a burst of connections would wait a
        // second each for a SYN retry. listen() again only changes the backlog.
        if (bound >= 0 && listening_ >= 0) {
            ::listen(listening_, SOMAXCONN);
            listen_handle_ = ::fcntl(listening_, F_DUPFD_CLOEXEC, 0);
        }
        return bound;
    }
    ~HttplibServer() override {
        if (listen_handle_ >= 0) ::close(listen_handle_);
    }
    HttplibServer(const HttplibServer&) = delete;
    HttplibServer& operator=(const HttplibServer&) = delete;

    void listen() override { server_.listen_after_bind(); }
    void stop() override {
        // httplib's stop() does nothing until its listen loop has begun, and a signal can
        // come first (serve stopped right after it wrote its port file): shutting the
        // socket down through our own handle ends a blocked accept(), and makes one still
        // to come fail at once, so listen() returns either way.
        if (listen_handle_ >= 0) ::shutdown(listen_handle_, SHUT_RDWR);
        server_.stop();
        server_.connections.stop_all();
    }

  private:
    using Handled = httplib::Server::HandlerResponse;

    /// Handled: the answer goes out without the body being read. Unhandled: httplib
    /// reads the (small) body first, and the answer in `res` stands.
    Handled answer(const httplib::Request& req, httplib::Response& res) {
        const bool chunked = req.has_header("Transfer-Encoding");
        const std::string length_text = req.get_header_value("Content-Length");
        uint64_t length = 0;
        const char* end = length_text.data() + length_text.size();
        const auto parsed = std::from_chars(length_text.data(), end, length);
        const bool length_ok =
            length_text.empty() || (parsed.ec == std::errc{} && parsed.ptr == end);
        const bool has_body = chunked || !length_ok || length > 0;
        const bool over_limit = chunked || !length_ok || length > kServerMaxBody;
        const ServerResponse out = handler_(
            ServerRequest{req.method, req.path, req.get_header_value("Authorization"), over_limit});
        res.status = out.status;
        for (const auto& [name, value] : out.headers) res.set_header(name, value);
        res.set_content(out.body, out.content_type.c_str());
        // Otherwise the body stays unread: the answer says "Connection: close", as
        // every answer does (one request per connection).
        return has_body && !over_limit && out.status < 300 ? Handled::Unhandled : Handled::Handled;
    }

    ServerHandler handler_;
    int listening_ = -1;      // the listening socket, as httplib created it
    int listen_handle_ = -1;  // our own descriptor of it, for stop(); closed with us
    BoundedServer server_;
};

std::unique_ptr<Client> make_client(const ClientRequest& request) {
    return std::make_unique<HttplibClient>(request);
}
std::unique_ptr<Server> make_server(ServerHandler handler) {
    return std::make_unique<HttplibServer>(std::move(handler));
}

const Backend kBackend{STASH_HOOK_VERSION, &make_client, &make_server};

}  // namespace
}  // namespace stash_hook::net

extern "C" __attribute__((visibility("default"))) const stash_hook::net::Backend*
stash_hook_http_backend() {
    return &stash_hook::net::kBackend;
}

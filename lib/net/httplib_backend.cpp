// The module stash-hook-http.so: net::Client and net::Server on cpp-httplib. Nothing
// else of stash-hook is linked in (it uses only header-inline types), so the program
// and the module share no state.

#include <httplib.h>

#include <memory>

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
            client_ = std::move(ssl);
        } else {
            client_ = std::make_unique<httplib::ClientImpl>(target.host, target.port);
        }
        client_->set_connection_timeout(request.io_timeout);
        client_->set_read_timeout(request.io_timeout);
        client_->set_write_timeout(request.io_timeout);
        client_->set_keep_alive(false);
        client_->set_follow_location(false);
        if (request.proxy) {
            client_->set_proxy(request.proxy->host, request.proxy->port);
            if (!request.proxy->user.empty())
                client_->set_proxy_basic_auth(request.proxy->user, request.proxy->password);
        }
    }

    ClientResponse send() override {
        httplib::Request req;
        req.method = request_.method;
        req.path = request_.target.path;
        for (const auto& [name, value] : request_.headers) req.headers.emplace(name, value);
        req.body = request_.body;
        httplib::Response res;
        httplib::Error error = httplib::Error::Success;
        ClientResponse out;
        if (!client_->send(req, res, error)) {
            out.failure = failure_of(error);
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
        if (res.has_header("Location")) out.location = res.get_header_value("Location");
        return out;
    }

    void stop() override { client_->stop(); }

private:
    ClientRequest request_;
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

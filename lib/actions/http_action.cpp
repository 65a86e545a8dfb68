// httpGet and httpPost: CONTRACT section 3. Redirects are followed here, not by
// httplib, because only same-host redirects may be followed.

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

#include "actions/action.hpp"
#include "actions/http_request.hpp"
#include "process/interrupts.hpp"
#include "process/subprocess.hpp"

namespace stash_hook {
namespace {

constexpr int kMaxRedirects = 10;

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string describe(httplib::Error error, const HttpTarget& target, const httplib::ClientImpl& client,
                     Duration timeout) {
    const std::string where = target.authority();
    switch (error) {
        case httplib::Error::Connection:
            return "failed to connect to " + where;
        case httplib::Error::ConnectionTimeout:
            return "timed out connecting to " + where + " after " + format_duration(timeout);
        case httplib::Error::Read:
            return "failed to read the response from " + where + " (closed, reset or timed out)";
        case httplib::Error::Write:
            return "failed to send the request to " + where;
        case httplib::Error::SSLConnection:
            return "TLS handshake with " + where + " failed";
        case httplib::Error::SSLLoadingCerts:
            return "failed to load TLS certificates (check tls.caFile, certFile, keyFile)";
        case httplib::Error::SSLServerVerification: {
            const auto* ssl = dynamic_cast<const httplib::SSLClient*>(&client);
            const long verify = ssl ? ssl->get_openssl_verify_result() : X509_V_OK;
            std::string why = verify != X509_V_OK ? X509_verify_cert_error_string(verify)
                                                  : "certificate does not match host " + target.host;
            return "TLS certificate of " + where + " not trusted: " + why +
                   " (use tls.caFile, or tls.insecureSkipVerify)";
        }
        default:
            return "request to " + where + " failed: " + httplib::to_string(error);
    }
}

std::unique_ptr<httplib::ClientImpl> make_client(const HttpTarget& target, const TlsOptions& tls,
                                                 Duration timeout) {
    std::unique_ptr<httplib::ClientImpl> client;
    if (target.https) {
        auto ssl = tls.cert_file.empty()
                       ? std::make_unique<httplib::SSLClient>(target.host, target.port)
                       : std::make_unique<httplib::SSLClient>(target.host, target.port,
                                                              tls.cert_file, tls.key_file);
        ssl->enable_server_certificate_verification(!tls.insecure_skip_verify);
        if (!tls.ca_file.empty()) ssl->set_ca_cert_path(tls.ca_file);
        client = std::move(ssl);
    } else {
        client = std::make_unique<httplib::ClientImpl>(target.host, target.port);
    }
    client->set_connection_timeout(timeout);
    client->set_read_timeout(timeout);
    client->set_write_timeout(timeout);
    client->set_keep_alive(false);
    client->set_follow_location(false);
    if (auto proxy = proxy_from_environment(target)) {
        client->set_proxy(proxy->host, proxy->port);
        if (!proxy->user.empty()) client->set_proxy_basic_auth(proxy->user, proxy->password);
    }
    return client;
}

/// Sends `request` on a helper thread and stops the client when `deadline` passes, so
/// that the hook's timeout bounds the whole exchange (httplib's own timeouts apply to
/// each connect, read and write, and a server that drips bytes would reset them).
/// Returns false with `timed_out` set when the deadline cut it short.
bool send_within(httplib::ClientImpl& client, httplib::Request& request, httplib::Response& response,
                 httplib::Error& error, std::chrono::steady_clock::time_point deadline, int interrupts_seen,
                 bool& timed_out, int& interrupted_by) {
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    bool ok = false;
    std::thread worker([&] {
        const bool sent = client.send(request, response, error);
        std::lock_guard lock(mutex);
        ok = sent;
        done = true;
        done_cv.notify_one();
    });
    std::unique_lock lock(mutex);
    auto interrupted = [&] { return interrupts_seen >= 0 && interrupts::count() > interrupts_seen; };
    // Wake now and then to notice signals (they arrive on another thread).
    while (!done && !interrupted() && std::chrono::steady_clock::now() < deadline)
        done_cv.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)),
                           [&] { return done; });
    if (!done) {
        if (interrupted())
            interrupted_by = interrupts::last_signal();
        else
            timed_out = true;
        // stop() only reaches a socket that is open; retry until the request gives up.
        while (!done_cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return done; })) {
            lock.unlock();
            client.stop();
            lock.lock();
        }
    }
    lock.unlock();
    worker.join();
    return ok && !timed_out && interrupted_by == 0;
}

}  // namespace

ActionOutcome run_http_action(const HttpAction& http, const ActionContext& context) {
    ActionOutcome outcome;
    HttpTarget target{http.scheme == "HTTPS", http.host, http.port, http.path};
    httplib::Request request;
    request.method = http.post ? "POST" : "GET";
    bool has_content_type = false;
    for (const auto& h : http.headers) {
        request.headers.emplace(h.name, h.value);
        has_content_type = has_content_type || lower(h.name) == "content-type";
    }
    if (http.post) {
        if (!http.form.empty()) {
            request.body = encode_form(http.form);
            if (!has_content_type)
                request.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
        } else {
            request.body = http.body;
            if (!has_content_type)
                request.headers.emplace("Content-Type", nlohmann::json::accept(http.body)
                                                            ? "application/json"
                                                            : "text/plain");
        }
    }

    const auto deadline = std::chrono::steady_clock::now() + context.timeout;
    for (int hop = 0;; ++hop) {
        // httplib's own timeouts get a margin, so the hook's deadline (send_within) is
        // what ends a slow exchange, and says so.
        const auto left = std::max<Duration>(deadline - std::chrono::steady_clock::now(), Duration{1});
        auto client = make_client(target, http.tls, left + std::chrono::seconds(1));
        request.path = target.path;
        httplib::Response response;
        httplib::Error error = httplib::Error::Success;
        httplib::Request attempt = request;  // send() adds headers of its own
        bool timed_out = false;
        int interrupted_by = 0;
        if (!send_within(*client, attempt, response, error, deadline, context.interrupts_seen, timed_out,
                         interrupted_by)) {
            outcome.error = interrupted_by ? "interrupted by " + signal_name(interrupted_by)
                            : timed_out    ? "timed out after " + format_duration(context.timeout) +
                                              " waiting for " + target.authority()
                                           : describe(error, target, *client, context.timeout);
            return outcome;
        }
        outcome.status_code = response.status;
        const bool redirect = response.status >= 300 && response.status < 400 &&
                              response.has_header("Location");
        if (redirect) {
            auto next = resolve_location(target, response.get_header_value("Location"));
            if (next && lower(next->host) == lower(target.host)) {
                if (hop + 1 > kMaxRedirects) {
                    outcome.error = "stopped after " + std::to_string(kMaxRedirects) + " redirects";
                    return outcome;
                }
                const bool keep_method = response.status == 307 || response.status == 308;
                if (!keep_method && request.method == "POST") {
                    request.method = "GET";
                    request.body.clear();
                    request.headers.erase("Content-Type");
                }
                target = *next;
                continue;
            }
            // Another host (or an unparsable Location): not followed, and a 3xx is success.
        }
        if (response.status >= 200 && response.status < 400) {
            outcome.succeeded = true;
        } else {
            outcome.error = "HTTP status " + std::to_string(response.status);
        }
        return outcome;
    }
}

}  // namespace stash_hook

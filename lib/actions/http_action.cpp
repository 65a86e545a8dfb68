// httpGet and httpPost: CONTRACT section 3. Redirects are followed here, not by
// the client, because only same-host redirects may be followed. The network part is
// net::Client (the HTTP module, loaded on first use).

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

#include "actions/action.hpp"
#include "actions/http_request.hpp"
#include "net/http_backend.hpp"
#include "process/interrupts.hpp"
#include "process/subprocess.hpp"
#include "util/error.hpp"

namespace stash_hook {
namespace {

constexpr int kMaxRedirects = 10;

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string describe(const net::ClientResponse& response, const HttpTarget& target, Duration timeout) {
    const std::string where = target.authority();
    switch (response.failure) {
        case net::ClientFailure::Connection:
            return "failed to connect to " + where;
        case net::ClientFailure::ConnectionTimeout:
            return "timed out connecting to " + where + " after " + format_duration(timeout);
        case net::ClientFailure::Read:
            return "failed to read the response from " + where + " (closed, reset or timed out)";
        case net::ClientFailure::Write:
            return "failed to send the request to " + where;
        case net::ClientFailure::TlsHandshake:
            return "TLS handshake with " + where + " failed";
        case net::ClientFailure::TlsLoadingCerts:
            return "failed to load TLS certificates (check tls.caFile, certFile, keyFile)";
        case net::ClientFailure::TlsVerification: {
            const std::string why =
                response.detail.empty() ? "certificate does not match host " + target.host : response.detail;
            return "TLS certificate of " + where + " not trusted: " + why +
                   " (use tls.caFile, or tls.insecureSkipVerify)";
        }
        default:
            return "request to " + where + " failed: " + response.detail;
    }
}

/// Sends `request` on a helper thread and stops the client when `deadline` passes, so
/// that the hook's timeout bounds the whole exchange (httplib's own timeouts apply to
/// each connect, read and write, and a server that drips bytes would reset them).
/// Returns false with `timed_out` set when the deadline cut it short.
bool send_within(net::Client& client, net::ClientResponse& response, std::chrono::steady_clock::time_point deadline,
                 int interrupts_seen, bool& timed_out, int& interrupted_by) {
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    bool ok = false;
    std::thread worker([&] {
        net::ClientResponse got = client.send();
        std::lock_guard lock(mutex);
        ok = got.failure == net::ClientFailure::None;
        response = std::move(got);
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
    const net::Backend* backend = nullptr;
    try {
        backend = &net::http_backend();
    } catch (const Error& e) {
        outcome.error = e.what();
        return outcome;
    }
    HttpTarget target{http.scheme == "HTTPS", http.host, http.port, http.path};
    net::ClientRequest request;
    request.method = http.post ? "POST" : "GET";
    request.tls = http.tls;
    bool has_content_type = false;
    for (const auto& h : http.headers) {
        request.headers.emplace_back(h.name, h.value);
        has_content_type = has_content_type || lower(h.name) == "content-type";
    }
    if (http.post) {
        if (!http.form.empty()) {
            request.body = encode_form(http.form);
            if (!has_content_type) request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
        } else {
            request.body = http.body;
            if (!has_content_type)
                request.headers.emplace_back("Content-Type",
                                             nlohmann::json::accept(http.body) ? "application/json" : "text/plain");
        }
    }

    const auto deadline = deadline_after(std::chrono::steady_clock::now(), context.timeout);
    for (int hop = 0;; ++hop) {
        // The client's own timeouts get a margin, so the hook's deadline (send_within)
        // is what ends a slow exchange, and says so.
        const auto left = std::max<Duration>(deadline - std::chrono::steady_clock::now(), Duration{1});
        request.target = target;
        request.proxy = proxy_from_environment(target);
        request.io_timeout = left + std::chrono::seconds(1);
        auto client = backend->make_client(request);
        net::ClientResponse response;
        bool timed_out = false;
        int interrupted_by = 0;
        if (!send_within(*client, response, deadline, context.interrupts_seen, timed_out, interrupted_by)) {
            outcome.error = interrupted_by ? "interrupted by " + signal_name(interrupted_by)
                            : timed_out    ? "timed out after " + format_duration(context.timeout) +
                                              " waiting for " + target.authority()
                                           : describe(response, target, context.timeout);
            return outcome;
        }
        outcome.status_code = response.status;
        const bool redirect = response.status >= 300 && response.status < 400 && response.location;
        if (redirect) {
            auto next = resolve_location(target, *response.location);
            if (next && lower(next->host) == lower(target.host)) {
                if (hop + 1 > kMaxRedirects) {
                    outcome.error = "stopped after " + std::to_string(kMaxRedirects) + " redirects";
                    return outcome;
                }
                const bool keep_method = response.status == 307 || response.status == 308;
                if (!keep_method && request.method == "POST") {
                    request.method = "GET";
                    request.body.clear();
                    std::erase_if(request.headers, [](const auto& h) { return lower(h.first) == "content-type"; });
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

// httpGet and httpPost (man page, HTTP HOOKS). Redirects are followed here, not by
// the client, because only same-origin redirects may be followed. Names are resolved
// here too, by resolve_within (actions/resolve.hpp), bounded by the deadline and
// signals. The network part is net::Client (the HTTP module, loaded on first use).

#include <poll.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "actions/action.hpp"
#include "actions/resolve.hpp"
#include "net/http_backend.hpp"
#include "net/http_request.hpp"
#include "process/interrupts.hpp"
#include "process/subprocess.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace stash_hook {
namespace {

constexpr int kMaxRedirects = 10;

std::string describe(const net::ClientResponse& response, const HttpTarget& target,
                     Duration timeout) {
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
        case net::ClientFailure::HeadersTooLarge:
            return "failed to read the response from " + where + ": its headers exceed " +
                   std::to_string(net::kMaxHeaderBytes / 1024) + " KiB or " +
                   std::to_string(net::kMaxHeaderFields) + " lines";
        case net::ClientFailure::TlsLoadingCerts:
            return "failed to load TLS certificates (check tls.caFile, certFile, keyFile)";
        case net::ClientFailure::TlsVerification: {
            const std::string why = response.detail.empty()
                                        ? "certificate does not match host " + target.host
                                        : response.detail;
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
bool send_within(net::Client& client, net::ClientResponse& response,
                 std::chrono::steady_clock::time_point deadline, int interrupts_seen,
                 bool& timed_out, int& interrupted_by) {
    DoneSignal done;
    bool ok = false;
    std::thread worker([&] {
        // OpenSSL writes with write(2): a close_notify on a socket that stop() shut
        // down would raise SIGPIPE. Blocked here, it stays pending on this thread and
        // is discarded when the thread ends.
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
        net::ClientResponse got = client.send();
        ok = got.failure == net::ClientFailure::None;
        response = std::move(got);
        done.set();  // after the writes: the eventfd's write and read order them
    });
    wait_within(done, deadline, interrupts_seen, timed_out, interrupted_by);
    if (timed_out || interrupted_by != 0) {
        // stop() only reaches a socket that is open; retry until the request gives up.
        pollfd p{done.fd(), POLLIN, 0};
        do client.stop();
        while (::poll(&p, 1, 20) == 0);
    }
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
    bool has_content_type = false, has_user_agent = false;
    for (const auto& h : http.headers) {
        if (auto valid = check_header(h.name, h.value); !valid) {
            outcome.error =
                "failed to send the request to " + target.authority() + ": " + valid.error();
            return outcome;
        }
        request.headers.emplace_back(h.name, h.value);
        has_content_type = has_content_type || ascii_lower(h.name) == "content-type";
        has_user_agent = has_user_agent || ascii_lower(h.name) == "user-agent";
    }
    if (!has_user_agent)
        request.headers.emplace_back("User-Agent", "stash-hook/" STASH_HOOK_VERSION);
    has_content_type = has_content_type || context.stash_headers;
    if (http.post) {
        if (!http.form.empty()) {
            request.body = encode_form(http.form);
            if (!has_content_type)
                request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
        } else {
            request.body = http.body;
            if (!has_content_type)
                request.headers.emplace_back("Content-Type", nlohmann::json::accept(http.body)
                                                                 ? "application/json"
                                                                 : "text/plain");
        }
    }

    const auto deadline = deadline_after(std::chrono::steady_clock::now(), context.timeout);
    for (int hop = 0;; ++hop) {
        // The client's own timeouts get a margin, so the hook's deadline (send_within)
        // is what ends a slow exchange, and says so.
        const auto left =
            std::max<Duration>(deadline - std::chrono::steady_clock::now(), Duration{1});
        request.target = target;
        request.proxy = proxy_from_environment(target);
        request.io_timeout = left + std::chrono::seconds(1);
        bool timed_out = false;
        int interrupted_by = 0;
        auto stopped = [&](const std::string& waiting_for) {
            return interrupted_by
                       ? "interrupted by " + signal_name(interrupted_by)
                       : "timed out after " + format_duration(context.timeout) + " " + waiting_for;
        };
        const std::string& name = request.proxy ? request.proxy->host : target.host;
        auto addresses =
            resolve_within(name, deadline, context.interrupts_seen, timed_out, interrupted_by);
        if (!addresses) {
            outcome.error = timed_out || interrupted_by
                                ? stopped("resolving " + name)
                                : "failed to resolve " + name + ": " + addresses.error();
            return outcome;
        }
        // Each address in turn, as long as connecting is refused (as getaddrinfo's
        // order and httplib's own loop would have it).
        net::ClientResponse response;
        bool sent = false;
        for (size_t i = 0; i < addresses->size(); ++i) {
            request.address = (*addresses)[i];
            auto client = backend->make_client(request);
            response = {};
            sent = send_within(*client, response, deadline, context.interrupts_seen, timed_out,
                               interrupted_by);
            if (sent || timed_out || interrupted_by ||
                response.failure != net::ClientFailure::Connection)
                break;
        }
        if (!sent) {
            outcome.error = timed_out || interrupted_by
                                ? stopped("waiting for " + target.authority())
                                : describe(response, target, context.timeout);
            return outcome;
        }
        outcome.status_code = response.status;
        const bool redirect = response.status >= 300 && response.status < 400 && response.location;
        if (redirect && !response.location->empty()) {
            auto next = resolve_location(target, *response.location);
            if (!next) {
                outcome.error = "failed to follow the redirect from " + target.authority() + ": " +
                                next.error();
                return outcome;
            }
            // Only to the same scheme, host and port: credentials and the body are never
            // sent to another origin, nor in clear after HTTPS.
            if (same_origin(*next, target)) {
                if (hop + 1 > kMaxRedirects) {
                    outcome.error = "stopped after " + std::to_string(kMaxRedirects) + " redirects";
                    return outcome;
                }
                const bool keep_method = response.status == 307 || response.status == 308;
                if (!keep_method && request.method == "POST") {
                    request.method = "GET";
                    request.body.clear();
                    std::erase_if(request.headers, [](const auto& h) {
                        return ascii_lower(h.first) == "content-type";
                    });
                }
                target = *next;
                continue;
            }
            // Another origin: not followed, and a 3xx is success.
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

#include "serve/daemon.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "command/command.hpp"
#include "host/host_defaults.hpp"
#include "host/sd_notify.hpp"
#include "net/http_backend.hpp"
#include "process/interrupts.hpp"
#include "process/orphans.hpp"
#include "process/subprocess.hpp"
#include "schedule/cron.hpp"
#include "session/metrics_writer.hpp"
#include "session/session.hpp"
#include "session/status_writer.hpp"
#include "spec/spec_loader.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/prometheus.hpp"
#include "util/secrets.hpp"

namespace stash_hook {
namespace {

using SystemClock = std::chrono::system_clock;
constexpr auto kTick = std::chrono::milliseconds(100);
constexpr size_t kKeptSessions = 50;

/// The address `host` resolves to, numeric, and whether it is a loopback one. The
/// daemon binds exactly this address, so the decision is about what it binds, not
/// about how --listen spells it (0x7f000001 is loopback; a name for 0.0.0.0 is not).
struct ListenAddress {
    std::string numeric;
    bool loopback = false;
};

ListenAddress resolve_listen_host(const std::string& host, const std::string& listen) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* found = nullptr;
    if (const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0 || !found)
        throw Error("failed to resolve --listen " + listen + ": " + gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(found, &freeaddrinfo);
    ListenAddress out;
    char numeric[NI_MAXHOST] = "";
    if (getnameinfo(found->ai_addr, found->ai_addrlen, numeric, sizeof numeric, nullptr, 0,
                    NI_NUMERICHOST) != 0)
        throw Error("failed to resolve --listen " + listen + ": no numeric address");
    out.numeric = numeric;
    if (found->ai_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(found->ai_addr);
        out.loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    } else if (found->ai_family == AF_INET6) {
        const in6_addr& v6 = reinterpret_cast<const sockaddr_in6*>(found->ai_addr)->sin6_addr;
        out.loopback =
            IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
    }
    return out;
}

/// HOST:PORT, [IPv6]:PORT.
std::pair<std::string, int> split_listen(const std::string& listen) {
    const size_t colon = listen.rfind(':');
    if (colon == std::string::npos)
        throw Error("--listen must be HOST:PORT, not \"" + listen + "\"");
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    int port = -1;
    try {
        port = std::stoi(listen.substr(colon + 1));
    } catch (...) {
    }
    if (host.empty() || port < 0 || port > 65535)
        throw Error("--listen must be HOST:PORT, not \"" + listen + "\"");
    return {host, port};
}

/// Loads and checks a spec for the daemon: it must be runnable as it stands.
std::shared_ptr<const Spec> load_for_serve(const ServeOptions& options) {
    Overrides overrides;
    overrides.command = options.command;
    overrides.container_runtime = container_runtime_from_string(options.container_runtime);
    overrides.pod = options.pod;
    overrides.selector = options.selector;
    overrides.ns = options.ns;
    return std::make_shared<const Spec>(load_runnable_spec(options.spec_path, overrides));
}

class Daemon {
  public:
    Daemon(const ServeOptions& options, std::shared_ptr<const Spec> spec)
        : options_(options), spec_(std::move(spec)) {
        clock_start_ = SystemClock::now();
        notifier_.read_environment();  // before any session: their processes must not inherit it
        schedule_from_spec();
    }

    int run() {
        const auto [host, port] = split_listen(options_.listen);
        const ListenAddress address = resolve_listen_host(host, options_.listen);
        const std::string token = options_.token;
        if (!address.loopback && token.empty())
            throw Error("--listen " + options_.listen +
                        " is not loopback: give --token or STASH_HOOK_TOKEN, "
                        "which every request but /healthz must carry as a bearer token");
        server_ = net::http_backend().make_server([this, token](const net::ServerRequest& req) {
            try {
                return respond(req, token);
            } catch (const std::exception& e) {
                spdlog::error("serve: {} {}: {}", req.method, req.path, e.what());
                return json_response(500, nlohmann::json{{"error", secrets::redact(e.what())}});
            }
        });
        const int bound = server_->bind(address.numeric, port);
        if (bound < 0)
            throw Error("failed to listen on " + options_.listen +
                        ": the address is in use or not ours");
        std::thread http([this] { server_->listen(); });
        if (!options_.port_file.empty()) std::ofstream(options_.port_file) << bound << "\n";
        spdlog::info("serving on {}:{} (spec {}{})", host, bound, spec()->path,
                     schedule_ ? ", schedule \"" + schedule_->text() + "\""
                               : ", no schedule: on demand only");
        notifier_.notify("READY=1\nSTATUS=serving on " + host + ":" + std::to_string(bound) +
                         ", no session yet");

        interrupts::Watch signals(0, /*hangups=*/true);
        while (true) {
            if (signals.fired()) break;
            if (signals.hung_up()) reload();
            tick_schedule();
            notifier_.watchdog(std::chrono::steady_clock::now());
            signals.wait(-1, 0, std::chrono::steady_clock::now() + kTick);
            if (options_.fake_clock_step.count() > 0) {
                std::lock_guard lock(mutex_);
                fake_offset_ +=
                    std::chrono::duration_cast<SystemClock::duration>(options_.fake_clock_step);
            }
        }
        spdlog::info("{} received: {}", signal_name(interrupts::first_signal()),
                     running() ? "letting the running session finish its post hooks" : "stopping");
        notifier_.notify("STOPPING=1");
        join_worker();
        server_->stop();
        http.join();
        spdlog::info("stopped");
        return 0;
    }

  private:
    ServeOptions options_;
    SystemdNotifier notifier_;  // sd_notify when run as a Type=notify unit
    std::unique_ptr<net::Server> server_;
    std::mutex mutex_;
    std::shared_ptr<const Spec> spec_;
    std::optional<CronSchedule> schedule_;
    SystemClock::time_point next_due_{};
    SystemClock::time_point clock_start_{};
    SystemClock::duration fake_offset_{0};
    bool running_ = false;
    std::thread worker_;
    std::deque<std::pair<std::string, std::string>> sessions_;  // name -> status JSON, newest last
    std::map<std::string, int> sessions_by_phase_;
    std::optional<SystemClock::time_point> last_success_;
    std::optional<SessionResult> last_result_;

    std::shared_ptr<const Spec> spec() {
        std::lock_guard lock(mutex_);
        return spec_;
    }
    bool running() {
        std::lock_guard lock(mutex_);
        return running_;
    }

    /// The daemon's idea of now: the real clock, or the test's fast one.
    SystemClock::time_point now_locked() const {
        return options_.fake_clock_step.count() > 0 ? clock_start_ + fake_offset_
                                                    : SystemClock::now();
    }

    void schedule_from_spec() {
        schedule_.reset();
        if (spec_->schedule.empty()) return;
        if (spec_->paused) {  // a Stash manifest's spec.paused: on demand only
            spdlog::info("schedule \"{}\" is paused (spec.paused): sessions on demand only",
                         spec_->schedule);
            return;
        }
        schedule_ = CronSchedule::parse(spec_->schedule, spec_->time_zone).value();
        next_due_ = schedule_->next_after(now_locked());
        log_next_due_locked();
    }

    void log_next_due_locked() const {
        if (schedule_)
            spdlog::info("next scheduled session: {} ({})", schedule_->format(next_due_),
                         schedule_->zone().name());
    }

    void reload() {
        try {
            auto fresh = load_for_serve(options_);
            std::lock_guard lock(mutex_);
            spec_ = std::move(fresh);
            schedule_from_spec();
            spdlog::info("SIGHUP: reloaded {}", spec_->path);
        } catch (const Error& e) {
            spdlog::error("SIGHUP: the spec does not load; keeping the current one:");
            std::istringstream lines(e.what());
            for (std::string line; std::getline(lines, line);) spdlog::error("  {}", line);
        }
    }

    /// Missed runs (a sleeping host, a long session) are not stacked up: one run,
    /// then the next due time after now.
    void tick_schedule() {
        std::unique_lock lock(mutex_);
        if (!schedule_) return;
        const auto now = now_locked();
        if (now < next_due_) return;
        next_due_ = schedule_->next_after(now);
        if (running_) {
            spdlog::warn("scheduled session skipped: one is still running");
            return;
        }
        start_locked("schedule", lock);
    }

    /// Starts a session on the worker thread. Returns its name.
    std::string start_locked(const std::string& why, std::unique_lock<std::mutex>& lock) {
        const std::shared_ptr<const Spec> spec = spec_;
        std::string name = make_session_name(spec->name, SystemClock::now());
        running_ = true;
        sessions_.emplace_back(name, nlohmann::ordered_json{{"apiVersion", "stash-hook/v1"},
                                                            {"name", name},
                                                            {"phase", "Running"}}
                                         .dump(2));
        if (sessions_.size() > kKeptSessions) sessions_.pop_front();
        lock.unlock();
        join_worker();  // the previous one has finished: running_ was false
        worker_ = std::thread([this, spec, name, why] {
            spdlog::info("session {} starting ({})", name, why);
            // This thread's niceness and I/O class, inherited by the session's threads and
            // processes; the daemon's other threads keep theirs (man page, SERVE).
            apply_run_priority(*spec);
            notifier_.notify("STATUS=session " + name + " running (" + why + ")");
            SessionOptions session_options;
            session_options.session_name = name;
            session_options.take_terminal = false;
            SessionResult result = run_session(*spec, session_options);
            // As `run` does at exit: what the session daemonised (and its zombies) goes
            // now, not at some later session or when the daemon stops.
            if (const int stray = orphans::kill_all_children(); stray > 0)
                spdlog::warn("session {}: killed {} leftover process{} started during the session",
                             name, stray, stray == 1 ? "" : "es");
            const std::string status = status_document(result);  // redacted, as the status file
            spdlog::log(result.phase != Phase::Failed && result.exit_code == 0 ? spdlog::level::info
                                                                               : spdlog::level::err,
                        "{}", session_summary(result));
            std::lock_guard guard(mutex_);
            for (auto& [n, s] : sessions_)
                if (n == name) s = status;
            ++sessions_by_phase_[to_string(result.phase)];
            if (result.phase == Phase::Succeeded) last_success_ = result.completion_time;
            notifier_.notify("STATUS=last session " + name + " " + to_string(result.phase) +
                             " in " + format_duration_ms(result.duration) + ", exit code " +
                             std::to_string(result.exit_code));
            last_result_ = std::move(result);
            running_ = false;
            log_next_due_locked();
        });
        lock.lock();
        return name;
    }

    void join_worker() {
        if (worker_.joinable()) worker_.join();
    }

    static net::ServerResponse json_response(int status, const nlohmann::json& body) {
        return {status, "application/json", body.dump() + "\n", {}};
    }

    /// The endpoints: GET|HEAD /healthz, POST /sessions, GET|HEAD /sessions/NAME|latest,
    /// GET|HEAD /metrics. Runs on the request head alone, before any body is read: the
    /// token is checked first, then the method, then the body's size.
    net::ServerResponse respond(const net::ServerRequest& req, const std::string& token) {
        auto method_not_allowed = [&](const std::string& allowed) {
            auto res = json_response(405, {{"error", "use " + allowed + " for " + req.path}});
            res.headers.emplace_back("Allow", allowed);
            return res;
        };
        const bool get = req.method == "GET" || req.method == "HEAD";
        if (req.path == "/healthz")
            return get ? net::ServerResponse{200, "text/plain", "ok\n", {}}
                       : method_not_allowed("GET, HEAD");
        const bool known = req.path == "/sessions" || req.path == "/metrics" ||
                           (req.path.rfind("/sessions/", 0) == 0 && req.path.size() > 10 &&
                            req.path.find('/', 10) == std::string::npos);
        if (!known) return json_response(404, {{"error", "no such endpoint"}});
        if (!token.empty() && req.authorization != "Bearer " + token) {
            auto res = json_response(401, {{"error", "a bearer token is required"}});
            res.headers.emplace_back("WWW-Authenticate", "Bearer");
            return res;
        }
        if (req.path == "/sessions" ? !get && req.method != "POST" : !get)
            return method_not_allowed(req.path == "/sessions" ? "GET, HEAD, POST" : "GET, HEAD");
        if (req.body_over_limit)
            return json_response(413, {{"error", "the request body is too large: at most " +
                                                     std::to_string(net::kServerMaxBody) +
                                                     " bytes, with a Content-Length"}});
        if (req.path == "/sessions" && get) {
            std::lock_guard lock(mutex_);
            return json_response(200, overview_locked());
        }
        if (req.path == "/sessions") {
            std::unique_lock lock(mutex_);
            if (interrupts::count() > 0) return json_response(503, {{"error", "stopping"}});
            if (running_)
                return json_response(
                    409, {{"error", "a session is running"}, {"running", sessions_.back().first}});
            const std::string name = start_locked("requested over HTTP", lock);
            auto res = json_response(202, {{"name", name}});
            res.headers.emplace_back("Location", "/sessions/" + name);
            return res;
        }
        if (req.path == "/metrics") return {200, "text/plain; version=0.0.4", metrics(), {}};
        const std::string wanted = req.path.substr(10);
        std::lock_guard lock(mutex_);
        if (wanted == "latest" && !sessions_.empty())
            return {200, "application/json", sessions_.back().second + "\n", {}};
        for (const auto& [name, status] : sessions_)
            if (name == wanted) return {200, "application/json", status + "\n", {}};
        return json_response(404, {{"error", "no such session"}});
    }

    /// GET /sessions: the sessions kept, oldest first, the running one, and when the
    /// schedule next starts one.
    nlohmann::json overview_locked() const {
        nlohmann::json names = nlohmann::json::array();
        for (const auto& entry : sessions_) names.push_back(entry.first);
        nlohmann::json out{
            {"sessions", names},
            {"running", running_ && !sessions_.empty() ? nlohmann::json(sessions_.back().first)
                                                       : nlohmann::json()},
            {"nextRun", nullptr}};
        if (schedule_ && next_due_ != SystemClock::time_point::max())
            out["nextRun"] = {{"time", schedule_->format(next_due_)},
                              {"timeZone", schedule_->zone().name()},
                              {"unixSeconds", std::chrono::duration_cast<std::chrono::seconds>(
                                                  next_due_.time_since_epoch())
                                                  .count()}};
        return out;
    }

    std::string metrics() {
        std::lock_guard lock(mutex_);
        PrometheusText m;
        for (const char* phase : {"Succeeded", "Failed"})
            m.add("stash_hook_serve_sessions_total",
                  "Sessions finished since the daemon started, by phase.",
                  std::string("phase=\"") + phase + "\"", sessions_by_phase_[phase], "counter");
        m.add("stash_hook_serve_running", "1 while a session runs.", "", running_ ? 1 : 0);
        if (schedule_ && next_due_ != SystemClock::time_point::max())
            m.add("stash_hook_next_run_timestamp_seconds",
                  "Unix time the next scheduled session is due.", "",
                  static_cast<double>(
                      std::chrono::duration_cast<std::chrono::seconds>(next_due_.time_since_epoch())
                          .count()));
        if (last_success_)
            m.add("stash_hook_serve_last_success_time_seconds",
                  "Unix time the last successful session ended.", "",
                  std::chrono::duration<double>(last_success_->time_since_epoch()).count());
        std::string text = m.str();
        if (last_result_) text += metrics_text(spec_->name, *last_result_);
        return text;
    }
};

}  // namespace

int serve_sessions(const ServeOptions& given) {
    ServeOptions options = given;
    options.spec_path = default_spec_path(given.spec_path);
    if (options.token.empty())
        if (const char* env = std::getenv("STASH_HOOK_TOKEN")) options.token = env;
    // Hooks and tasks inherit our environment: the token is the daemon's alone (no
    // thread runs yet, so unsetenv is safe), and it is redacted everywhere.
    ::unsetenv("STASH_HOOK_TOKEN");
    secrets::add(options.token);
    CommandScope scope(/*hangup_interrupts=*/false);  // sweeps what is left when the daemon stops
    Daemon daemon(options, load_for_serve(options));
    return daemon.run();
}

}  // namespace stash_hook

#include "serve/daemon.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "process/interrupts.hpp"
#include "process/orphans.hpp"
#include "process/subprocess.hpp"
#include "schedule/cron.hpp"
#include "session/metrics_writer.hpp"
#include "session/session.hpp"
#include "session/status_writer.hpp"
#include "spec/run_checks.hpp"
#include "spec/spec_loader.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"

namespace stash_hook {
namespace {

using SystemClock = std::chrono::system_clock;
constexpr auto kTick = std::chrono::milliseconds(100);
constexpr size_t kKeptSessions = 50;

bool is_loopback_host(const std::string& host) {
    return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

/// HOST:PORT, [IPv6]:PORT.
std::pair<std::string, int> split_listen(const std::string& listen) {
    const size_t colon = listen.rfind(':');
    if (colon == std::string::npos) throw Error("--listen must be HOST:PORT, not \"" + listen + "\"");
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    int port = -1;
    try {
        port = std::stoi(listen.substr(colon + 1));
    } catch (...) {
    }
    if (host.empty() || port < 0 || port > 65535) throw Error("--listen must be HOST:PORT, not \"" + listen + "\"");
    return {host, port};
}

/// Loads and checks a spec for the daemon: it must be runnable as it stands.
std::shared_ptr<const Spec> load_for_serve(const std::string& path) {
    auto spec = std::make_shared<Spec>(load_spec_or_throw(path));
    check_runnable_or_throw(*spec);
    register_secrets(*spec);
    return spec;
}

class Daemon {
public:
    Daemon(const ServeOptions& options, std::shared_ptr<const Spec> spec)
        : options_(options), spec_(std::move(spec)) {
        clock_start_ = SystemClock::now();
        schedule_from_spec();
    }

    int run() {
        const auto [host, port] = split_listen(options_.listen);
        const std::string token = options_.token;
        if (!is_loopback_host(host) && token.empty())
            throw Error("--listen " + options_.listen + " is not loopback: give --token or STASH_HOOK_TOKEN, "
                        "which every request but /healthz must carry as a bearer token");
        routes(token);
        const int bound = port == 0 ? server_.bind_to_any_port(host) : (server_.bind_to_port(host, port) ? port : -1);
        if (bound < 0) throw Error("failed to listen on " + options_.listen + ": the address is in use or not ours");
        std::thread http([this] { server_.listen_after_bind(); });
        if (!options_.port_file.empty()) std::ofstream(options_.port_file) << bound << "\n";
        spdlog::info("serving on {}:{} (spec {}{})", host, bound, spec()->path,
                     schedule_ ? ", schedule \"" + schedule_->text() + "\"" : ", no schedule: on demand only");

        int hangups_seen = interrupts::hangups();
        while (true) {
            if (interrupts::count() > 0) break;
            if (interrupts::hangups() > hangups_seen) {
                hangups_seen = interrupts::hangups();
                reload();
            }
            tick_schedule();
            std::this_thread::sleep_for(kTick);
            if (options_.fake_clock_step.count() > 0) {
                std::lock_guard lock(mutex_);
                fake_offset_ += std::chrono::duration_cast<SystemClock::duration>(options_.fake_clock_step);
            }
        }
        spdlog::info("{} received: {}", signal_name(interrupts::first_signal()),
                     running() ? "letting the running session finish its post hooks" : "stopping");
        join_worker();
        server_.stop();
        http.join();
        orphans::kill_all_children();
        spdlog::info("stopped");
        return 0;
    }

private:
    ServeOptions options_;
    httplib::Server server_;
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
        return options_.fake_clock_step.count() > 0 ? clock_start_ + fake_offset_ : SystemClock::now();
    }

    void schedule_from_spec() {
        schedule_.reset();
        if (spec_->schedule.empty()) return;
        schedule_ = CronSchedule::parse(spec_->schedule).value();
        next_due_ = schedule_->next_after(now_locked());
    }

    void reload() {
        try {
            auto fresh = load_for_serve(options_.spec_path);
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
        const std::string name = make_session_name(spec->name, SystemClock::now());
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
            SessionOptions session_options;
            session_options.session_name = name;
            session_options.take_terminal = false;
            SessionResult result = run_session(*spec, session_options);
            const std::string status = status_json(result).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
            spdlog::log(result.phase == Phase::Succeeded ? spdlog::level::info : spdlog::level::err,
                        "session {} {} in {}, exit code {}{}", name, to_string(result.phase),
                        format_duration_ms(result.duration), result.exit_code,
                        result.error.empty() ? "" : ": " + result.error);
            std::lock_guard guard(mutex_);
            for (auto& [n, s] : sessions_)
                if (n == name) s = status;
            ++sessions_by_phase_[to_string(result.phase)];
            if (result.phase == Phase::Succeeded) last_success_ = result.completion_time;
            last_result_ = std::move(result);
            running_ = false;
        });
        lock.lock();
        return name;
    }

    void join_worker() {
        if (worker_.joinable()) worker_.join();
    }

    void routes(const std::string& token) {
        auto authorised = [token](const httplib::Request& req, httplib::Response& res) {
            if (token.empty() || req.get_header_value("Authorization") == "Bearer " + token) return true;
            res.status = 401;
            res.set_header("WWW-Authenticate", "Bearer");
            res.set_content("{\"error\": \"a bearer token is required\"}\n", "application/json");
            return false;
        };
        server_.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
        server_.Post("/sessions", [this, authorised](const httplib::Request& req, httplib::Response& res) {
            if (!authorised(req, res)) return;
            std::unique_lock lock(mutex_);
            if (interrupts::count() > 0) {
                res.status = 503;
                res.set_content("{\"error\": \"stopping\"}\n", "application/json");
                return;
            }
            if (running_) {
                res.status = 409;
                res.set_content(nlohmann::json{{"error", "a session is running"}, {"running", sessions_.back().first}}.dump() + "\n",
                                "application/json");
                return;
            }
            const std::string name = start_locked("requested over HTTP", lock);
            res.status = 202;
            res.set_header("Location", "/sessions/" + name);
            res.set_content(nlohmann::json{{"name", name}}.dump() + "\n", "application/json");
        });
        server_.Get(R"(/sessions/([^/]+))", [this, authorised](const httplib::Request& req, httplib::Response& res) {
            if (!authorised(req, res)) return;
            const std::string wanted = req.matches[1];
            std::lock_guard lock(mutex_);
            if (wanted == "latest" && !sessions_.empty()) {
                res.set_content(sessions_.back().second + "\n", "application/json");
                return;
            }
            for (const auto& [name, status] : sessions_)
                if (name == wanted) {
                    res.set_content(status + "\n", "application/json");
                    return;
                }
            res.status = 404;
            res.set_content("{\"error\": \"no such session\"}\n", "application/json");
        });
        server_.Get("/metrics", [this, authorised](const httplib::Request& req, httplib::Response& res) {
            if (!authorised(req, res)) return;
            std::lock_guard lock(mutex_);
            std::string text =
                "# HELP stash_hook_serve_sessions_total Sessions finished since the daemon started, by phase.\n"
                "# TYPE stash_hook_serve_sessions_total counter\n";
            for (const char* phase : {"Succeeded", "Failed"})
                text += std::string("stash_hook_serve_sessions_total{phase=\"") + phase + "\"} " +
                        std::to_string(sessions_by_phase_[phase]) + "\n";
            text += "# HELP stash_hook_serve_running 1 while a session runs.\n# TYPE stash_hook_serve_running gauge\n";
            text += std::string("stash_hook_serve_running ") + (running_ ? "1" : "0") + "\n";
            if (last_success_) {
                text += "# HELP stash_hook_serve_last_success_time_seconds Unix time the last successful session ended.\n"
                        "# TYPE stash_hook_serve_last_success_time_seconds gauge\n";
                text += "stash_hook_serve_last_success_time_seconds " +
                        std::to_string(std::chrono::duration<double>(last_success_->time_since_epoch()).count()) + "\n";
            }
            if (last_result_) text += metrics_text(spec_->name, *last_result_);
            res.set_content(text, "text/plain; version=0.0.4");
        });
    }
};

}  // namespace

int serve_sessions(const ServeOptions& options) {
    interrupts::install(/*hangup_interrupts=*/false);
    orphans::become_subreaper();
    Daemon daemon(options, load_for_serve(options.spec_path));
    return daemon.run();
}

}  // namespace stash_hook

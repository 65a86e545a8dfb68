#pragma once
// Helpers for the end-to-end tests: run the built binary, scratch folders, files,
// and a real HTTP server on loopback that records what it received.

#include <httplib.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace test {

/// A fresh folder, removed with everything in it on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

struct CliResult {
    int exit_code = -1;    // 128+N when the binary itself died by signal N
    std::string out;       // its stdout
    std::string err;       // its stderr
    long max_rss_kib = 0;  // peak RSS of stash-hook and its waited-for children
    double seconds = 0;
    bool timed_out = false;  // killed after CliOptions::timeout_seconds
};

struct CliOptions {
    std::vector<std::pair<std::string, std::string>> env;  // set, replacing ours
    std::string cwd;
    std::optional<std::string> stdin_text;  // else /dev/null
    std::string stdout_path;                // send stdout here instead of capturing it
    /// More than this many seconds (0: no bound): SIGTERM, then SIGKILL 5 s later, and
    /// CliResult::timed_out. For runs that must never hang a test (a spec's long retry delay).
    double timeout_seconds = 0;
};

/// Runs the stash-hook binary under test with `args`; waits for it.
CliResult run_cli(const std::vector<std::string>& args, const CliOptions& options = {});

/// The peak RSS `stash-hook --version` reaches: what the binary costs before it does any
/// work (about 4 MiB normally; about 66 MiB under AddressSanitizer, whose shadow memory and
/// runtime count too). Measured once per test process.
long baseline_rss_kib();

/// The bound for "modest memory": the program's baseline plus `growth_kib` (60 MiB unless
/// told). A reader that buffered an endless body or a 3 MiB spec many times over breaks it in
/// either build, and the sanitizer build's larger baseline no longer does.
long modest_rss_kib(long growth_kib = 60 * 1024);

/// The binary under test running in the background; wait() collects it.
class BackgroundCli {
  public:
    BackgroundCli(const std::vector<std::string>& args, const CliOptions& options = {});
    ~BackgroundCli();  // kills it if still running
    int pid() const { return pid_; }
    void signal(int sig) const;
    CliResult wait();

  private:
    std::unique_ptr<TempDir> io_;
    CliOptions options_;
    int pid_ = -1;
    bool waited_ = false;
    std::chrono::steady_clock::time_point start_;
};

/// Waits up to `seconds` for `path` to exist; true if it does.
bool wait_for_file(const std::string& path, double seconds = 20);

/// Path of the binary under test.
std::string binary();

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content, bool executable = false);
nlohmann::json read_json(const std::string& path);
/// Lines of a file, without their newlines.
std::vector<std::string> read_lines(const std::string& path);
/// Replaces every "{KEY}" in `text` with its value.
std::string fill(std::string text, const std::map<std::string, std::string>& values);
/// Writes an executable script at `path` that fails on its first `failures` runs and
/// succeeds after, counting runs in `path`.count.
void write_flaky_script(const std::string& path, int failures);
/// True while a process with this pid exists (and is not a zombie we own).
bool process_alive(int pid);

/// One request as the server saw it.
struct ReceivedRequest {
    std::string method;
    std::string path;  // with ?query
    std::multimap<std::string, std::string, httplib::detail::ci> headers;
    std::string body;
    std::string header(const std::string& name) const;
};

/// cpp-httplib's server on 127.0.0.1, on its own thread, recording every request.
class TestHttpServer {
  public:
    using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
    TestHttpServer();
    ~TestHttpServer();
    /// Answers GET and POST on `pattern` (a regex) with `handler`. Call before start().
    void route(const std::string& pattern, Handler handler);
    void start();
    int port() const { return port_; }
    std::vector<ReceivedRequest> requests() const;

  private:
    httplib::Server server_;
    std::thread thread_;
    int port_ = 0;
    mutable std::mutex mutex_;
    std::vector<ReceivedRequest> requests_;
};

/// Starts `server` answering every request with 200 "ok".
void answer_ok(TestHttpServer& server);

/// A TCP socket listening on 127.0.0.1 on a free port, which it stores in `port`.
/// The kernel completes handshakes (backlog 16) even if nobody accepts.
int listen_loopback(int& port);

/// A TCP port on 127.0.0.1 that nothing listens on (bound, then closed).
int closed_port();

/// Runs `stash-hook args...` in a private mount namespace where /etc/resolv.conf is
/// `resolv_conf` (root and unshare(1) needed), its stdout and stderr to `log`.
/// Returns the pid; nullopt if unavailable.
std::optional<pid_t> spawn_with_resolv_conf(const std::string& resolv_conf,
                                            const std::vector<std::string>& args,
                                            const std::string& log);

/// A UDP socket on 127.0.0.1:53 that receives DNS queries and never answers; -1 if
/// the port cannot be bound.
int silent_dns_server();

/// Waits for `pid`; its exit code (128+N if killed by signal N), and in `seconds`
/// how long the wait took.
int wait_exit(pid_t pid, double& seconds);

}  // namespace test

#include "test_support.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace test {

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "stash-hook-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string binary() {
    if (const char* env = std::getenv("STASH_HOOK_BINARY")) return env;
    return STASH_HOOK_BINARY;
}

namespace {

/// Forks and execs the binary with stdio redirected into `io` (or the given paths).
pid_t spawn_cli(const std::vector<std::string>& args, const CliOptions& options,
                const TempDir& io) {
    const std::string out_path = options.stdout_path.empty() ? io / "stdout" : options.stdout_path;
    const std::string err_path = io / "stderr";
    const std::string in_path = io / "stdin";
    if (options.stdin_text) write_file(in_path, *options.stdin_text);

    std::vector<std::string> argv_s = {binary()};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e) {
        const std::string entry = *e;
        bool overridden = false;
        for (const auto& [k, v] : options.env)
            overridden = overridden || entry.rfind(k + "=", 0) == 0;
        if (!overridden) env_s.push_back(entry);
    }
    for (const auto& [k, v] : options.env) env_s.push_back(k + "=" + v);
    std::vector<char*> argv, envp;
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    for (auto& s : env_s) envp.push_back(s.data());
    envp.push_back(nullptr);

    const pid_t pid = fork();
    if (pid == 0) {
        const int in = open(options.stdin_text ? in_path.c_str() : "/dev/null", O_RDONLY);
        const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        // Start with default signal handling, as a shell would.
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(99);
        execve(argv[0], argv.data(), envp.data());
        _exit(98);
    }
    return pid;
}

CliResult collect(pid_t pid, const CliOptions& options, const TempDir& io,
                  std::chrono::steady_clock::time_point start) {
    int status = 0;
    rusage usage{};
    bool timed_out = false;
    if (options.timeout_seconds > 0) {  // poll until done; past the bound, end it
        const auto term_at = start + std::chrono::duration<double>(options.timeout_seconds);
        const auto kill_at = term_at + std::chrono::seconds(5);
        pid_t done = 0;
        while ((done = wait4(pid, &status, WNOHANG, &usage)) == 0 || (done < 0 && errno == EINTR)) {
            const auto now = std::chrono::steady_clock::now();
            if (now >= term_at && !timed_out) {
                kill(pid, SIGTERM);
                timed_out = true;
            }
            if (now >= kill_at) kill(pid, SIGKILL);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    } else {
        while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
        }
    }
    CliResult r;
    r.timed_out = timed_out;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.max_rss_kib = usage.ru_maxrss;
    if (options.stdout_path.empty()) r.out = read_file(io / "stdout");
    r.err = read_file(io / "stderr");
    return r;
}

}  // namespace

CliResult run_cli(const std::vector<std::string>& args, const CliOptions& options) {
    TempDir io;
    const auto start = std::chrono::steady_clock::now();
    return collect(spawn_cli(args, options, io), options, io, start);
}

long baseline_rss_kib() {
    static const long baseline = [] {
        const auto r = run_cli({"--version"});
        if (r.exit_code != 0) throw std::runtime_error("stash-hook --version failed: " + r.err);
        return r.max_rss_kib;
    }();
    return baseline;
}

long modest_rss_kib(long growth_kib) { return baseline_rss_kib() + growth_kib; }

BackgroundCli::BackgroundCli(const std::vector<std::string>& args, const CliOptions& options)
    : io_(std::make_unique<TempDir>()),
      options_(options),
      start_(std::chrono::steady_clock::now()) {
    pid_ = spawn_cli(args, options_, *io_);
}

BackgroundCli::~BackgroundCli() {
    if (!waited_ && pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
}

void BackgroundCli::signal(int sig) const { kill(pid_, sig); }

CliResult BackgroundCli::wait() {
    waited_ = true;
    return collect(pid_, options_, *io_, start_);
}

bool wait_for_file(const std::string& path, double seconds) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
        if (std::filesystem::exists(path)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const std::string& path, const std::string& content, bool executable) {
    std::ofstream(path, std::ios::binary) << content;
    if (executable) chmod(path.c_str(), 0755);
}

nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(read_file(path)); }

std::vector<std::string> read_lines(const std::string& path) {
    std::vector<std::string> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string fill(std::string text, const std::map<std::string, std::string>& values) {
    for (const auto& [key, value] : values) {
        const std::string needle = "{" + key + "}";
        for (size_t at = text.find(needle); at != std::string::npos;
             at = text.find(needle, at + value.size()))
            text.replace(at, needle.size(), value);
    }
    return text;
}

void write_flaky_script(const std::string& path, int failures) {
    write_file(path,
               "#!/bin/sh\necho x >> " + path + ".count\n[ \"$(wc -l < " + path + ".count)\" -gt " +
                   std::to_string(failures) + " ]\n",
               true);
}

bool process_alive(int pid) {
    if (kill(pid, 0) != 0) return false;
    // A zombie still answers kill(); read its state.
    const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    const auto close = stat.rfind(')');
    return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

std::string ReceivedRequest::header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
}

TestHttpServer::TestHttpServer() {
    // Recorded after the handler, before the response is written (httplib's logger runs
    // after it is sent, so a client's next request could be recorded first).
    server_.set_post_routing_handler([this](const httplib::Request& req, httplib::Response&) {
        ReceivedRequest r;
        r.method = req.method;
        r.path = req.target;
        for (const auto& [k, v] : req.headers) r.headers.emplace(k, v);
        r.body = req.body;
        std::lock_guard lock(mutex_);
        requests_.push_back(std::move(r));
    });
}

TestHttpServer::~TestHttpServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
}

void TestHttpServer::route(const std::string& pattern, Handler handler) {
    server_.Get(pattern, handler);
    server_.Post(pattern, handler);
}

void TestHttpServer::start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("could not bind a test HTTP server");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void answer_ok(TestHttpServer& server) {
    server.route(".*", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("ok", "text/plain");
    });
    server.start();
}

std::vector<ReceivedRequest> TestHttpServer::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

int listen_loopback(int& port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(fd, 16);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    return fd;
}

int closed_port() {
    int port = 0;
    close(listen_loopback(port));
    return port;
}

/// Runs `stash-hook args...` in a private mount namespace where /etc/resolv.conf is
/// `resolv_conf` (root and unshare(1) needed). Returns the pid; nullopt if unavailable.
std::optional<pid_t> spawn_with_resolv_conf(const std::string& resolv_conf,
                                            const std::vector<std::string>& args,
                                            const std::string& log) {
    if (geteuid() != 0 || std::system("unshare -m true 2>/dev/null") != 0) return std::nullopt;
    std::string command =
        "mount --bind '" + resolv_conf + "' /etc/resolv.conf && exec '" + binary() + "'";
    for (const auto& a : args) command += " '" + a + "'";
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        execlp("unshare", "unshare", "-m", "--propagation", "private", "sh", "-c", command.c_str(),
               nullptr);
        _exit(127);
    }
    return pid;
}

/// A UDP socket on 127.0.0.1:53 that receives DNS queries and never answers.
int silent_dns_server() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(53);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

int wait_exit(pid_t pid, double& seconds) {
    const auto start = std::chrono::steady_clock::now();
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace test

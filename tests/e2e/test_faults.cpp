// Faults: hostile specs, network faults and filesystem faults each end in a clear
// failure within the time they are given, never a crash or a hang.

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "test_support.hpp"

using test::fill;
using test::run_cli;

namespace {

/// A TCP server on 127.0.0.1 whose behaviour per connection is `serve(fd)`; with no
/// `serve`, it listens and never accepts.
class RawServer {
  public:
    explicit RawServer(std::function<void(int)> serve = {}) : serve_(std::move(serve)) {
        fd_ = test::listen_loopback(port_);
        if (serve_) thread_ = std::thread([this] { loop(); });
    }
    ~RawServer() {
        stop_ = true;
        shutdown(fd_, SHUT_RDWR);
        close(fd_);
        if (thread_.joinable()) thread_.join();
    }
    int port() const { return port_; }
    bool stopping() const { return stop_; }

  private:
    void loop() {
        while (!stop_) {
            const int c = accept(fd_, nullptr, nullptr);
            if (c < 0) return;
            serve_(c);
        }
    }
    std::function<void(int)> serve_;
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

std::string http_hook_spec(int port, const std::string& host = "127.0.0.1") {
    return fill(
        "hooks:\n  preBackup: {name: call, timeout: 1s, httpGet: {host: {HOST}, port: {PORT}, "
        "path: /x}}\n",
        {{"PORT", std::to_string(port)}, {"HOST", host}});
}

std::string hook_error(const test::TempDir& dir) {
    return test::read_json(dir / "st.json")["hooks"][0]["error"].get<std::string>();
}

}  // namespace

TEST_CASE("hostile specs end in exit 125 with a clear message, within seconds") {
    test::TempDir dir;
    std::string bomb =
        "name: bomb\ncommand: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\nhooks:\n  "
        "preBackup:\n";
    for (char c = 'b'; c <= 'j'; ++c) {
        bomb += std::string("    - name: h") + c + "\n      exec: {command: &" + c + " [";
        for (int i = 0; i < 9; ++i)
            bomb += std::string(i ? ", " : "") + "*" + static_cast<char>(c - 1);
        bomb += "]}\n";
    }
    std::string long_list = "command: [a";  // 120 KB, 60,000 items: yaml-cpp would take 30 MB
    for (int i = 0; i < 60'000; ++i) long_list += ",a";
    long_list += "]\n";
    struct Case {
        const char* name;
        std::string text;
        const char* message;
    };
    const Case cases[] = {
        {"alias bomb", bomb, "exec.command element must be a single value, not a list"},
        {"5 MB spec", "name: t\ncommand: [\"" + std::string(5'000'000, 'x') + "\"]\n",
         "larger than 1048576 bytes (1 MiB)"},
        {"long list", long_list, "more than 50000 values"},
        {"5000-deep nesting", "hooks: " + std::string(5000, '[') + std::string(5000, ']') + "\n",
         "nested too deeply"},
        {"invalid UTF-8", "name: \"\xff\xfe\"\ncommand: [true]\n", "invalid UTF-8 (byte 0xff)"},
        {"tabs", "hooks:\n\tpreBackup:\n\t\texec: {command: [true]}\n", "invalid YAML"},
        {"absurd port", "hooks:\n  preBackup: {tcpSocket: {port: 99999999999999999999999}}\n",
         "out of range (1-65535)"},
        {"absurd duration", "timeout: 99999999999999999999h\n", "is too large"},
        {"negative timeout", "hooks:\n  preBackup: {exec: {command: [true]}, timeout: -5s}\n",
         "must be more than zero"},
        {"huge retry count",
         "hooks:\n  preBackup: {exec: {command: [true]}, retry: {attempts: 1000000000}}\n",
         "out of range"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        test::write_file(dir / "s.yaml", c.text);
        auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "touch", dir / "ran"});
        CHECK(r.exit_code == 125);
        CHECK(r.seconds < 10);
        CHECK(r.err.find(c.message) != std::string::npos);
        CHECK(r.err.size() < 64 * 1024);  // bounded, even for the bomb
        CHECK_FALSE(std::filesystem::exists(dir / "ran"));
    }
    std::string deep_maps = "hooks: ";
    for (int i = 0; i < 5000; ++i) deep_maps += "{a: ";
    deep_maps += "1" + std::string(5000, '}') + "\n";
    test::write_file(dir / "s.yaml", deep_maps);
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--", "true"});
    CHECK(r.exit_code == 125);
    CHECK(r.err.find("nested too deeply") != std::string::npos);
    // Not regular files, and an endless standard input: refused at once, within 1 MiB read.
    auto zero = run_cli({"run", "-f", "/dev/zero", "--", "touch", dir / "ran"});
    CHECK(zero.exit_code == 125);
    CHECK(
        zero.err.find("failed to read spec: /dev/zero is a character device, not a regular file") !=
        std::string::npos);
    auto folder = run_cli({"validate", "-f", dir.path()});
    CHECK(folder.err.find("is a directory, not a regular file") != std::string::npos);
    test::CliOptions endless;
    endless.stdin_text = std::string(3 << 20, 'x');
    auto piped = run_cli({"run", "-f", "-", "--", "touch", dir / "ran"}, endless);
    CHECK(piped.exit_code == 125);
    CHECK(piped.err.find("larger than 1048576 bytes (1 MiB)") != std::string::npos);
    CHECK(piped.max_rss_kib < test::modest_rss_kib());
    CHECK_FALSE(std::filesystem::exists(dir / "ran"));
}

TEST_CASE("a server that accepts and never answers fails the hook within its timeout") {
    RawServer silent;  // never accepts; the kernel completes the handshake
    test::TempDir dir;
    test::write_file(dir / "s.yaml", http_hook_spec(silent.port()));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 120);
    CHECK(r.seconds < 10);
    CHECK(hook_error(dir) ==
          "timed out after 1s waiting for 127.0.0.1:" + std::to_string(silent.port()));
}

TEST_CASE("a server that resets the connection fails the hook with a clear reason") {
    RawServer reset([](int c) {
        char buf[1024];
        [[maybe_unused]] auto n = read(c, buf, sizeof buf);
        linger lg{1, 0};  // close with RST
        setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        close(c);
    });
    test::TempDir dir;
    test::write_file(dir / "s.yaml", http_hook_spec(reset.port()));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 120);
    CHECK(hook_error(dir) == "failed to read the response from 127.0.0.1:" +
                                 std::to_string(reset.port()) + " (closed, reset or timed out)");
}

TEST_CASE("a server that drips its response slowly is cut off at the hook's timeout") {
    RawServer* self = nullptr;
    RawServer drip([&self](int c) {
        char buf[1024];
        [[maybe_unused]] auto n = read(c, buf, sizeof buf);
        const std::string response =
            "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x');
        for (char ch : response) {
            if (self && self->stopping()) break;
            if (::send(c, &ch, 1, MSG_NOSIGNAL) != 1) break;  // the client may be gone
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        close(c);
    });
    self = &drip;
    test::TempDir dir;
    test::write_file(dir / "s.yaml", http_hook_spec(drip.port()));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 120);
    CHECK(r.seconds < 10);  // the whole response would take 14 s
    CHECK(hook_error(dir).rfind("timed out after 1s", 0) == 0);
}

TEST_CASE("an unresolvable host fails the hook with the resolver's reason") {
    // A label longer than 63 bytes is refused by the resolver itself: no DNS query leaves.
    const std::string host = std::string(64, 'a') + ".invalid";
    test::TempDir dir;
    test::write_file(dir / "s.yaml", http_hook_spec(80, host));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 120);
    CHECK(hook_error(dir).rfind("failed to resolve " + host, 0) == 0);
    test::write_file(dir / "t.yaml",
                     "hooks:\n  preBackup: {tcpSocket: {host: " + host + ", port: 80}}\n");
    run_cli({"run", "-f", dir / "t.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(hook_error(dir).rfind("failed to resolve " + host, 0) == 0);
}

TEST_CASE("a status file in a read-only place is refused with 125 before anything runs") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     fill("hooks:\n  postBackup: {exec: {command: [touch, {DIR}/undone]}}\n",
                          {{"DIR", dir.path()}}));
    // /proc refuses new files even to root, like a read-only mount.
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", "/proc/stash-hook-status.json",
                      "--", "true"});
    CHECK(r.exit_code == 125);
    CHECK(r.err.find("failed to use status file /proc/stash-hook-status.json: cannot create a file "
                     "in /proc") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "undone"));
}

TEST_CASE("a reader never sees a half-written status file, even when runs are killed") {
    test::TempDir dir;
    test::write_file(
        dir / "s.yaml",
        "hooks:\n  preBackup: {exec: {command: [sh, -c, \"head -c 20000 /dev/zero | tr '\\\\0' "
        "x\"]}}\n"
        "  postBackup: {exec: {command: [sh, -c, \"head -c 20000 /dev/zero | tr '\\\\0' y\"]}}\n");
    const std::string status = dir / "st.json";
    std::atomic<bool> done{false};
    std::atomic<int> parsed{0};
    std::atomic<int> invalid{0};
    std::thread reader([&] {
        while (!done) {
            const std::string text = test::read_file(status);
            if (text.empty()) continue;
            if (nlohmann::json::accept(text))
                ++parsed;
            else
                ++invalid;
        }
    });
    for (int i = 0; i < 30; ++i) {
        test::BackgroundCli run(
            {"run", "-f", dir / "s.yaml", "--status-file", status, "--", "sleep", "0.02"});
        std::this_thread::sleep_for(std::chrono::milliseconds(i % 7 * 3));
        run.signal(SIGKILL);
        run.wait();
        CHECK(test::run_cli({"run", "-f", dir / "s.yaml", "--status-file", status, "--", "true"})
                  .exit_code == 0);
    }
    done = true;
    reader.join();
    CHECK(invalid == 0);
    CHECK(parsed > 0);
    int leftovers = 0;  // temporary files of killed runs may stay, but never replace the file
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        leftovers += e.path().filename().string().find(".tmp.") != std::string::npos;
    CHECK(nlohmann::json::accept(test::read_file(status)));
    MESSAGE("temporary files left by killed runs: " << leftovers);
}

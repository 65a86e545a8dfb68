// interrupts::Watch: each wait's own descriptor, readable exactly while a signal it has
// not acted on is pending (real signals, sent to this process).
#include <doctest/doctest.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "process/interrupts.hpp"

using namespace stash_hook;
using namespace std::chrono_literals;

namespace {

bool readable(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) == 1;
}

void signal_and_wait(int sig) {
    const int before = interrupts::count();
    kill(getpid(), sig);
    const auto until = std::chrono::steady_clock::now() + 20s;
    while (interrupts::count() == before && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(1ms);
    REQUIRE(interrupts::count() > before);
}

}  // namespace

TEST_CASE("a watch made with a negative count never fires and has no descriptor") {
    interrupts::install();
    interrupts::Watch never(-1);
    CHECK(never.fd() == -1);
    signal_and_wait(SIGALRM);
    CHECK_FALSE(never.fired());
    CHECK(never.sleep_for(Duration(10ms)));
}

TEST_CASE(
    "a watch's descriptor is readable only while a signal is unacknowledged, after earlier signals "
    "too") {
    interrupts::install();
    signal_and_wait(SIGALRM);  // an earlier signal, acted on by someone else
    interrupts::Watch watch(interrupts::count());
    REQUIRE(watch.fd() >= 0);
    CHECK_FALSE(watch.fired());
    CHECK_FALSE(readable(watch.fd(), 0));  // a process-wide eventfd stayed readable here

    kill(getpid(), SIGTERM);
    CHECK(readable(watch.fd(), 20000));
    CHECK(watch.fired());
    CHECK(watch.acknowledge() == SIGTERM);
    CHECK_FALSE(watch.fired());
    CHECK_FALSE(readable(watch.fd(), 0));

    interrupts::Watch later(interrupts::count());
    CHECK_FALSE(readable(later.fd(), 0));
    kill(getpid(), SIGINT);
    CHECK(readable(watch.fd(), 20000));
    CHECK(readable(later.fd(), 20000));
    CHECK(watch.acknowledge() == SIGINT);
}

TEST_CASE("a sleep between retries ends when a signal arrives, after earlier signals too") {
    interrupts::install();
    signal_and_wait(SIGALRM);
    interrupts::Watch watch(interrupts::count());
    std::thread sender([] {
        std::this_thread::sleep_for(200ms);
        kill(getpid(), SIGHUP);
    });
    const auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(watch.sleep_for(Duration(60s)));
    CHECK(std::chrono::steady_clock::now() - start < 20s);
    sender.join();
    CHECK(watch.acknowledge() == SIGHUP);
    CHECK(watch.sleep_for(Duration(10ms)));  // acknowledged: sleeps again
}

TEST_CASE("a wait on a descriptor reports it ready, the signal, or the deadline") {
    interrupts::install();
    interrupts::Watch watch(interrupts::count());
    int pipe_fds[2];
    REQUIRE(pipe(pipe_fds) == 0);
    const auto soon = [] { return std::chrono::steady_clock::now() + 50ms; };
    CHECK(watch.wait(pipe_fds[0], POLLIN, soon()) == interrupts::Watch::Wake::Deadline);
    REQUIRE(write(pipe_fds[1], "x", 1) == 1);
    CHECK(watch.wait(pipe_fds[0], POLLIN, soon()) == interrupts::Watch::Wake::Ready);
    char c;
    REQUIRE(read(pipe_fds[0], &c, 1) == 1);
    kill(getpid(), SIGTERM);
    CHECK(watch.wait(pipe_fds[0], POLLIN, std::chrono::steady_clock::now() + 20s) ==
          interrupts::Watch::Wake::Fired);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
}

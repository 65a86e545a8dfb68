// Children get no descriptor above 2 that the caller did not list, even one opened
// without O_CLOEXEC (as cpp-httplib's server does with the sockets it accepts).

#include <doctest/doctest.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "process/subprocess.hpp"

using namespace stash_hook;

namespace {

/// The descriptor numbers the child sees, one per line.
std::string fds_in_child(const std::vector<int>& keep) {
    SpawnRequest request;
    request.argv = {"sh", "-c", "ls /proc/$$/fd"};
    request.env = make_environment({});
    request.capture_output = true;
    request.inherit_fds = keep;
    CapturedOutput output;
    const auto result = run_process(request, &output);
    REQUIRE(result.has_value());
    return "\n" + output.stdout_only.str();
}

}  // namespace

TEST_CASE("a descriptor without O_CLOEXEC does not reach the child unless kept") {
    int leaky[2];
    REQUIRE(pipe(leaky) == 0);  // no O_CLOEXEC, on purpose
    const std::string a = "\n" + std::to_string(leaky[0]) + "\n";
    const std::string b = "\n" + std::to_string(leaky[1]) + "\n";
    const std::string closed = fds_in_child({});
    CHECK(closed.find(a) == std::string::npos);
    CHECK(closed.find(b) == std::string::npos);
    const std::string kept = fds_in_child({leaky[1]});
    CHECK(kept.find(a) == std::string::npos);
    CHECK(kept.find(b) != std::string::npos);
    CHECK(kept.find("\n0\n") != std::string::npos);
    close(leaky[0]);
    close(leaky[1]);
}

TEST_CASE(
    "how a process ended is one line: exit code, killed by, timed out, or empty for success") {
    auto run = [](std::vector<std::string> argv, std::optional<Duration> timeout = std::nullopt) {
        SpawnRequest request;
        request.argv = std::move(argv);
        request.capture_output = true;
        request.timeout = timeout;
        request.kill_grace = std::chrono::milliseconds(200);
        auto result = run_process(request);
        REQUIRE(result.has_value());
        return describe_end(*result, timeout.value_or(Duration{0}));
    };
    CHECK(run({"/bin/true"}) == "");
    CHECK(run({"/bin/sh", "-c", "exit 3"}) == "exit code 3");
    CHECK(run({"/bin/sh", "-c", "kill -KILL $$"}) == "killed by SIGKILL");
    CHECK(run({"/bin/sleep", "30"}, Duration(std::chrono::milliseconds(200))) ==
          "timed out after 200ms");
}

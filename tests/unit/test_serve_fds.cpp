// Children get no descriptor above 2 that the caller did not list, even one opened
// without O_CLOEXEC (as cpp-httplib's server does with the sockets it accepts).

#include <doctest/doctest.h>
#include <unistd.h>

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

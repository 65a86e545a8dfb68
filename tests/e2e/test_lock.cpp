// The lock (CONTRACT section 6): one run at a time; 122 at once, or after lockWait.

#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>

#include "test_support.hpp"

using test::fill;

TEST_CASE("a second run on the same lock exits 122 at once and runs nothing") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(lock: {DIR}/run.lock
hooks:
  preBackup: {exec: {command: [sh, -c, "echo pre >> {DIR}/log"]}}
)",
                                          {{"DIR", dir.path()}}));
    test::BackgroundCli first({"run", "-f", dir / "s.yaml", "--status-file", dir / "first.json", "--", "sh", "-c",
                               "touch " + (dir / "holding") + "; while [ ! -e " + (dir / "release") + " ]; do sleep 0.05; done"});
    REQUIRE(test::wait_for_file(dir / "holding"));
    auto second = test::run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "second.json", "--", "true"});
    CHECK(second.exit_code == 122);
    CHECK(second.seconds < 5);
    CHECK(second.err.find("another run holds the lock " + (dir / "run.lock") + " (pid " + std::to_string(first.pid()) +
                          ")") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "second.json"));
    test::write_file(dir / "release", "");
    CHECK(first.wait().exit_code == 0);
    CHECK(test::read_lines(dir / "log") == std::vector<std::string>{"pre"});
}

TEST_CASE("with lockWait a second run waits for the first, then runs") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill("lock: {DIR}/run.lock\nlockWait: 30s\n", {{"DIR", dir.path()}}));
    test::BackgroundCli first({"run", "-f", dir / "s.yaml", "--", "sh", "-c",
                               "touch " + (dir / "holding") + "; sleep 1; echo first >> " + (dir / "log")});
    REQUIRE(test::wait_for_file(dir / "holding"));
    auto second = test::run_cli({"run", "-f", dir / "s.yaml", "--", "sh", "-c", "echo second >> " + (dir / "log")});
    CHECK(second.exit_code == 0);
    CHECK(first.wait().exit_code == 0);
    CHECK(test::read_lines(dir / "log") == std::vector<std::string>{"first", "second"});
}

TEST_CASE("--lock with --lock-wait gives up after the wait") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    test::BackgroundCli first({"run", "-f", dir / "s.yaml", "--lock", dir / "l", "--", "sh", "-c",
                               "touch " + (dir / "holding") + "; sleep 30"});
    REQUIRE(test::wait_for_file(dir / "holding"));
    auto second = test::run_cli({"run", "-f", dir / "s.yaml", "--lock", dir / "l", "--lock-wait", "300ms", "--", "true"});
    CHECK(second.exit_code == 122);
    CHECK(second.err.find("after waiting 300ms") != std::string::npos);
}

TEST_CASE("a lock left by a killed run never blocks the next") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill("lock: {DIR}/run.lock\n", {{"DIR", dir.path()}}));
    test::BackgroundCli first({"run", "-f", dir / "s.yaml", "--", "sh", "-c", "touch " + (dir / "holding") + "; sleep 300"});
    REQUIRE(test::wait_for_file(dir / "holding"));
    first.signal(SIGKILL);
    first.wait();
    CHECK(std::filesystem::exists(dir / "run.lock"));
    CHECK(test::run_cli({"run", "-f", dir / "s.yaml", "--", "true"}).exit_code == 0);
}

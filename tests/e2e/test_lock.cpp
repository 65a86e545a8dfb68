// The lock (man page, OPTIONS --lock and EXIT STATUS): one run at a time; 122 at once, or after
// lockWait.

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "test_support.hpp"

using test::fill;

TEST_CASE("a second run on the same lock exits 122 at once and runs nothing") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(lock: {DIR}/run.lock
hooks:
  preBackup: {exec: {command: [sh, -c, "echo pre >> {DIR}/log"]}}
)",
                                          {{"DIR", dir.path()}}));
    test::BackgroundCli first({"run", "-f", dir / "s.yaml", "--status-file", dir / "first.json",
                               "--", "sh", "-c",
                               "touch " + (dir / "holding") + "; while [ ! -e " +
                                   (dir / "release") + " ]; do sleep 0.05; done"});
    REQUIRE(test::wait_for_file(dir / "holding"));
    auto second = test::run_cli(
        {"run", "-f", dir / "s.yaml", "--status-file", dir / "second.json", "--", "true"});
    CHECK(second.exit_code == 122);
    CHECK(second.seconds < 5);
    CHECK(second.err.find("another run holds the lock " + (dir / "run.lock") + " (pid " +
                          std::to_string(first.pid()) + ")") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "second.json"));
    test::write_file(dir / "release", "");
    CHECK(first.wait().exit_code == 0);
    CHECK(test::read_lines(dir / "log") == std::vector<std::string>{"pre"});
}

TEST_CASE("with lockWait a second run waits for the first, then runs") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     fill("lock: {DIR}/run.lock\nlockWait: 30s\n", {{"DIR", dir.path()}}));
    test::BackgroundCli first(
        {"run", "-f", dir / "s.yaml", "--", "sh", "-c",
         "touch " + (dir / "holding") + "; sleep 1; echo first >> " + (dir / "log")});
    REQUIRE(test::wait_for_file(dir / "holding"));
    auto second = test::run_cli(
        {"run", "-f", dir / "s.yaml", "--", "sh", "-c", "echo second >> " + (dir / "log")});
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
    auto second = test::run_cli(
        {"run", "-f", dir / "s.yaml", "--lock", dir / "l", "--lock-wait", "300ms", "--", "true"});
    CHECK(second.exit_code == 122);
    CHECK(second.err.find("after waiting 300ms") != std::string::npos);
}

TEST_CASE("a lock left by a killed run never blocks the next") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill("lock: {DIR}/run.lock\n", {{"DIR", dir.path()}}));
    test::BackgroundCli first({"run", "-f", dir / "s.yaml", "--", "sh", "-c",
                               "echo $$ > " + (dir / "holding") + "; sleep 300"});
    REQUIRE(test::wait_for_file(dir / "holding"));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const int task = std::stoi(test::read_file(dir / "holding"));
    first.signal(SIGKILL);
    first.wait();
    kill(-task, SIGKILL);  // the task's group, which holds the lock while it lives
    for (int i = 0; i < 400 && test::process_alive(task); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(std::filesystem::exists(dir / "run.lock"));
    CHECK(test::run_cli({"run", "-f", dir / "s.yaml", "--", "true"}).exit_code == 0);
}

TEST_CASE(
    "--lock on an existing file that is not a lock file takes the lock and leaves the file alone") {
    test::TempDir dir;
    const std::string spec = "name: t\nhooks:\n  preBackup: {exec: {command: [true]}}\n";
    test::write_file(dir / "s.yaml", spec);
    auto r = test::run_cli({"run", "-f", dir / "s.yaml", "--lock", dir / "s.yaml", "--", "true"});
    CHECK(r.exit_code == 0);
    CHECK(test::read_file(dir / "s.yaml") == spec);
    // ... and while held, a second run is still kept out.
    test::BackgroundCli first({"run", "-f", dir / "s.yaml", "--lock", dir / "s.yaml", "--", "sh",
                               "-c", "touch " + (dir / "holding") + "; sleep 30"});
    REQUIRE(test::wait_for_file(dir / "holding"));
    CHECK(test::run_cli({"run", "-f", dir / "s.yaml", "--lock", dir / "s.yaml", "--", "true"})
              .exit_code == 122);
    CHECK(test::read_file(dir / "s.yaml") == spec);
}

TEST_CASE(
    "--lock never writes through a symlink and refuses what is not a regular file, with 125") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    test::write_file(dir / "precious", "");
    std::filesystem::create_symlink(dir / "precious", dir / "link");
    auto r = test::run_cli(
        {"run", "-f", dir / "s.yaml", "--lock", dir / "link", "--", "touch", dir / "ran"});
    CHECK(r.exit_code == 125);
    CHECK(r.err.find("failed to open lock file " + (dir / "link")) != std::string::npos);
    CHECK(r.err.find("symbolic link") != std::string::npos);
    CHECK(test::read_file(dir / "precious") == "");
    REQUIRE(mkfifo((dir / "fifo").c_str(), 0600) == 0);
    r = test::run_cli(
        {"run", "-f", dir / "s.yaml", "--lock", dir / "fifo", "--", "touch", dir / "ran"});
    CHECK(r.exit_code == 125);
    CHECK(r.err.find("not a regular file") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "ran"));
}

TEST_CASE(
    "a lock in a missing folder, or a lock path that is a folder, exits 125 with the reason") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    auto r = test::run_cli(
        {"run", "-f", dir / "s.yaml", "--lock", dir / "missing/run.lock", "--", "true"});
    CHECK(r.exit_code == 125);
    CHECK(r.err.find("failed to open lock file " + (dir / "missing/run.lock") +
                     ": No such file or directory") != std::string::npos);
    CHECK(r.err.find("another run") == std::string::npos);
    r = test::run_cli({"run", "-f", dir / "s.yaml", "--lock", dir.path(), "--", "true"});
    CHECK(r.exit_code == 125);
    CHECK(r.err.find("failed to open lock file " + dir.path() + ": Is a directory") !=
          std::string::npos);
    if (geteuid() != 0) {  // root writes into read-only folders
        std::filesystem::create_directory(dir / "ro");
        chmod((dir / "ro").c_str(), 0555);
        r = test::run_cli(
            {"run", "-f", dir / "s.yaml", "--lock", dir / "ro/run.lock", "--", "true"});
        CHECK(r.exit_code == 125);
        CHECK(r.err.find("Permission denied") != std::string::npos);
    }
}

TEST_CASE("after kill -9 of stash-hook the task it left running still holds the lock") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill("lock: {DIR}/run.lock\n", {{"DIR", dir.path()}}));
    test::BackgroundCli first({"run", "-f", dir / "s.yaml", "--", "sh", "-c",
                               "echo $$ > " + (dir / "task.pid") + "; while [ ! -e " +
                                   (dir / "release") + " ]; do sleep 0.05; done"});
    REQUIRE(test::wait_for_file(dir / "task.pid"));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const int task = std::stoi(test::read_file(dir / "task.pid"));
    first.signal(SIGKILL);
    first.wait();
    REQUIRE(test::process_alive(task));
    auto second = test::run_cli({"run", "-f", dir / "s.yaml", "--", "touch", dir / "overlap"});
    CHECK(second.exit_code == 122);
    CHECK_FALSE(std::filesystem::exists(dir / "overlap"));
    test::write_file(dir / "release", "");  // the orphaned task ends, and with it the lock
    for (int i = 0; i < 400 && test::process_alive(task); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(test::run_cli({"run", "-f", dir / "s.yaml", "--", "touch", dir / "after"}).exit_code ==
          0);
    CHECK(std::filesystem::exists(dir / "after"));
}

TEST_CASE(
    "lockWait in the spec combines with --lock on the command line, and without any lock it is "
    "refused") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "lockWait: 30s\n");
    CHECK(test::run_cli({"validate", "-f", dir / "s.yaml"}).exit_code == 0);
    test::BackgroundCli first(
        {"run", "-f", dir / "s.yaml", "--lock", dir / "l", "--", "sh", "-c",
         "touch " + (dir / "holding") + "; sleep 1; echo first >> " + (dir / "log")});
    REQUIRE(test::wait_for_file(dir / "holding"));
    auto second = test::run_cli({"run", "-f", dir / "s.yaml", "--lock", dir / "l", "--", "sh", "-c",
                                 "echo second >> " + (dir / "log")});
    CHECK(second.exit_code == 0);  // waited for the first, as lockWait says
    CHECK(first.wait().exit_code == 0);
    CHECK(test::read_lines(dir / "log") == std::vector<std::string>{"first", "second"});

    auto alone = test::run_cli({"run", "-f", dir / "s.yaml", "--", "true"});
    CHECK(alone.exit_code == 125);
    CHECK(alone.err.find(
              "lockWait 30s needs a file to lock: give lock: in the spec or --lock FILE") !=
          std::string::npos);
}

TEST_CASE("a signal ends a run waiting for the lock at once: 143, and nothing of it runs") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     fill("lock: {DIR}/run.lock\nlockWait: 1h\n", {{"DIR", dir.path()}}));
    test::BackgroundCli first({"run", "-f", dir / "s.yaml", "--", "sh", "-c",
                               "touch " + (dir / "holding") + "; sleep 60"});
    REQUIRE(test::wait_for_file(dir / "holding"));
    test::CliOptions options;
    options.timeout_seconds = 30;  // far below the hour it would wait
    test::BackgroundCli second({"run", "-f", dir / "s.yaml", "--", "touch", dir / "task-ran"},
                               options);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // usually waiting by now
    second.signal(SIGTERM);
    CHECK(second.wait().exit_code == 143);
    CHECK_FALSE(std::filesystem::exists(dir / "task-ran"));
    first.signal(SIGTERM);
    first.wait();
}

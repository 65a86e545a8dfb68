// The status file: written at start (Running) and at the end, in every outcome.

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>

#include "test_support.hpp"

using test::fill;
using test::run_cli;

TEST_CASE("status file after success, and Running while the session runs") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(name: nightly-db
statusFile: {DIR}/st.json
command: [cp, {DIR}/st.json, {DIR}/during-task.json]
hooks:
  preBackup: {name: snapshot, exec: {command: [sh, -c, "cp {DIR}/st.json {DIR}/during.json; echo flushed"]}}
  postBackup: {name: notify, exec: {command: [true]}}
)",
                                          {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml"});
    CHECK(r.exit_code == 0);
    auto during = test::read_json(dir / "during.json");
    CHECK(during["phase"] == "Running");
    CHECK(during["exitCode"].is_null());
    CHECK(during["completionTime"].is_null());

    auto st = test::read_json(dir / "st.json");
    CHECK(st["apiVersion"] == "stash-hook/v1");
    CHECK(st["kind"] == "BackupSession");
    CHECK(st["name"].get<std::string>().rfind("nightly-db-", 0) == 0);
    CHECK(st["name"] == during["name"]);
    CHECK(st["phase"] == "Succeeded");
    CHECK(st["exitCode"] == 0);
    CHECK(st["startTime"].get<std::string>().size() == 20);
    CHECK(st["completionTime"].get<std::string>().back() == 'Z');
    CHECK(st["duration"].is_string());
    CHECK_FALSE(st.contains("error"));
    REQUIRE(st["conditions"].size() == 2);
    CHECK(st["conditions"][0] ==
          nlohmann::json{{"type", "PreBackupHookExecutionSucceeded"},
                         {"status", "True"},
                         {"reason", "SuccessfullyExecutedPreBackupHook"},
                         {"message", "Successfully executed preBackup hook."}});
    CHECK(st["conditions"][1]["type"] == "PostBackupHookExecutionSucceeded");
    CHECK(st["task"]["command"][0] == "cp");
    CHECK(st["task"]["phase"] == "Succeeded");
    CHECK(st["task"]["exitCode"] == 0);
    CHECK(st["task"]["timedOut"] == false);
    REQUIRE(st["hooks"].size() == 2);
    CHECK(st["hooks"][0]["stage"] == "preBackup");
    CHECK(st["hooks"][0]["name"] == "snapshot");
    CHECK(st["hooks"][0]["action"] == "exec");
    CHECK(st["hooks"][0]["phase"] == "Succeeded");
    CHECK(st["hooks"][0]["attempts"] == 1);
    CHECK(st["hooks"][0]["exitCode"] == 0);
    CHECK(st["hooks"][0]["output"] == "flushed\n");
    CHECK(st["members"] == nlohmann::json::array());
    // No temporary files left beside it.
    int files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        files += e.path().filename().string().find(".tmp.") != std::string::npos;
    CHECK(files == 0);
}

TEST_CASE("status file after a pre-hook failure") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     "hooks:\n  preBackup: {name: pause, exec: {command: [sh, -c, \"echo cannot "
                     "pause >&2; exit 1\"]}}\n");
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 120);
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Failed");
    CHECK(st["exitCode"] == 120);
    CHECK(st["error"] == "Failed to execute preBackup hook. Reason: exit code 1: cannot pause");
    CHECK(st["conditions"][0]["status"] == "False");
    CHECK(st["conditions"][0]["reason"] == "FailedToExecutePreBackupHook");
    CHECK(st["task"]["phase"] == "Skipped");
    CHECK(st["task"]["exitCode"].is_null());
}

TEST_CASE("status file after a task failure") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "sh",
                      "-c", "exit 3"});
    CHECK(r.exit_code == 3);
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Failed");
    CHECK(st["exitCode"] == 3);
    CHECK(st["error"] == "backup command failed: exit code 3");
    CHECK(st["task"]["phase"] == "Failed");
    CHECK(st["task"]["exitCode"] == 3);
    CHECK(st["conditions"] == nlohmann::json::array());
}

TEST_CASE("status file after a post-hook failure") {
    test::TempDir dir;
    test::write_file(
        dir / "s.yaml",
        "hooks:\n  postBackup: {name: notify, exec: {command: [sh, -c, \"exit 9\"]}}\n");
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 121);
    auto st = test::read_json(dir / "st.json");
    CHECK(st["phase"] == "Failed");
    CHECK(st["exitCode"] == 121);
    CHECK(st["error"] == "Failed to execute postBackup hook. Reason: exit code 9");
    CHECK(st["conditions"][0] ==
          nlohmann::json{{"type", "PostBackupHookExecutionSucceeded"},
                         {"status", "False"},
                         {"reason", "FailedToExecutePostBackupHook"},
                         {"message", "Failed to execute postBackup hook. Reason: exit code 9"}});
    CHECK(st["task"]["phase"] == "Succeeded");
}

TEST_CASE("a restore session uses the restore stages and kind") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  preBackup: {exec: {command: [touch, {DIR}/backup-hook]}}
  preRestore: {exec: {command: [touch, {DIR}/restore-hook]}}
)",
                                          {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "--kind", "restore", "-f", dir / "s.yaml", "--status-file",
                      dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 0);
    auto st = test::read_json(dir / "st.json");
    CHECK(st["kind"] == "RestoreSession");
    CHECK(st["conditions"][0]["type"] == "PreRestoreHookExecutionSucceeded");
    CHECK(st["hooks"][0]["stage"] == "preRestore");
    CHECK(std::filesystem::exists(dir / "restore-hook"));
    CHECK_FALSE(std::filesystem::exists(dir / "backup-hook"));
}

TEST_CASE(
    "a status file that cannot be written gives 125 after the post hooks ran, and nothing says "
    "success") {
    test::TempDir dir;
    // The folder is there at the start and replaced by a plain file during the session.
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup: {exec: {command: [sh, -c, "rm -rf {DIR}/gone && touch {DIR}/gone {DIR}/undone"]}}
)",
                                          {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "gone/st.json",
                      "--metrics-file", dir / "m.prom", "--", "touch", dir / "task"});
    CHECK(r.exit_code == 125);
    CHECK(r.err.find("failed to write status file " + (dir / "gone/st.json")) != std::string::npos);
    CHECK(std::filesystem::exists(dir / "task"));
    CHECK(std::filesystem::exists(dir / "undone"));
    // The closing line and the metrics agree with the exit code.
    CHECK(r.err.find("Succeeded in") == std::string::npos);
    CHECK(r.err.find("Failed in") != std::string::npos);
    const std::string metrics = test::read_file(dir / "m.prom");
    CHECK(metrics.find("stash_hook_last_exit_code{target=\"s\",kind=\"backup\"} 125") !=
          std::string::npos);
    CHECK(metrics.find("stash_hook_last_success{target=\"s\",kind=\"backup\"} 0") !=
          std::string::npos);
}

TEST_CASE("a fresh install: the missing folders of the status and metrics files are created 0755") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    const mode_t old = umask(022);
    auto r =
        run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "var/lib/stash-hook/t.json",
                 "--metrics-file", dir / "textfile/stash-hook/t.prom", "--", "true"});
    umask(old);
    CHECK(r.exit_code == 0);
    CHECK(test::read_json(dir / "var/lib/stash-hook/t.json")["phase"] == "Succeeded");
    CHECK(test::read_file(dir / "textfile/stash-hook/t.prom").find("stash_hook_last_success") !=
          std::string::npos);
    for (const char* folder :
         {"var", "var/lib", "var/lib/stash-hook", "textfile", "textfile/stash-hook"}) {
        CAPTURE(folder);
        struct stat st {};
        REQUIRE(stat((dir / folder).c_str(), &st) == 0);
        CHECK((st.st_mode & 07777) == 0755);
        CHECK(st.st_uid == geteuid());
    }
    // No probe file left behind.
    CHECK(std::distance(std::filesystem::directory_iterator(dir / "var/lib/stash-hook"),
                        std::filesystem::directory_iterator()) == 1);
}

TEST_CASE(
    "a status or metrics folder that cannot be written is refused with 125 before any hook ran") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     fill("hooks:\n  preBackup: {exec: {command: [touch, {DIR}/w/pre]}}\n",
                          {{"DIR", dir.path()}}));
    std::filesystem::create_directory(dir / "w");
    test::write_file(dir / "plain", "");
    for (const char* option : {"--status-file", "--metrics-file"}) {
        CAPTURE(option);
        auto r = run_cli({"run", "-f", dir / "s.yaml", option, dir / "plain/sub/st.json", "--",
                          "touch", dir / "task"});
        CHECK(r.exit_code == 125);
        CHECK(r.err.find("plain/sub/st.json: cannot create") != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(dir / "w/pre"));
        CHECK_FALSE(std::filesystem::exists(dir / "task"));
    }
    // A folder the user may not write (root may write anywhere: run as nobody).
    if (geteuid() == 0 && std::filesystem::exists("/usr/bin/setpriv")) {
        std::filesystem::permissions(dir.path(), std::filesystem::perms(0755));
        std::filesystem::permissions(dir / "w", std::filesystem::perms(0777));
        std::filesystem::create_directory(dir / "ro");
        std::filesystem::permissions(dir / "ro", std::filesystem::perms(0555));
        const std::string command = "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups " +
                                    test::binary() + " run -f " + (dir / "s.yaml") +
                                    " --status-file " + (dir / "ro/st.json") + " -- true 2>" +
                                    (dir / "w/err");
        const int status = std::system(command.c_str());
        CHECK(WEXITSTATUS(status) == 125);
        CHECK(test::read_file(dir / "w/err")
                  .find("failed to use status file " + (dir / "ro/st.json") +
                        ": cannot create a file in " + (dir / "ro")) != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(dir / "w/pre"));
    }
}

TEST_CASE(
    "a status or metrics file naming a directory or a FIFO is refused with 125 before anything "
    "runs") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml",
                     fill("hooks:\n  preBackup: {exec: {command: [touch, {DIR}/pre]}}\n",
                          {{"DIR", dir.path()}}));
    std::filesystem::create_directory(dir / "folder");
    REQUIRE(mkfifo((dir / "fifo").c_str(), 0600) == 0);
    for (const char* option : {"--status-file", "--metrics-file"}) {
        for (const std::string& target : {dir / "folder", dir / "fifo"}) {
            CAPTURE(option);
            CAPTURE(target);
            auto r =
                run_cli({"run", "-f", dir / "s.yaml", option, target, "--", "touch", dir / "task"});
            CHECK(r.exit_code == 125);
            CHECK(r.err.find(target + ": ") != std::string::npos);
            CHECK(r.err.find(target.ends_with("fifo") ? "is a FIFO" : "is a directory") !=
                  std::string::npos);
            CHECK_FALSE(std::filesystem::exists(dir / "pre"));
            CHECK_FALSE(std::filesystem::exists(dir / "task"));
        }
    }
    CHECK(std::filesystem::is_directory(dir / "folder"));
    CHECK(std::filesystem::is_fifo(dir / "fifo"));
    // In the spec too.
    test::write_file(dir / "s2.yaml", fill("statusFile: {DIR}/fifo\n", {{"DIR", dir.path()}}));
    CHECK(run_cli({"run", "-f", dir / "s2.yaml", "--", "true"}).exit_code == 125);
    // And serve refuses it at start, before any session could replace the FIFO.
    test::write_file(dir / "s3.yaml",
                     fill("statusFile: {DIR}/fifo\ncommand: [\"true\"]\n", {{"DIR", dir.path()}}));
    auto served = run_cli({"serve", "-f", dir / "s3.yaml", "--listen", "127.0.0.1:0"});
    CHECK(served.exit_code == 125);
    CHECK(served.err.find("is a FIFO") != std::string::npos);
    CHECK(std::filesystem::is_fifo(dir / "fifo"));
}

TEST_CASE("a status file that is a symlink is followed to its regular file, which is replaced") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    test::write_file(dir / "real.json", "{}");
    std::filesystem::create_symlink(dir / "real.json", dir / "link.json");
    auto r =
        run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "link.json", "--", "true"});
    CHECK(r.exit_code == 0);
    CHECK(std::filesystem::is_symlink(dir / "link.json"));
    CHECK(test::read_json(dir / "real.json")["phase"] == "Succeeded");
    // A symlink to something that is not a regular file is refused.
    std::filesystem::create_directory(dir / "folder");
    std::filesystem::create_symlink(dir / "folder", dir / "to-folder");
    r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "to-folder", "--", "true"});
    CHECK(r.exit_code == 125);
    CHECK(r.err.find("is a directory") != std::string::npos);
}

TEST_CASE(
    "a status file replaced by a FIFO during the session is not replaced, and the run exits 125") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", fill(R"(hooks:
  postBackup: {exec: {command: [sh, -c, "rm -f {DIR}/st.json && mkfifo {DIR}/st.json"]}}
)",
                                          {{"DIR", dir.path()}}));
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json", "--", "true"});
    CHECK(r.exit_code == 125);
    CHECK(r.err.find("is a FIFO") != std::string::npos);
    CHECK(std::filesystem::is_fifo(dir / "st.json"));
}

TEST_CASE("status and metrics files honour the umask and never widen an existing file's mode") {
    test::TempDir dir;
    test::write_file(dir / "s.yaml", "name: t\n");
    const mode_t old = umask(077);
    auto r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "st.json",
                      "--metrics-file", dir / "m.prom", "--", "true"});
    umask(old);
    CHECK(r.exit_code == 0);
    struct stat st {};
    REQUIRE(stat((dir / "st.json").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    REQUIRE(stat((dir / "m.prom").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    // An existing file keeps its narrower mode under a wide umask.
    test::write_file(dir / "keep.json", "{}");
    chmod((dir / "keep.json").c_str(), 0640);
    const mode_t old2 = umask(0);
    r = run_cli({"run", "-f", dir / "s.yaml", "--status-file", dir / "keep.json", "--", "true"});
    umask(old2);
    CHECK(r.exit_code == 0);
    REQUIRE(stat((dir / "keep.json").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0640);
}

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>

#include "session/status_writer.hpp"

using namespace stash_hook;
using namespace std::chrono_literals;

TEST_CASE("the status document has the contract's fields") {
    SessionResult r;
    r.name = "nightly-db-20261126-030000-7f3a";
    r.kind = Kind::Backup;
    r.start_time = std::chrono::system_clock::from_time_t(1795662000);  // 2026-11-26T03:00:00Z
    r.completion_time = r.start_time + 250s;
    r.duration = 250s;
    r.phase = Phase::Failed;
    r.exit_code = 121;
    r.error = "Failed to execute postBackup hook. Reason: HTTP status 503";
    r.conditions.push_back({"PostBackupHookExecutionSucceeded", false,
                            "FailedToExecutePostBackupHook",
                            "Failed to execute postBackup hook. Reason: HTTP status 503"});
    r.task.command = {"restic", "backup", "/data"};
    r.task.phase = Phase::Succeeded;
    r.task.exit_code = 0;
    r.task.duration = 248s;
    HookResult h;
    h.stage = Stage::PostBackup;
    h.name = "notify";
    h.action = "httpPost";
    h.phase = Phase::Failed;
    h.attempts = 1;
    h.duration = 120ms;
    h.status_code = 503;
    h.error = "HTTP status 503";
    r.hooks.push_back(h);
    HookResult e;
    e.stage = Stage::PreBackup;
    e.name = "flush";
    e.action = "exec";
    e.phase = Phase::Succeeded;
    e.attempts = 1;
    e.exit_code = 0;
    e.output = "bad \xff byte\n";
    r.hooks.insert(r.hooks.begin(), e);

    const auto j = status_json(r);
    CHECK(j["apiVersion"] == "stash-hook/v1");
    CHECK(j["kind"] == "BackupSession");
    CHECK(j["name"] == r.name);
    CHECK(j["phase"] == "Failed");
    CHECK(j["exitCode"] == 121);
    CHECK(j["startTime"] == "2026-11-26T03:00:00Z");
    CHECK(j["completionTime"] == "2026-11-26T03:04:10Z");
    CHECK(j["duration"] == "4m10s");
    CHECK(j["error"] == r.error);
    CHECK(j["conditions"][0]["type"] == "PostBackupHookExecutionSucceeded");
    CHECK(j["conditions"][0]["status"] == "False");
    CHECK(j["conditions"][0]["reason"] == "FailedToExecutePostBackupHook");
    CHECK(j["task"]["command"][0] == "restic");
    CHECK(j["task"]["phase"] == "Succeeded");
    CHECK(j["task"]["exitCode"] == 0);
    CHECK(j["task"]["signal"].is_null());
    CHECK(j["task"]["timedOut"] == false);
    CHECK(j["task"]["duration"] == "4m8s");
    CHECK(j["hooks"][1]["stage"] == "postBackup");
    CHECK(j["hooks"][1]["statusCode"] == 503);
    CHECK(j["hooks"][1]["duration"] == "120ms");
    CHECK(j["hooks"][1]["error"] == "HTTP status 503");
    CHECK(j["hooks"][0]["exitCode"] == 0);
    CHECK(j["hooks"][0].contains("output"));
    CHECK(j["members"].is_array());

    // Invalid UTF-8 in captured output must not break the file.
    const std::string path = "/tmp/stash-hook-status-unit-" + std::to_string(getpid()) + ".json";
    REQUIRE(write_status_file(path, r).has_value());
    std::remove(path.c_str());
}

TEST_CASE("a running session has no completion fields yet") {
    SessionResult r;
    r.name = "x";
    r.kind = Kind::Restore;
    const auto j = status_json(r);
    CHECK(j["kind"] == "RestoreSession");
    CHECK(j["phase"] == "Running");
    CHECK(j["exitCode"].is_null());
    CHECK(j["completionTime"].is_null());
    CHECK(j["task"]["phase"] == "Skipped");
}

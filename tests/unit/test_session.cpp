// The session engine with fake actions (SessionOptions::run_action): the order of hooks
// per stage, executionPolicy, onError, hook and session retries, batches, and that
// `plan` lists exactly what `run` runs for every example spec. Tasks are real
// processes that append to the same log as the fake hooks, so the log is the order.

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "session/plan.hpp"
#include "session/session.hpp"
#include "spec/spec_loader.hpp"

using namespace stash_hook;
namespace fs = std::filesystem;

namespace {

struct Recorder {
    fs::path dir;
    fs::path log;
    std::mutex mutex;
    std::map<std::string, std::vector<bool>> plan;  // hook name -> outcomes per call (last repeats)
    std::map<std::string, int> calls;

    Recorder() {
        dir = fs::temp_directory_path() / ("stash-hook-session-" + std::to_string(::getpid()) +
                                           "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
        fs::create_directories(dir);
        log = dir / "log";
    }
    ~Recorder() { fs::remove_all(dir); }

    void append(const std::string& line) { std::ofstream(log, std::ios::app) << line << "\n"; }

    std::vector<std::string> lines() const {
        std::vector<std::string> out;
        std::ifstream in(log);
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    }

    static std::string label(const Hook& hook, const Member* member) {
        return (member ? member->name + "/" : "") + to_string(hook.stage) + "/" + hook.name;
    }

    SessionOptions options() {
        SessionOptions o;
        o.take_terminal = false;
        o.session_name = "test";
        o.run_action = [this](const HookCall& call) {
            std::lock_guard lock(mutex);
            append(label(call.hook, call.member));
            const int n = calls[call.hook.name]++;
            const auto& outcomes = plan[call.hook.name];
            ActionOutcome outcome;
            outcome.succeeded =
                outcomes.empty() ? true : outcomes[std::min<size_t>(n, outcomes.size() - 1)];
            if (!outcome.succeeded) outcome.error = "fake failure";
            return outcome;
        };
        return o;
    }

    /// A task that logs `name` and exits with `code`.
    std::string task(const std::string& name, int code = 0) const {
        return "[sh, -c, 'echo " + name + " >> " + log.string() + "; exit " + std::to_string(code) +
               "']";
    }

    Spec load(const std::string& yaml) const {
        auto r = load_spec_text(yaml, "hooks.yaml");
        if (!r.spec) {
            for (const auto& p : r.problems) MESSAGE(p.message);
        }
        REQUIRE(r.spec.has_value());
        Spec spec = *r.spec;
        spec.status_file = (dir / "status.json").string();
        return spec;
    }
};

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("session: hooks run in order per stage around the task") {
    Recorder rec;
    const Spec spec = rec.load("command: " + rec.task("task") + R"(
hooks:
  preBackup:
    - {name: a, exec: {command: ["true"]}}
    - {name: b, httpGet: {port: 9}}
  postBackup:
    - {name: c, tcpSocket: {port: 9}}
    - {name: d, exec: {command: ["true"]}}
)");
    const SessionResult result = run_session(spec, rec.options());
    CHECK(rec.lines() ==
          Lines{"preBackup/a", "preBackup/b", "task", "postBackup/c", "postBackup/d"});
    CHECK(result.phase == Phase::Succeeded);
    CHECK(result.hooks.size() == 4);
}

TEST_CASE("session: a failing pre hook skips the rest and the task, and post hooks still run") {
    Recorder rec;
    rec.plan["a"] = {false};
    const Spec spec = rec.load("command: " + rec.task("task") + R"(
hooks:
  preBackup:
    - {name: a, exec: {command: ["true"]}}
    - {name: b, exec: {command: ["true"]}}
  postBackup:
    - {name: always, exec: {command: ["true"]}}
    - {name: ok, executionPolicy: OnSuccess, exec: {command: ["true"]}}
    - {name: failed, executionPolicy: OnFailure, exec: {command: ["true"]}}
)");
    const SessionResult result = run_session(spec, rec.options());
    CHECK(rec.lines() == Lines{"preBackup/a", "postBackup/always", "postBackup/failed"});
    CHECK(result.phase == Phase::Failed);
    CHECK(result.exit_code != 0);
}

TEST_CASE("session: executionPolicy of post hooks follows the task's outcome") {
    for (const int code : {0, 3}) {
        CAPTURE(code);
        Recorder rec;
        const Spec spec = rec.load("command: " + rec.task("task", code) + R"(
hooks:
  postBackup:
    - {name: always, exec: {command: ["true"]}}
    - {name: ok, executionPolicy: OnSuccess, exec: {command: ["true"]}}
    - {name: failed, executionPolicy: OnFailure, exec: {command: ["true"]}}
    - {name: final, executionPolicy: OnFinalRetryFailure, exec: {command: ["true"]}}
)");
        run_session(spec, rec.options());
        if (code == 0)
            CHECK(rec.lines() == Lines{"task", "postBackup/always", "postBackup/ok"});
        else
            CHECK(rec.lines() ==
                  Lines{"task", "postBackup/always", "postBackup/failed", "postBackup/final"});
    }
}

TEST_CASE("session: onError Continue lets the task run after a failing pre hook") {
    Recorder rec;
    rec.plan["a"] = {false};
    const Spec spec = rec.load("command: " + rec.task("task") + R"(
hooks:
  preBackup:
    - {name: a, onError: Continue, exec: {command: ["true"]}}
    - {name: b, exec: {command: ["true"]}}
)");
    const SessionResult result = run_session(spec, rec.options());
    CHECK(rec.lines() == Lines{"preBackup/a", "preBackup/b", "task"});
    REQUIRE(result.hooks.size() == 2);
    CHECK(result.hooks[0].continued);
}

TEST_CASE("session: a hook is retried until it succeeds, within its retry attempts") {
    Recorder rec;
    rec.plan["flaky"] = {false, false, true};
    rec.plan["broken"] = {false};
    const Spec spec = rec.load("command: " + rec.task("task") + R"(
hooks:
  preBackup:
    - {name: flaky, retry: {attempts: 3, delay: 1ms}, exec: {command: ["true"]}}
  postBackup:
    - {name: broken, retry: {attempts: 1, delay: 1ms}, exec: {command: ["true"]}}
)");
    const SessionResult result = run_session(spec, rec.options());
    CHECK(rec.lines() == Lines{"preBackup/flaky", "preBackup/flaky", "preBackup/flaky", "task",
                               "postBackup/broken", "postBackup/broken"});
    REQUIRE(result.hooks.size() == 2);
    CHECK(result.hooks[0].attempts == 3);
    CHECK(result.hooks[0].phase == Phase::Succeeded);
    CHECK(result.hooks[1].attempts == 2);
    CHECK(result.hooks[1].phase == Phase::Failed);
}

TEST_CASE(
    "session: a failed attempt is retried as a whole, and OnFinalRetryFailure waits for the last") {
    Recorder rec;
    rec.plan["gate"] = {false, true};
    const Spec spec = rec.load("command: " + rec.task("task") + R"(
retries: {attempts: 2, delay: 1ms}
hooks:
  preBackup:
    - {name: gate, exec: {command: ["true"]}}
  postBackup:
    - {name: final, executionPolicy: OnFinalRetryFailure, exec: {command: ["true"]}}
    - {name: always, exec: {command: ["true"]}}
)");
    const SessionResult result = run_session(spec, rec.options());
    CHECK(rec.lines() == Lines{"preBackup/gate", "postBackup/always", "preBackup/gate", "task",
                               "postBackup/always"});
    CHECK(result.phase == Phase::Succeeded);
}

TEST_CASE(
    "session: a batch runs global pre hooks, each member's hooks and task, then global post "
    "hooks") {
    Recorder rec;
    const Spec spec = rec.load("parallelism: 1\ncommand: " + rec.task("shared") + R"(
hooks:
  preBackup: {name: g-pre, exec: {command: ["true"]}}
  postBackup: {name: g-post, exec: {command: ["true"]}}
members:
  - name: one
    hooks:
      preBackup: {name: pre1, exec: {command: ["true"]}}
      postBackup: {name: post1, exec: {command: ["true"]}}
  - name: two
    command: )" + rec.task("own") +
                               R"(
    hooks:
      postBackup: {name: post2, exec: {command: ["true"]}}
)");
    const SessionResult result = run_session(spec, rec.options());
    CHECK(rec.lines() == Lines{"preBackup/g-pre", "one/preBackup/pre1", "shared",
                               "one/postBackup/post1", "own", "two/postBackup/post2",
                               "postBackup/g-post"});
    CHECK(result.phase == Phase::Succeeded);
    CHECK(result.members.size() == 2);
}

TEST_CASE("plan lists exactly what run runs, in order, for every example spec") {
    const fs::path examples = fs::path(STASH_HOOK_SOURCE_DIR) / "examples";
    int checked = 0;
    for (const auto& entry : fs::recursive_directory_iterator(examples)) {
        if (entry.path().extension() != ".yaml" ||
            entry.path().string().find("/demo/") != std::string::npos)
            continue;
        auto loaded = load_spec_file(entry.path().string());
        if (!loaded.spec) continue;  // a Kubernetes manifest that is not a spec
        CAPTURE(entry.path().string());
        Recorder rec;
        Spec spec = *loaded.spec;
        spec.status_file = (rec.dir / "status.json").string();
        spec.parallelism = 1;       // the plan lists members one after another
        spec.retries.attempts = 0;  // one attempt: the plan is one attempt's steps
        spec.command = {"sh", "-c", "echo task >> " + rec.log.string()};
        spec.pipeline.clear();  // the task is the recorder's (pg_dump.yaml has a pipeline)
        spec.output.clear();
        for (Member& m : spec.members)
            if (!m.command.empty())
                m.command = {"sh", "-c", "echo " + m.name + "/task >> " + rec.log.string()};

        Lines planned;
        for (const PlanStep& step : plan_steps(spec)) {
            if (step.hook) {
                // Every post hook runs when everything succeeds, but for failure-only ones.
                if (!is_pre(step.hook->stage) && step.hook->policy != ExecutionPolicy::Always &&
                    step.hook->policy != ExecutionPolicy::OnSuccess)
                    continue;
                planned.push_back(Recorder::label(*step.hook, step.member));
            } else {
                const bool own = step.member && !step.member->command.empty();
                planned.push_back(own ? step.member->name + "/task" : "task");
            }
        }
        run_session(spec, rec.options());
        CHECK(rec.lines() == planned);
        ++checked;
    }
    CHECK(checked >= 5);
}

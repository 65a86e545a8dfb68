#include <doctest/doctest.h>

#include "session/session.hpp"
#include "session/session_result.hpp"

using namespace stash_hook;

TEST_CASE("exit codes follow the man page (EXIT STATUS) and its precedence") {
    SessionResult r;
    r.task.phase = Phase::Succeeded;
    r.task.exit_code = 0;
    CHECK(exit_code_for(r) == 0);

    SUBCASE("a post hook failed after a good task: 121") {
        r.post_hook_failed = true;
        CHECK(exit_code_for(r) == 121);
    }
    SUBCASE("a pre hook failed: 120, even if a post hook failed too") {
        r.task.phase = Phase::Skipped;
        r.pre_hook_failed = true;
        r.post_hook_failed = true;
        CHECK(exit_code_for(r) == 120);
    }
    SUBCASE("the task's own code beats hook failures") {
        r.task.phase = Phase::Failed;
        r.task.exit_code = 3;
        r.post_hook_failed = true;
        CHECK(exit_code_for(r) == 3);
    }
    SUBCASE("timeout: 124, whatever the task exited with") {
        r.task.phase = Phase::Failed;
        r.task.timed_out = true;
        r.task.exit_code.reset();
        r.task.signal = 15;
        CHECK(exit_code_for(r) == 124);
    }
    SUBCASE("killed by signal N: 128+N") {
        r.task.phase = Phase::Failed;
        r.task.exit_code.reset();
        r.task.signal = 9;
        CHECK(exit_code_for(r) == 137);
    }
    SUBCASE("not found and not executable keep 127 and 126") {
        r.task.phase = Phase::Failed;
        r.task.exit_code = 127;
        CHECK(exit_code_for(r) == 127);
        r.task.exit_code = 126;
        CHECK(exit_code_for(r) == 126);
    }
    SUBCASE("in a batch, the first failed member's task code wins") {
        r.task.phase = Phase::Skipped;
        MemberResult a, b, c;
        a.pre_hook_failed = true;
        a.phase = Phase::Failed;
        b.task.phase = Phase::Failed;
        b.task.exit_code = 4;
        c.task.phase = Phase::Failed;
        c.task.signal = 9;
        r.members = {a, b, c};
        CHECK(exit_code_for(r) == 4);
        r.members = {a};
        CHECK(exit_code_for(r) == 120);
        MemberResult d;
        d.post_hook_failed = true;
        r.members = {d};
        CHECK(exit_code_for(r) == 121);
    }
    SUBCASE("a status file that could not be written: 125 above all") {
        r.task.phase = Phase::Failed;
        r.task.exit_code = 3;
        r.status_error = "failed to write status file";
        CHECK(exit_code_for(r) == 125);
    }
}

TEST_CASE("executionPolicy decides which post hooks run") {
    for (bool final_attempt : {true, false}) {
        CAPTURE(final_attempt);
        CHECK(policy_allows(ExecutionPolicy::Always, Phase::Succeeded, final_attempt));
        CHECK(policy_allows(ExecutionPolicy::Always, Phase::Failed, final_attempt));
        CHECK(policy_allows(ExecutionPolicy::OnSuccess, Phase::Succeeded, final_attempt));
        CHECK_FALSE(policy_allows(ExecutionPolicy::OnSuccess, Phase::Failed, final_attempt));
        CHECK_FALSE(policy_allows(ExecutionPolicy::OnFailure, Phase::Succeeded, final_attempt));
        CHECK(policy_allows(ExecutionPolicy::OnFailure, Phase::Failed, final_attempt));
        CHECK_FALSE(
            policy_allows(ExecutionPolicy::OnFinalRetryFailure, Phase::Succeeded, final_attempt));
    }
    CHECK(policy_allows(ExecutionPolicy::OnFinalRetryFailure, Phase::Failed, true));
    CHECK_FALSE(policy_allows(ExecutionPolicy::OnFinalRetryFailure, Phase::Failed, false));
}

TEST_CASE("decide_exit_code is the one authority: each rule once, in precedence order") {
    TaskResult failed_task;
    failed_task.phase = Phase::Failed;
    failed_task.exit_code = 3;
    CHECK(decide_exit_code({}) == 0);
    CHECK(decide_exit_code({.post_hook_failed = true}) == 121);
    CHECK(decide_exit_code({.pre_hook_failed = true, .post_hook_failed = true}) == 120);
    CHECK(decide_exit_code({.failed_task = &failed_task, .pre_hook_failed = true}) == 3);
    CHECK(decide_exit_code({.interrupted_by = 15, .failed_task = &failed_task}) == 143);
    CHECK(decide_exit_code(
              {.report_failed = true, .interrupted_by = 2, .failed_task = &failed_task}) == 125);
}

TEST_CASE("a batch member's exit code and the session's come from the same facts") {
    MemberResult m;
    m.pre_hook_failed = true;
    CHECK(exit_code_for(m) == 120);
    m.task.phase = Phase::Failed;
    m.task.timed_out = true;
    CHECK(exit_code_for(m) == 124);
    SessionResult r;
    r.members = {m};
    CHECK(exit_code_for(r) == exit_code_for(m));
}

#include "session/session.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "actions/action.hpp"
#include "actions/container_port.hpp"
#include "process/interrupts.hpp"
#include "process/subprocess.hpp"
#include "session/held_output.hpp"
#include "session/metrics_writer.hpp"
#include "session/pipeline_task.hpp"
#include "session/status_writer.hpp"
#include "spec/hook_template.hpp"
#include "util/atomic_file.hpp"
#include "util/duration.hpp"
#include "util/log_context.hpp"
#include "util/secrets.hpp"
#include "util/text.hpp"
#include "util/uuid.hpp"

namespace stash_hook {
namespace {

using Clock = std::chrono::steady_clock;
using EnvPairs = std::vector<std::pair<std::string, std::string>>;

bool interrupted_since(int seen) { return interrupts::count() > seen; }

/// The signal count post hooks start from, given the count the session started from:
/// the first signal of the session lets them run (with their own timeouts) whether it
/// came before them or arrives while they run; only one after it stops them.
int post_hooks_seen(int session_seen) { return std::max(interrupts::count(), session_seen + 1); }
std::string interrupted_reason() {
    return "interrupted by " + signal_name(interrupts::first_signal());
}

/// Where a hook or a task runs: the session, the target (a batch member or not), and
/// in post stages what happened so far.
struct Context {
    const Spec* spec = nullptr;
    const SessionOptions* options = nullptr;
    std::string session;
    std::string run_id = random_uuid();  // .RunId
    WallTime start_time{};
    Clock::time_point start{};
    int retry_left = 0;
    const Member* member = nullptr;
    std::vector<std::string> command;  // this target's task
    /// Signals up to this count are already dealt with; a new one interrupts what runs.
    int seen = 0;
    // Post stages only:
    std::optional<Phase> phase;
    std::string error;
    std::optional<int> task_exit_code;
    int session_exit_code = 0;         // so far (man page, TEMPLATES: .Status.ExitCode)
    const TaskResult* task = nullptr;  // this target's task, once it ran or was skipped
    /// quietUnlessFailed: where the task's stdout and stderr are held (man page, SPEC).
    const HeldOutput* held = nullptr;
    std::vector<std::string> warnings;
    std::vector<TemplateFacts::StageFacts> stages;

    std::string prefix() const { return member ? "[" + member->name + "] " : ""; }

    EnvPairs env(std::optional<Stage> stage) const {
        EnvPairs env = {{"STASH_HOOK_SESSION", session},
                        {"STASH_HOOK_KIND", to_string(spec->kind)}};
        if (stage) env.emplace_back("STASH_HOOK_STAGE", to_string(*stage));
        if (member) env.emplace_back("STASH_HOOK_MEMBER", member->name);
        if (phase) {
            env.emplace_back("STASH_HOOK_PHASE", to_string(*phase));
            env.emplace_back("STASH_HOOK_TASK_EXIT_CODE",
                             task_exit_code ? std::to_string(*task_exit_code) : "");
            env.emplace_back("STASH_HOOK_ERROR", error);
        }
        return env;
    }

    tmpl::Value template_data(Stage stage) const {
        TemplateFacts facts;
        facts.session_name = session;
        facts.run_id = run_id;
        facts.stage = stage;
        facts.phase = phase ? to_string(*phase) : "Running";
        facts.elapsed = Clock::now() - start;
        facts.error = error;
        facts.exit_code = task_exit_code;
        facts.session_exit_code = session_exit_code;
        if (task) {
            facts.task_ran = task->ran;
            facts.task_output = task->output_tail;
            facts.task_stdout = task->stdout_tail;
            facts.task_stderr = task->stderr_tail;
        }
        facts.retry_left = retry_left;
        facts.start_time = start_time;
        facts.command = command;
        facts.member = member;
        facts.warnings = warnings;
        facts.stages = stages;
        return stash_hook::template_data(*spec, facts);
    }
};

/// Logs the last lines of a hook's captured output, indented under its result line.
void log_output_tail(spdlog::level::level_enum level, const std::string& output) {
    constexpr size_t kMaxLines = 20;
    std::vector<std::string_view> lines;
    std::string_view rest(output);
    while (!rest.empty()) {
        const size_t nl = rest.find('\n');
        lines.push_back(rest.substr(0, nl));
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    const size_t first = lines.size() > kMaxLines ? lines.size() - kMaxLines : 0;
    for (size_t i = first; i < lines.size(); ++i) spdlog::log(level, "  | {}", lines[i]);
}

std::string capitalized(std::string s) {
    if (!s.empty()) s[0] = ascii_upper(s[0]);
    return s;
}

/// A failure worth retrying when a hook retries transient failures only (monitors): no
/// response (refused, reset, timed out), a server error (5xx) or Too Many Requests (429).
bool is_transient(const ActionOutcome& outcome) {
    return !outcome.status_code || *outcome.status_code >= 500 || *outcome.status_code == 429;
}

/// Each hook that failed but let the session go on (onError: Continue, as a monitor does
/// unless required), as a warning for the status file (man page, MONITORS).
std::vector<std::string> hook_warnings(const SessionResult& result) {
    std::vector<std::string> warnings;
    auto from = [&](const std::vector<HookResult>& hooks, const std::string& prefix) {
        for (const auto& h : hooks)
            if (h.phase == Phase::Failed && h.continued)
                warnings.push_back(prefix + to_string(h.stage) + " hook \"" + h.name +
                                   "\" failed (onError: Continue): " + h.error);
    };
    from(result.hooks, "");
    for (const auto& m : result.members) from(m.hooks, "[" + m.name + "] ");
    return warnings;
}

HookResult hook_result_for(const Hook& hook) {
    HookResult r;
    r.stage = hook.stage;
    r.name = hook.name;
    r.action = action_name(hook.action);
    return r;
}

/// Whether a pre hook's attempt ended with its skipExitCode (man page, SPEC).
bool asks_to_skip(const Hook& hook, const ActionOutcome& outcome) {
    return !outcome.succeeded && hook.skip_exit_code && outcome.exit_code == hook.skip_exit_code;
}

/// Runs one hook with its retries: renders its templates, wraps it for its
/// container, and logs its start and end.
HookResult run_hook(const Hook& hook, const Context& ctx) {
    HookResult result = hook_result_for(hook);
    log_context::Fields fields = log_context::current();  // the session's and the member's
    fields.stage = to_string(hook.stage);
    fields.hook = hook.name;
    fields.action = result.action;
    log_context::Scope scope(fields);
    const std::string label = ctx.prefix() + to_string(hook.stage) + " hook \"" + hook.name + "\"";
    const auto start = Clock::now();

    tmpl::RenderLimits limits;
    if (hook.timeout.count() > 0)
        limits.deadline = deadline_after(std::chrono::steady_clock::now(), hook.timeout);
    limits.interrupted = [seen = ctx.seen] { return interrupted_since(seen); };
    auto rendered = render_hook(
        hook, std::function<tmpl::Value()>([&] { return ctx.template_data(hook.stage); }), limits);
    std::vector<Action> pod_actions;  // a Pod executor's: the exec in each selected pod
    if (rendered) {
        auto* exec = std::get_if<ExecAction>(&rendered->action);
        const std::string selector = kubectl_selector(*ctx.spec, hook);
        if (exec && !selector.empty()) {
            if (auto pods = select_pods(*ctx.spec, selector, {hook.timeout, {}, ctx.seen}); !pods) {
                rendered = unexpected(pods.error());
            } else {
                for (const auto& pod : *pods) {
                    ExecAction in_pod = *exec;
                    in_pod.command =
                        kubectl_exec(*ctx.spec, pod, rendered->container_name, exec->command);
                    pod_actions.emplace_back(std::move(in_pod));
                    if (!hook.all_pods) break;  // ExecuteOnOne
                }
                rendered->action = pod_actions.front();
            }
        } else if (exec)
            exec->command =
                container_command(*ctx.spec, rendered->container_name, exec->command, ctx.member);
        else if (auto port = resolve_container_port(
                     rendered->action, *ctx.spec,
                     selector.empty() ? kubectl_pod(*ctx.spec, ctx.member) : "",
                     rendered->container_name, {hook.timeout, {}, ctx.seen});
                 !port)
            rendered = unexpected(port.error());
    }
    spdlog::info("{} ({}) started: {}{}", label, result.action,
                 action_target(rendered ? rendered->action : hook.action),
                 pod_actions.size() > 1
                     ? " (and in " + std::to_string(pod_actions.size() - 1) + " more pods)"
                     : "");
    spdlog::debug("{}: timeout {}, {} retries, onError {}", label, format_duration(hook.timeout),
                  hook.retry.attempts, to_string(hook.on_error));

    ActionOutcome outcome;
    if (!rendered) {
        result.attempts = 1;
        outcome.error = rendered.error();
    } else {
        ActionContext action_ctx;
        action_ctx.timeout = hook.timeout;
        action_ctx.interrupts_seen = ctx.seen;
        action_ctx.stash_headers = ctx.spec->is_stash_manifest();
        if (const auto* exec = std::get_if<ExecAction>(&hook.action)) {
            EnvPairs env =
                exec->env;  // the hook's own env:, then stash-hook's (never the same names)
            for (auto& pair : ctx.env(hook.stage)) env.push_back(std::move(pair));
            action_ctx.env = make_environment(env);
        }
        Duration delay = hook.retry.delay;
        for (int attempt = 1; attempt <= 1 + hook.retry.attempts; ++attempt) {
            result.attempts = attempt;
            log_context::current().attempt = attempt;
            if (pod_actions.empty()) pod_actions.push_back(rendered->action);
            for (const auto& action : pod_actions) {  // ExecuteOnAll: every pod, until one fails
                outcome =
                    ctx.options->run_action
                        ? ctx.options->run_action(HookCall{hook, ctx.member, action, action_ctx})
                        : run_action(action, action_ctx);
                if (!outcome.succeeded) break;
            }
            if (outcome.succeeded || attempt == 1 + hook.retry.attempts ||
                interrupted_since(ctx.seen) || asks_to_skip(hook, outcome) ||
                (hook.retry.transient_only && !is_transient(outcome)))
                break;
            spdlog::warn("{} attempt {} of {} failed: {}; retrying in {}", label, attempt,
                         1 + hook.retry.attempts, outcome.error, format_duration(delay));
            if (!interrupts::Watch(ctx.seen).sleep_for(delay)) {
                outcome.error += "; retries stopped: " + interrupted_reason();
                break;
            }
            delay *= 2;
        }
    }
    result.duration = Clock::now() - start;
    result.exit_code = outcome.exit_code;
    result.status_code = outcome.status_code;
    result.output = outcome.output;
    result.stdout_tail = outcome.stdout_tail;
    result.stderr_tail = outcome.stderr_tail;
    if (asks_to_skip(hook, outcome) && !interrupted_since(ctx.seen)) {
        result.phase = Phase::Skipped;
        result.error = "exit code " + std::to_string(*outcome.exit_code) +
                       " is its skipExitCode: the task is skipped";
        log_context::current().phase = "Skipped";
        spdlog::info("{} ({}) {}", label, result.action, result.error);
        log_output_tail(spdlog::level::info, result.output);
        return result;
    }
    log_context::current().phase = outcome.succeeded ? "Succeeded" : "Failed";
    log_context::current().duration_seconds =
        std::chrono::duration<double>(result.duration).count();
    log_context::current().exit_code = result.exit_code;
    if (outcome.succeeded) {
        result.phase = Phase::Succeeded;
        spdlog::info("{} ({}) succeeded in {}", label, result.action,
                     format_duration_ms(result.duration));
        if (spdlog::should_log(spdlog::level::debug))
            log_output_tail(spdlog::level::debug, result.output);
    } else {
        result.phase = Phase::Failed;
        result.error = outcome.error;
        result.continued = hook.on_error == OnError::Continue;
        spdlog::error(
            "{} ({}) failed in {}{}: {}", label, result.action, format_duration_ms(result.duration),
            result.attempts > 1 ? " after " + std::to_string(result.attempts) + " attempts" : "",
            outcome.error);
        log_output_tail(spdlog::level::warn, result.output);
        if (result.continued) spdlog::warn("{}: onError is Continue, carrying on", label);
    }
    return result;
}

HookResult skipped(const Hook& hook, const Context& ctx, std::string reason) {
    HookResult r = hook_result_for(hook);
    r.phase = Phase::Skipped;
    r.error = std::move(reason);
    spdlog::info("{}{} hook \"{}\" skipped: {}", ctx.prefix(), to_string(hook.stage), hook.name,
                 r.error);
    return r;
}

/// Runs a pre stage: in order, stopping at the first failure that counts.
/// Returns the failing hook's error, or nothing.
/// A hook that exits with its skipExitCode sets `skip` and ends the stage without a failure.
std::optional<std::string> run_pre_hooks(const std::vector<Hook>& hooks, const Context& ctx,
                                         std::vector<HookResult>& out, bool& skip) {
    std::optional<std::string> failure;
    for (const auto& hook : hooks) {
        if (!failure && interrupted_since(ctx.seen)) failure = interrupted_reason();
        if (skip && !failure) {
            out.push_back(skipped(hook, ctx, "an earlier hook asked to skip the task"));
            continue;
        }
        if (failure) {
            out.push_back(
                skipped(hook, ctx,
                        interrupted_since(ctx.seen)
                            ? interrupted_reason()
                            : "an earlier " + std::string(to_string(hook.stage)) + " hook failed"));
            continue;
        }
        out.push_back(run_hook(hook, ctx));
        const auto& r = out.back();
        if (r.phase == Phase::Failed && !r.continued) failure = r.error;
        if (r.phase == Phase::Skipped) skip = true;
    }
    if (!failure && interrupted_since(ctx.seen)) failure = interrupted_reason();
    if (failure) skip = false;
    return failure;
}

/// Runs a post stage: every hook that its policy allows; failures do not stop the rest.
std::optional<std::string> run_post_hooks(const std::vector<Hook>& hooks, const Context& ctx,
                                          std::vector<HookResult>& out, bool* stopped = nullptr) {
    std::optional<std::string> failure;
    const Phase phase = ctx.phase.value_or(Phase::Succeeded);
    for (const auto& hook : hooks) {
        if (interrupted_since(ctx.seen)) {
            // A second signal stops the post hooks (man page, SIGNALS).
            out.push_back(skipped(
                hook, ctx, "post hooks stopped by " + signal_name(interrupts::last_signal())));
            if (stopped) *stopped = true;
            continue;
        }
        if (!policy_allows(hook.policy, phase, ctx.retry_left == 0)) {
            std::string why = std::string("executionPolicy ") + to_string(hook.policy) +
                              " and the session " + ascii_lower(to_string(phase));
            if (phase == Phase::Failed && ctx.retry_left > 0)
                why += " with " + std::to_string(ctx.retry_left) + " retries left";
            out.push_back(skipped(hook, ctx, why));
            continue;
        }
        out.push_back(run_hook(hook, ctx));
        const auto& r = out.back();
        if (r.phase == Phase::Failed && !r.continued && !failure) failure = r.error;
    }
    return failure;
}

std::string stage_failure(Stage stage, const std::string& reason) {
    return std::string("Failed to execute ") + to_string(stage) + " hook. Reason: " + reason;
}

/// Stash's condition for a target's stage: PreBackupHookExecutionSucceeded, ...
Condition hook_condition(Stage stage, const std::optional<std::string>& failure) {
    const std::string stage_name = capitalized(to_string(stage));
    Condition c;
    c.type = stage_name + "HookExecutionSucceeded";
    c.status = !failure.has_value();
    if (c.status) {
        c.reason = "SuccessfullyExecuted" + stage_name + "Hook";
        c.message = std::string("Successfully executed ") + to_string(stage) + " hook.";
    } else {
        c.reason = "FailedToExecute" + stage_name + "Hook";
        c.message = stage_failure(stage, *failure);
    }
    return c;
}

/// Stash's condition for a batch's global stage: GlobalPreBackupHookSucceeded, ...
Condition global_hook_condition(Stage stage, const std::optional<std::string>& failure) {
    const std::string stage_name = capitalized(to_string(stage));  // PreBackup
    Condition c;
    c.type = "Global" + stage_name + "HookSucceeded";
    c.status = !failure.has_value();
    if (c.status) {
        c.reason = "Global" + stage_name + "HookExecutedSuccessfully";
        c.message = "Global " + stage_name + " hook has been executed successfully";
    } else {
        c.reason = "Global" + stage_name + "HookExecutionFailed";
        c.message = "Failed to execute global " + stage_name + " Hook. Reason: " + *failure + ".";
    }
    return c;
}

bool any_ran(const std::vector<HookResult>& results, Stage stage) {
    for (const auto& r : results)
        if (r.stage == stage && r.phase != Phase::Skipped) return true;
    return false;
}

/// Stash's condition when a post stage's hook did not run for its executionPolicy: True,
/// "Skipping executing postBackup. Reason: executionPolicy is "OnFailure" but phase is
/// "Succeeded"."
Condition policy_skip_condition(Stage stage, ExecutionPolicy policy, Phase phase) {
    Condition c = hook_condition(stage, std::nullopt);
    c.message = std::string("Skipping executing ") + to_string(stage) +
                ". Reason: executionPolicy is \"" + to_string(policy) + "\" but phase is \"" +
                to_string(phase) + "\".";
    return c;
}

/// The last non-empty line of `text`, at most 200 bytes, for a one-line message.
std::string last_line(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    const size_t nl = text.rfind('\n');
    if (nl != std::string_view::npos) text.remove_prefix(nl + 1);
    return secrets::redact_and_shorten(text, 200);
}

/// successExitCodes and warningExitCodes (man page, SPEC): an exit with one of them (not a
/// signal, a timeout or an interruption) is a success, or a success with a warning, which
/// strictWarnings turns into a failure with the task's own code.
void classify_exit_code(const Spec& spec, const std::string& what, const ProcessResult& end,
                        TaskResult& task) {
    if (task.error.empty() || !end.exit_code || end.signal || end.timed_out ||
        end.interrupted_by != 0)
        return;
    const int code = *end.exit_code;
    auto listed = [code](const std::vector<int>& codes) {
        return std::ranges::find(codes, code) != codes.end();
    };
    if (listed(spec.success_exit_codes)) {
        task.error.clear();
        return;
    }
    if (!listed(spec.warning_exit_codes)) return;
    task.warning =
        what + " ended with exit code " + std::to_string(code) + ", a warning (warningExitCodes)";
    spdlog::warn("{}{}", task.warning, spec.strict_warnings ? " (strictWarnings: a failure)" : "");
    task.error = spec.strict_warnings ? "exit code " + std::to_string(code) +
                                            ", a warning, and strictWarnings makes it a failure"
                                      : "";
}

const std::vector<std::vector<std::string>> kNoPipeline;

void run_task(const Context& ctx, std::optional<Duration> timeout, TaskResult& task) {
    task.command = ctx.command;
    task.phase = Phase::Running;
    const std::string what = ctx.prefix() + to_string(ctx.spec->kind) + " command";
    log_context::Fields fields = log_context::current();
    fields.stage = "task";
    log_context::Scope scope(fields);
    const auto& pipeline = ctx.member == nullptr ? ctx.spec->pipeline : kNoPipeline;
    spdlog::info("{} started: {}", what,
                 pipeline.empty() ? command_line(ctx.command) : pipeline_line(pipeline));
    SpawnRequest request;
    request.argv = ctx.command;
    request.env = make_environment(ctx.env(std::nullopt));
    // Parallel members share the terminal; none of them may take it.
    request.take_terminal =
        ctx.options->take_terminal && (ctx.member == nullptr || ctx.spec->parallelism == 1);
    request.timeout = timeout;
    request.kill_grace = ctx.options->kill_grace;
    request.interrupts_seen = ctx.seen;
    request.inherit_fds = ctx.options->inherit_fds;
    auto failed_to_start = [&](std::optional<int> code, std::string error) {
        task.phase = Phase::Failed;
        task.exit_code = code;
        task.error = std::move(error);
        log_context::current().phase = "Failed";
        log_context::current().exit_code = task.exit_code;
        spdlog::error("{} failed: {}", what, task.error);
    };
    // output: the task's stdout goes to a temporary file beside it, renamed over it only
    // when the task succeeded (man page, SPEC).
    std::optional<AtomicFile> output;
    if (!ctx.spec->output.empty() && ctx.member == nullptr) {
        task.output_file = ctx.spec->output;
        output.emplace(ctx.spec->output);
        if (!output->ok())
            return failed_to_start(std::nullopt, "failed to create output file " +
                                                     ctx.spec->output + ": " + output->error());
        request.stdout_fd = output->fd();
    }
    // capture: and quietUnlessFailed: route the streams through us (man page, SPEC); stdout
    // forwarded goes on to the output file when there is one.
    const OutputCapture& capture = ctx.spec->capture;
    const int stdout_to = request.stdout_fd >= 0 ? request.stdout_fd : STDOUT_FILENO;
    if (ctx.held) {
        request.forward_stdout = output ? stdout_to : ctx.held->stdout_fd();
        request.forward_stderr = ctx.held->stderr_fd();
    } else {
        if (capture.stdout_tail) request.forward_stdout = stdout_to;
        if (capture.stderr_tail) request.forward_stderr = STDERR_FILENO;
    }
    CapturedOutput captured{OutputTail(capture.limit), OutputTail(capture.limit),
                            OutputTail(capture.limit)};
    auto result =
        run_task_process(request, pipeline, task.stages, capture.enabled() ? &captured : nullptr);
    if (!result)
        return failed_to_start(shell_exit_code(result.error().kind), result.error().message);
    if (capture.enabled()) {
        task.stdout_tail = capture.stdout_tail ? captured.stdout_only.str() : "";
        task.stderr_tail = capture.stderr_tail ? captured.stderr_only.str() : "";
        // Both streams were captured only when both were asked for (or held).
        task.output_tail = capture.stdout_tail && capture.stderr_tail ? captured.combined.str()
                           : capture.stdout_tail                      ? task.stdout_tail
                                                                      : task.stderr_tail;
    }
    task.ran = true;
    task.duration = result->duration;
    task.exit_code = result->exit_code;
    task.signal = result->signal;
    task.timed_out = result->timed_out;
    task.error = describe_end(*result, timeout.value_or(Duration{0}));
    classify_exit_code(*ctx.spec, what, *result, task);
    task.phase = task.error.empty() ? Phase::Succeeded : Phase::Failed;
    if (output && task.phase == Phase::Succeeded && !interrupted_since(ctx.seen)) {
        if (auto kept = output->commit(); !kept) {
            task.phase = Phase::Failed;
            task.error = "failed to write output file " + task.output_file + ": " + kept.error();
        }
    } else if (output) {
        spdlog::info("output file {} left as it was", task.output_file);
    }
    log_context::current().phase = to_string(task.phase);
    log_context::current().duration_seconds = std::chrono::duration<double>(task.duration).count();
    log_context::current().exit_code = task.exit_code;
    if (task.phase == Phase::Succeeded)
        spdlog::info("{} succeeded in {}", what, format_duration_ms(task.duration));
    else if (task.output_tail.empty())
        spdlog::error("{} failed in {}: {}", what, format_duration_ms(task.duration), task.error);
    else {  // the failure line says why, in the task's own last words (man page, SPEC: capture)
        spdlog::error("{} failed in {}: {}; output: {}", what, format_duration_ms(task.duration),
                      task.error, last_line(task.output_tail));
        log_output_tail(spdlog::level::warn, task.output_tail);
    }
}

/// Failed with an error, else Skipped when a pre hook asked to skip, else Succeeded.
Phase outcome_phase(const TargetResult& r) {
    if (!r.error.empty()) return Phase::Failed;
    return r.skipped ? Phase::Skipped : Phase::Succeeded;
}

/// One target: its pre hooks, its task, its post hooks (man page, SESSION).
MemberResult run_target(Context ctx, const StageHooks& hooks, std::optional<Duration> timeout) {
    const Spec& spec = *ctx.spec;
    const Stage pre = pre_stage(spec.kind);
    const Stage post = post_stage(spec.kind);
    auto hooks_of = [&](Stage s) -> const std::vector<Hook>& {
        static const std::vector<Hook> kNone;
        auto it = hooks.find(s);
        return it == hooks.end() ? kNone : it->second;
    };
    MemberResult r;
    r.name = ctx.member ? ctx.member->name : spec.name;
    r.task.command = ctx.command;
    const auto started = Clock::now();

    const auto pre_failure = run_pre_hooks(hooks_of(pre), ctx, r.hooks, r.skipped);
    if (any_ran(r.hooks, pre)) r.conditions.push_back(hook_condition(pre, pre_failure));
    if (r.skipped) {
        r.task.error = "skipped: a " + std::string(to_string(pre)) + " hook asked to skip it";
        spdlog::info("{}{} command {}", ctx.prefix(), to_string(spec.kind), r.task.error);
    } else if (pre_failure) {
        const bool interrupted = interrupted_since(ctx.seen);
        r.pre_hook_failed = !interrupted;
        r.error = interrupted ? interrupted_reason() : stage_failure(pre, *pre_failure);
        r.task.error = interrupted ? "skipped: " + interrupted_reason()
                                   : "skipped: a " + std::string(to_string(pre)) + " hook failed";
        spdlog::info("{}{} command {}", ctx.prefix(), to_string(spec.kind), r.task.error);
    } else {
        run_task(ctx, timeout, r.task);
        if (interrupted_since(ctx.seen))
            r.error = interrupted_reason();
        else if (r.task.phase == Phase::Failed)
            r.error = std::string(to_string(spec.kind)) + " command failed: " + r.task.error;
    }

    ctx.phase = outcome_phase(r);
    ctx.task_exit_code = r.task.exit_code;
    ctx.task = &r.task;
    ctx.error = r.error;
    {
        ExitFacts so_far = exit_facts(r);
        if (interrupted_since(ctx.seen)) so_far.interrupted_by = interrupts::first_signal();
        ctx.session_exit_code = decide_exit_code(so_far);
    }
    if (!r.task.warning.empty()) ctx.warnings = {r.task.warning};
    for (const auto& s : r.task.stages)
        ctx.stages.push_back({s.command, s.exit_code, s.signal ? signal_name(*s.signal) : ""});
    ctx.seen = post_hooks_seen(ctx.seen);
    bool stopped = false;
    std::optional<std::string> post_failure;
    if (r.pre_hook_failed && spec.is_stash_manifest()) {
        // Stash's rule for its manifests (man page, STASH MANIFESTS): no post hook after a failed
        // pre hook.
        for (const auto& hook : hooks_of(post))
            r.hooks.push_back(skipped(hook, ctx,
                                      "a " + std::string(to_string(pre)) +
                                          " hook failed, and Stash "
                                          "runs no " +
                                          to_string(post) + " hook then"));
    } else {
        post_failure = run_post_hooks(hooks_of(post), ctx, r.hooks, &stopped);
    }
    r.post_hooks_stopped = stopped;
    if (any_ran(r.hooks, post))
        r.conditions.push_back(hook_condition(post, post_failure));
    else if (!stopped && !hooks_of(post).empty() &&
             !(r.pre_hook_failed && spec.is_stash_manifest()))
        r.conditions.push_back(
            policy_skip_condition(post, hooks_of(post).front().policy, *ctx.phase));
    if (post_failure) {
        r.post_hook_failed = true;
        if (r.error.empty()) r.error = stage_failure(post, *post_failure);
    }
    r.phase = outcome_phase(r);
    r.duration = Clock::now() - started;
    r.exit_code = exit_code_for(r);
    return r;
}

/// A batch member that did not run because a global pre hook failed.
MemberResult skipped_member(const Context& ctx, const Member& member, bool asked = false) {
    MemberResult r;
    r.name = member.name;
    r.phase = Phase::Skipped;
    r.task.command = ctx.command;
    const std::string pre = to_string(pre_stage(ctx.spec->kind));
    r.task.error = interrupted_since(ctx.seen) ? "skipped: " + interrupted_reason()
                   : asked                     ? "skipped: a global " + pre + " hook asked to skip"
                                               : "skipped: a global " + pre + " hook failed";
    for (const auto& [stage, list] : member.hooks)
        for (const auto& hook : list) {
            HookResult h = hook_result_for(hook);
            h.error = r.task.error;
            r.hooks.push_back(std::move(h));
        }
    spdlog::info("[{}] member {}", member.name, r.task.error);
    return r;
}

/// The members' tasks' warnings, in spec order.
std::vector<std::string> batch_warnings(const SessionResult& result) {
    std::vector<std::string> warnings;
    for (const auto& m : result.members)
        if (!m.task.warning.empty()) warnings.push_back(m.task.warning);
    return warnings;
}

void run_batch(Context ctx, SessionResult& result) {
    const Spec& spec = *ctx.spec;
    const Stage pre = pre_stage(spec.kind);
    const Stage post = post_stage(spec.kind);

    const auto pre_failure = run_pre_hooks(spec.hooks_for(pre), ctx, result.hooks, result.skipped);
    if (any_ran(result.hooks, pre))
        result.conditions.push_back(global_hook_condition(pre, pre_failure));

    auto member_ctx = [&](const Member& m) {
        Context c = ctx;
        c.member = &m;
        c.command = m.command.empty() ? spec.command : m.command;
        return c;
    };
    result.members.resize(spec.members.size());
    if (result.skipped) {
        for (size_t i = 0; i < spec.members.size(); ++i)
            result.members[i] = skipped_member(member_ctx(spec.members[i]), spec.members[i], true);
    } else if (pre_failure) {
        result.pre_hook_failed = !interrupted_since(ctx.seen);
        result.error = interrupted_since(ctx.seen)
                           ? interrupted_reason()
                           : "Failed to execute global " + std::string(to_string(pre)) +
                                 " hook. Reason: " + *pre_failure;
        for (size_t i = 0; i < spec.members.size(); ++i)
            result.members[i] = skipped_member(member_ctx(spec.members[i]), spec.members[i]);
    } else {
        std::atomic<size_t> next{0};
        const log_context::Fields session_fields = log_context::current();
        auto worker = [&] {
            for (size_t i; (i = next++) < spec.members.size();) {
                const Member& m = spec.members[i];
                log_context::Fields fields = session_fields;  // a pool thread's own copy
                fields.member = m.name;
                log_context::Scope scope(fields);
                if (interrupted_since(ctx.seen))
                    result.members[i] = skipped_member(member_ctx(m), m);
                else
                    result.members[i] =
                        run_target(member_ctx(m), m.hooks, m.timeout ? m.timeout : spec.timeout);
            }
        };
        const size_t threads = std::min<size_t>(static_cast<size_t>(std::max(1, spec.parallelism)),
                                                spec.members.size());
        std::vector<std::thread> pool;
        for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
        worker();
        for (auto& t : pool) t.join();
        if (interrupted_since(ctx.seen)) result.error = interrupted_reason();
        for (const auto& m : result.members) {
            if (m.phase == Phase::Failed && result.error.empty())
                result.error = "member " + m.name + ": " + m.error;
        }
    }

    ctx.phase = outcome_phase(result);
    ctx.error = result.error;
    ctx.command.clear();
    {
        ExitFacts so_far = exit_facts(result);
        if (interrupted_since(ctx.seen)) so_far.interrupted_by = interrupts::first_signal();
        ctx.session_exit_code = decide_exit_code(so_far);
    }
    ctx.warnings = batch_warnings(result);
    ctx.seen = post_hooks_seen(ctx.seen);
    bool stopped = false;
    std::optional<std::string> post_failure;
    if (result.pre_hook_failed && spec.is_stash_manifest()) {
        // Stash's rule for its manifests (man page, STASH MANIFESTS): no global post after a failed
        // global pre.
        for (const auto& hook : spec.hooks_for(post))
            result.hooks.push_back(skipped(hook, ctx,
                                           "a global " + std::string(to_string(pre)) +
                                               " hook failed, and Stash runs no global " +
                                               to_string(post) + " hook then"));
    } else {
        post_failure = run_post_hooks(spec.hooks_for(post), ctx, result.hooks, &stopped);
    }
    result.post_hooks_stopped = result.post_hooks_stopped || stopped;
    if (any_ran(result.hooks, post))
        result.conditions.push_back(global_hook_condition(post, post_failure));
    if (post_failure) {
        result.post_hook_failed = true;
        if (result.error.empty())
            result.error = "Failed to execute global " + std::string(to_string(post)) +
                           " hook. Reason: " + *post_failure;
    }
}

void write_status(const Spec& spec, SessionResult& result) {
    if (spec.status_file.empty()) return;
    auto written = write_status_file(spec.status_file, result);
    if (written)
        spdlog::debug("status file {} written (phase {})", spec.status_file,
                      to_string(result.phase));
    if (!written) {
        if (result.status_error.empty()) spdlog::error("{}", written.error());
        result.status_error = written.error();
    }
}

/// One attempt of the whole session.
void run_attempt(Context ctx, SessionResult& result) {
    const Spec& spec = *ctx.spec;
    if (spec.is_batch()) {
        run_batch(ctx, result);
    } else {
        ctx.command = spec.pipeline.empty() ? spec.command : pipeline_command(spec.pipeline);
        static_cast<TargetResult&>(result) = std::move(run_target(ctx, spec.hooks, spec.timeout));
    }
    result.warnings = spec.is_batch() ? batch_warnings(result) : std::vector<std::string>{};
    if (!result.task.warning.empty()) result.warnings.push_back(result.task.warning);
    for (const auto& m : result.members)
        result.post_hooks_stopped = result.post_hooks_stopped || m.post_hooks_stopped;
    if (interrupted_since(ctx.seen)) {
        result.interrupted_by = interrupts::first_signal();
        if (result.error.empty())
            result.error = interrupted_reason();  // it arrived during the post hooks
        if (result.post_hooks_stopped)
            result.error = interrupted_reason() + "; post hooks stopped by " +
                           signal_name(interrupts::last_signal());
    }
    result.phase = outcome_phase(result);
}

}  // namespace

bool policy_allows(ExecutionPolicy policy, Phase phase, bool final_attempt) {
    switch (policy) {
        case ExecutionPolicy::Always:
            return true;
        case ExecutionPolicy::OnSuccess:
            return phase == Phase::Succeeded;
        case ExecutionPolicy::OnFailure:
            return phase == Phase::Failed;
        case ExecutionPolicy::OnFinalRetryFailure:
            return phase == Phase::Failed && final_attempt;
    }
    return false;
}

SessionResult run_session(const Spec& spec, const SessionOptions& options) {
    Context ctx;
    ctx.spec = &spec;
    ctx.options = &options;
    ctx.start_time = std::chrono::system_clock::now();
    ctx.start = Clock::now();
    ctx.session = options.session_name.empty() ? make_session_name(spec.name, ctx.start_time)
                                               : options.session_name;
    log_context::Fields fields;
    fields.session = ctx.session;
    log_context::Scope scope(fields);
    spdlog::info("session {} started ({}{})", ctx.session, to_string(spec.kind),
                 spec.is_batch() ? ", " + std::to_string(spec.members.size()) + " members" : "");

    ctx.seen = interrupts::count();
    std::optional<HeldOutput> held;
    if (spec.quiet_unless_failed) {
        if (auto created = HeldOutput::create())
            held.emplace(std::move(*created));
        else
            spdlog::warn("{}; the task's output is not held", created.error());
    }
    ctx.held = held ? &*held : nullptr;
    std::vector<AttemptSummary> attempts;
    SessionResult result;
    for (int attempt = 1;; ++attempt) {
        result = SessionResult{};
        result.name = ctx.session;
        result.kind = spec.kind;
        result.start_time = ctx.start_time;
        result.task.command =
            spec.pipeline.empty() ? spec.command : pipeline_command(spec.pipeline);
        result.attempt = attempt;
        result.attempts = attempts;
        ctx.retry_left = spec.retries.attempts - (attempt - 1);
        write_status(spec, result);

        const auto attempt_wall = std::chrono::system_clock::now();
        const auto attempt_start = Clock::now();
        run_attempt(ctx, result);
        attempts.push_back({attempt, result.phase, exit_code_for(result), result.error,
                            attempt_wall, Clock::now() - attempt_start});
        if (result.phase != Phase::Failed || ctx.retry_left == 0 || result.interrupted_by != 0)
            break;
        spdlog::warn("session attempt {} of {} failed: {}; retrying in {}", attempt,
                     1 + spec.retries.attempts, result.error, format_duration(spec.retries.delay));
        if (!interrupts::Watch(ctx.seen).sleep_for(spec.retries.delay)) {
            result.interrupted_by = interrupts::first_signal();
            result.error = interrupted_reason() + " while waiting to retry";
            break;
        }
    }
    result.attempts = attempts;
    for (auto& w : hook_warnings(result))
        result.warnings.push_back(std::move(w));  // after the task's
    result.completion_time = std::chrono::system_clock::now();
    result.duration = Clock::now() - ctx.start;
    result.exit_code = exit_code_for(result);
    write_status(spec, result);
    if (!result.status_error.empty())
        result.exit_code = exit_code_for(result);  // the file on disk is stale
    if (auto written = write_metrics_file(spec.metrics_file, spec.name, result); !written) {
        spdlog::error("{}", written.error());
        if (result.status_error.empty()) result.status_error = written.error();
        result.exit_code = exit_code_for(result);
    }
    if (held && result.exit_code != 0) held->print();  // quietUnlessFailed: only now
    return result;
}

std::vector<HookResult> run_stage(const Spec& spec, Stage stage, Phase phase_so_far,
                                  const std::string& session_name, const Member* member,
                                  bool& failed) {
    SessionOptions options;
    Context ctx;
    ctx.spec = &spec;
    ctx.options = &options;
    ctx.session = session_name;
    ctx.start_time = std::chrono::system_clock::now();
    ctx.start = Clock::now();
    ctx.member = member;
    ctx.command = member && !member->command.empty() ? member->command : spec.command;
    const auto& hooks = member ? member->hooks_for(stage) : spec.hooks_for(stage);
    std::vector<HookResult> results;
    if (is_pre(stage)) {
        bool skip = false;  // `hook` reports a skip as success: the next stage decides
        failed = run_pre_hooks(hooks, ctx, results, skip).has_value();
    } else {
        ctx.phase = phase_so_far;
        ctx.task_exit_code =
            phase_so_far == Phase::Succeeded ? std::optional<int>(0) : std::nullopt;
        // No session ran here: what the caller says of it (man page, COMMANDS: hook).
        if (phase_so_far == Phase::Failed) {
            ctx.session_exit_code = 1;
            ctx.error = "the session failed (hook --phase Failed)";
        }
        ctx.seen = post_hooks_seen(ctx.seen);  // as in a session: the first signal lets them run
        failed = run_post_hooks(hooks, ctx, results).has_value();
    }
    return results;
}

}  // namespace stash_hook

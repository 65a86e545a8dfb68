#include "session/plan.hpp"

#include <sstream>

#include "schedule/cron.hpp"
#include "session/pipeline_task.hpp"
#include "util/secrets.hpp"

namespace stash_hook {
namespace {

std::string when(ExecutionPolicy policy) {
    switch (policy) {
        case ExecutionPolicy::Always:
            return "always";
        case ExecutionPolicy::OnSuccess:
            return "only if everything before succeeded";
        case ExecutionPolicy::OnFailure:
            return "only if something before failed";
        case ExecutionPolicy::OnFinalRetryFailure:
            return "only if something before failed and no retry is left";
    }
    return "";
}

std::string hook_details(const Hook& h) {
    std::string s = "timeout " + format_duration(h.timeout);
    if (h.retry.attempts > 0)
        s += ", " + std::to_string(h.retry.attempts) + " retries from " +
             format_duration(h.retry.delay) +
             (h.retry.transient_only ? " on transient failures" : "");
    if (h.on_error == OnError::Continue) s += ", failure ignored (onError: Continue)";
    return s;
}

class PlanWriter {
  public:
    PlanWriter(const Spec& spec, bool colour) : spec_(spec), colour_(colour) {}

    std::string paint(const std::string& text, const char* code) const {
        return colour_ ? std::string("\x1b[") + code + "m" + text + "\x1b[0m" : text;
    }

    void hook(const Hook& h, const std::string& indent, const std::string& scope,
              const Member* member) {
        out_ << indent << step_++ << ". " << paint(scope + to_string(h.stage), "36") << " \""
             << h.name << "\": " << action_name(h.action) << " ";
        const auto* exec = std::get_if<ExecAction>(&h.action);
        const std::string selector = kubectl_selector(spec_, h);
        if (exec && !selector.empty())  // a KubeStash Pod executor's, or podSelector:'s
            out_ << command_line(kubectl_exec(spec_, "POD", h.container_name, exec->command))
                 << paint(" (POD: " + std::string(h.all_pods ? "each" : "the first") +
                              " of kubectl get pods -l " + shell_quote(selector) + " -o name" +
                              (spec_.ns.empty() ? "" : " -n " + spec_.ns) + ")",
                          "33");
        else if (exec)
            out_ << command_line(container_command(spec_, h.container_name, exec->command, member));
        else
            out_ << action_target(h.action);
        // The argv that runs, or why it cannot run yet (run refuses the same).
        if (selector.empty() && !h.container_name.empty() &&
            spec_.container_runtime == ContainerRuntime::None && exec)
            out_ << paint(" (in container " + h.container_name + ": give --container-runtime)",
                          "33");
        else if (selector.empty() && !h.container_name.empty() &&
                 spec_.container_runtime == ContainerRuntime::Kubectl && exec &&
                 kubectl_pod(spec_, member).empty())
            out_ << paint(" (no pod known: give --pod or --selector)", "33");
        out_ << "\n" << indent << "   ";
        if (is_pre(h.stage))
            out_ << hook_details(h)
                 << (h.on_error == OnError::Fail ? "; on failure: skip the rest and the task" : "")
                 << (h.skip_exit_code ? "; exit " + std::to_string(*h.skip_exit_code) +
                                            ": skip the task (session Skipped, exit 0)"
                                      : "");
        else
            out_ << paint("runs " + when(h.policy),
                          h.policy == ExecutionPolicy::Always ? "32" : "33")
                 << "; " << hook_details(h);
        out_ << "\n";
    }

    void task(const std::vector<std::string>& command, std::optional<Duration> timeout,
              const std::string& indent) {
        out_ << indent << step_++ << ". " << paint("task", "1") << ": ";
        if (command.empty())
            out_ << "(none: give one after -- or as command: in the spec)";
        else if (!spec_.pipeline.empty() && !spec_.is_batch())
            out_ << pipeline_line(spec_.pipeline);
        else
            out_ << command_line(command);
        out_ << "\n"
             << indent << "   timeout " << (timeout ? format_duration(*timeout) : "none")
             << exit_codes() << "\n";
        if (!spec_.pipeline.empty() && !spec_.is_batch())
            out_ << indent << "   pipeline of " << spec_.pipeline.size()
                 << " stages in one process group; fails if any stage fails\n";
        if (!spec_.output.empty() && !spec_.is_batch())
            out_ << indent << "   stdout to " << spec_.output
                 << " (a temporary file beside it, renamed over it only on success)\n";
    }

    /// successExitCodes and warningExitCodes, as the task's line shows them.
    std::string exit_codes() const {
        auto list = [](const std::vector<int>& codes) {
            std::string text;
            for (int code : codes) text += (text.empty() ? "" : ", ") + std::to_string(code);
            return text;
        };
        std::string text;
        if (!spec_.success_exit_codes.empty())
            text += "; success also on exit " + list(spec_.success_exit_codes);
        if (!spec_.warning_exit_codes.empty())
            text += "; a warning on exit " + list(spec_.warning_exit_codes) +
                    (spec_.strict_warnings ? " (strictWarnings: fails)" : " (exit 0)");
        return text;
    }

    std::string write() {
        out_ << paint("session " + spec_.name, "1") << " (" << to_string(spec_.kind) << ", spec "
             << spec_.path << ")\n";
        walk_plan(spec_, out_, colour_,
                  [this](const PlanStep& step, int number, const std::string& indent) {
                      step_ = number;
                      const std::string scope = spec_.is_batch() && !step.member ? "global " : "";
                      if (step.hook)
                          hook(*step.hook, indent, scope, step.member);
                      else
                          task(step.command, step.timeout, indent);
                  });
        // Which rules decide what runs after a failed pre hook (man page, STASH MANIFESTS).
        if (spec_.is_stash_manifest())
            out_ << "rules: Stash's, for a Stash manifest: no "
                 << (spec_.is_batch() ? "global " : "") << to_string(post_stage(spec_.kind))
                 << " hook after a failed " << (spec_.is_batch() ? "global " : "")
                 << to_string(pre_stage(spec_.kind))
                 << " hook; httpPost sends no Content-Type unless httpHeaders names one\n";
        if (spec_.retries.attempts > 0)
            out_ << "on failure: up to " << spec_.retries.attempts << " more attempts, "
                 << format_duration(spec_.retries.delay) << " apart\n";
        if (!spec_.status_file.empty()) out_ << "status file: " << spec_.status_file << "\n";
        if (!spec_.schedule.empty()) out_ << schedule_line(spec_) << "\n";
        return out_.str();
    }

  private:
    const Spec& spec_;
    bool colour_;
    std::ostringstream out_;
    int step_ = 1;
};

}  // namespace

std::vector<PlanStep> plan_steps(const Spec& spec) {
    const Stage pre = pre_stage(spec.kind);
    const Stage post = post_stage(spec.kind);
    std::vector<PlanStep> steps;
    auto hooks = [&](const std::vector<Hook>& list, const Member* member) {
        for (const Hook& h : list) steps.push_back({member, &h, {}, std::nullopt});
    };
    if (!spec.is_batch()) {
        hooks(spec.hooks_for(pre), nullptr);
        steps.push_back({nullptr, nullptr,
                         spec.pipeline.empty() ? spec.command : pipeline_command(spec.pipeline),
                         spec.timeout});
        hooks(spec.hooks_for(post), nullptr);
        return steps;
    }
    hooks(spec.hooks_for(pre), nullptr);
    for (const Member& m : spec.members) {
        hooks(m.hooks_for(pre), &m);
        steps.push_back({&m, nullptr, m.command.empty() ? spec.command : m.command,
                         m.timeout ? m.timeout : spec.timeout});
        hooks(m.hooks_for(post), &m);
    }
    hooks(spec.hooks_for(post), nullptr);
    return steps;
}

void walk_plan(const Spec& spec, std::ostream& out, bool colour,
               const std::function<void(const PlanStep&, int, const std::string&)>& step) {
    const Member* member = nullptr;
    int number = 1;
    int saved = 0;
    for (const PlanStep& s : plan_steps(spec)) {
        if (s.member != member) {
            if (member == nullptr) {
                out << number++ << ". members, " << spec.parallelism << " at a time:\n";
                saved = number;
            }
            member = s.member;
            if (member == nullptr) {
                number = saved;
            } else {
                out << "   " << (colour ? "\x1b[1m" : "") << "member " << member->name
                    << (colour ? "\x1b[0m" : "") << ":\n";
                number = 1;
            }
        }
        step(s, number++, member ? "     " : "");
    }
}

std::string schedule_line(const Spec& spec) {
    auto schedule = CronSchedule::parse(spec.schedule, spec.time_zone);
    if (!schedule) return "schedule \"" + spec.schedule + "\": " + schedule.error();
    return "schedule \"" + spec.schedule +
           "\" (serve), next runs: " + schedule->describe_next(std::chrono::system_clock::now(), 3);
}

std::string describe_plan(const Spec& spec, bool colour) {
    return secrets::redact(PlanWriter(spec, colour).write());
}

}  // namespace stash_hook

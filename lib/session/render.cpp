#include "session/render.hpp"

#include <sstream>

#include "session/pipeline_task.hpp"
#include "session/plan.hpp"
#include "session/session.hpp"
#include "spec/hook_template.hpp"
#include "util/clock.hpp"
#include "util/secrets.hpp"
#include "util/uuid.hpp"

namespace stash_hook {
namespace {

/// What the session knows at `hook` when it ends as `options` says (man page, RENDER).
TemplateFacts facts_at(const Spec& spec, const RenderOptions& options, const PlanStep& step,
                       const std::string& session, const std::string& run_id, WallTime start) {
    TemplateFacts facts;
    facts.session_name = session;
    facts.run_id = run_id;
    facts.stage = step.hook->stage;
    facts.start_time = start;
    facts.member = step.member;
    if (step.member && !step.member->command.empty())
        facts.command = step.member->command;
    else
        facts.command = spec.pipeline.empty() ? spec.command : pipeline_command(spec.pipeline);
    // A hook that runs only after the last attempt sees no retry left.
    facts.retry_left =
        step.hook->policy == ExecutionPolicy::OnFinalRetryFailure ? 0 : spec.retries.attempts;
    if (is_pre(step.hook->stage)) return facts;  // phase Running, nothing happened yet
    facts.phase = to_string(options.phase);
    facts.elapsed = options.duration.value_or(Duration{0});
    facts.task_output = options.output;
    if (options.phase == Phase::Skipped) return facts;  // the task did not run
    facts.task_ran = true;
    if (options.phase == Phase::Failed) {
        const int code = options.exit_code.value_or(1);
        facts.exit_code = code;
        facts.session_exit_code = code;
        // As run words it (session.cpp: run_target; a batch's global hooks name the member).
        std::string error = std::string(to_string(spec.kind)) + " command failed: exit code " +
                            std::to_string(code);
        if (spec.is_batch() && !step.member && !spec.members.empty())
            error = "member " + spec.members.front().name + ": " + error;
        facts.error = options.error.value_or(error);
    } else {
        facts.exit_code = options.exit_code.value_or(0);
    }
    return facts;
}

/// `where: value`, a value of several lines under its name, indented.
void write_field(std::ostringstream& out, const std::string& indent, const std::string& where,
                 const std::string& value) {
    if (value.find('\n') == std::string::npos) {
        out << indent << "   " << where << ": " << value << "\n";
        return;
    }
    out << indent << "   " << where << ":\n";
    std::istringstream lines(value);
    for (std::string line; std::getline(lines, line);) out << indent << "     " << line << "\n";
}

class RenderWriter {
  public:
    RenderWriter(const Spec& spec, const RenderOptions& options)
        : spec_(spec),
          options_(options),
          start_(std::chrono::system_clock::now()),
          session_(make_session_name(spec.name, start_)),
          run_id_(random_uuid()) {}

    RenderReport write() {
        out_ << "session " << session_ << " (" << to_string(spec_.kind) << ", spec " << spec_.path
             << "), post hooks for phase " << to_string(options_.phase)
             << "; nothing is sent or run\n";
        walk_plan(spec_, out_, false,
                  [this](const PlanStep& step, int number, const std::string& indent) {
                      if (step.hook && (!options_.stage || *options_.stage == step.hook->stage))
                          hook(step, number, indent);
                      else if (!step.hook && !options_.stage)
                          out_ << indent << number << ". task: "
                               << (step.command.empty() ? "(none)" : command_line(step.command))
                               << " (not run)\n";
                  });
        report_.text = secrets::redact(out_.str());
        return std::move(report_);
    }

  private:
    void hook(const PlanStep& step, int number, const std::string& indent) {
        const Hook& h = *step.hook;
        const std::string scope = spec_.is_batch() && !step.member ? "global " : "";
        const TemplateFacts facts = facts_at(spec_, options_, step, session_, run_id_, start_);
        const tmpl::Value data = template_data(spec_, facts);
        auto rendered = render_hook(h, data);  // registers what it reads as secrets, as run does
        out_ << indent << number << ". " << scope << to_string(h.stage) << " \"" << h.name
             << "\": " << action_name(h.action) << " "
             << action_target(rendered ? rendered->action : h.action);
        if (!is_pre(h.stage) && !policy_allows(h.policy, options_.phase, true))
            out_ << " (does not run when " << to_string(options_.phase) << ": executionPolicy "
                 << to_string(h.policy) << ")";
        out_ << "\n";

        Hook original = h;
        std::vector<std::pair<std::string, std::string>> templates;  // where, text
        for_each_template_string(original, [&](std::string& text, const std::string& where) {
            if (tmpl::is_template(text)) templates.emplace_back(where, text);
        });
        if (templates.empty()) {
            out_ << indent << "   (no templates)\n";
            return;
        }
        if (rendered) {
            size_t i = 0;
            Hook copy = *rendered;
            for_each_template_string(copy, [&](std::string& text, const std::string& where) {
                if (i < templates.size() && templates[i].first == where) {
                    write_field(out_, indent, where, text);
                    ++i;
                }
            });
            return;
        }
        // Each string alone, so that every failure is shown where it is; what any of them
        // reads from the environment is masked, as the hook did not render as a whole.
        bool shown = false;
        for (const auto& [where, text] : templates) {
            tmpl::RenderLimits limits;
            limits.env_read = [](std::string_view, std::string_view value) { secrets::add(value); };
            auto out = tmpl::render_string(text, data, limits);
            if (out) {
                const auto* http = std::get_if<HttpAction>(&h.action);
                if (http && !http->show_url && where.ends_with(".path"))
                    secrets::add(*out);  // hidden, as render_hook hides it when the hook renders
                write_field(out_, indent, where, *out);
                continue;
            }
            shown = true;
            out_ << indent << "   " << where << ": error: " << out.error().str() << "\n";
            fail("failed to render the template in " + where + " of " + to_string(h.stage) +
                 " hook \"" + h.name + "\": " + out.error().str());
        }
        if (!shown) {  // each rendered alone, yet the hook did not: a NUL byte in an argument
            out_ << indent << "   error: " << rendered.error() << "\n";
            fail(rendered.error() + " (" + to_string(h.stage) + " hook \"" + h.name + "\")");
        }
    }

    void fail(const std::string& message) { report_.errors.push_back(secrets::redact(message)); }

    const Spec& spec_;
    const RenderOptions& options_;
    WallTime start_;
    std::string session_;
    std::string run_id_;
    std::ostringstream out_;
    RenderReport report_;
};

}  // namespace

RenderReport render_spec(const Spec& spec, const RenderOptions& options) {
    return RenderWriter(spec, options).write();
}

}  // namespace stash_hook

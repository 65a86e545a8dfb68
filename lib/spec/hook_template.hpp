#pragma once
// Which hook strings are Go templates (man page, TEMPLATES), and the
// data they see: Stash's Summary fields plus stash-hook's own.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "spec/spec.hpp"
#include "template/template.hpp"
#include "util/clock.hpp"
#include "util/expected.hpp"

namespace stash_hook {

/// What the session knows when a hook runs.
struct TemplateFacts {
    std::string session_name;
    std::string run_id;  // a UUID per session (.RunId): pairs a monitor's start and end pings
    Stage stage = Stage::PreBackup;
    std::string phase = "Running";  // "Running" for pre hooks, then Succeeded or Failed
    Duration elapsed{0};
    std::string error;
    std::optional<int> exit_code;  // the task's, once it ran
    /// The session's exit code so far (man page, EXIT STATUS): 0 in pre hooks, 120 after a
    /// failed pre hook, 128+N after signal N, the task's when it failed.
    int session_exit_code = 0;
    bool task_ran = false;
    std::string task_output;  // capture: (man page, SPEC); masked here
    std::string task_stdout;
    std::string task_stderr;
    int retry_left = 0;
    WallTime start_time{};
    std::vector<std::string> command;
    const Member* member = nullptr;     // in a batch
    std::vector<std::string> warnings;  // the task's warnings so far (warningExitCodes)
    /// pipeline: how each stage ended, once the task ran (.Task.Stages).
    struct StageFacts {
        std::vector<std::string> command;
        std::optional<int> exit_code;
        std::string signal;  // "SIGPIPE"; empty when it exited
    };
    std::vector<StageFacts> stages;
};

/// The template data: .Name .Namespace .Invoker.{APIGroup,Kind,Name}
/// .Target.{APIVersion,Kind,Name,Namespace} .Status.{Phase,Duration,Error,ExitCode} .RetryLeft
/// .RunId .Stage .Member .Hostname .StartTime
/// .Task.{Command,Ran,ExitCode,Output,Stdout,Stderr,Stages} .Warnings; every field is always
/// defined (man page, TEMPLATES).
tmpl::Value template_data(const Spec& spec, const TemplateFacts& facts);

/// A value with every field templates may use, for the load-time check.
const tmpl::Value& template_schema();

/// What works here but fails in Stash, for validate to warn about: the old spellings
/// .Target.ApiVersion and .Invoker.ApiGroup (Stash's are APIVersion and APIGroup; man
/// page, TEMPLATES). One line each: "FILE:LINE:COLUMN: warning: hook NAME: WHERE: ...".
std::vector<std::string> template_warnings(const Spec& spec);

/// Calls `visit(text, where)` for each string of `hook` that is rendered as a template
/// when it contains "{{": exec.command elements, httpGet/httpPost path, header values,
/// httpPost body and form values. `where` names it, e.g. "httpPost.body".
void for_each_template_string(Hook& hook,
                              const std::function<void(std::string&, const std::string&)>& visit);

/// A copy of `hook` with its templates rendered and trimmed, or the first error,
/// naming the string and the problem. `limits` stops rendering at the hook's
/// timeout or on a signal.
expected<Hook, std::string> render_hook(const Hook& hook, const tmpl::Value& data,
                                        const tmpl::RenderLimits& limits = {});
/// The same with the data made by `make`, called only when a string is a template
/// (and then once): a hook without templates costs no data.
expected<Hook, std::string> render_hook(const Hook& hook, const std::function<tmpl::Value()>& make,
                                        const tmpl::RenderLimits& limits = {});

}  // namespace stash_hook

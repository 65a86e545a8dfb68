#include "spec/hook_template.hpp"

#include <unistd.h>

#include <map>

#include "spec/runnable.hpp"
#include "spec/yaml_reader.hpp"
#include "util/secrets.hpp"

namespace stash_hook {

tmpl::Value template_data(const Spec& spec, const TemplateFacts& facts) {
    const ObjectRef& target = facts.member ? facts.member->target : spec.target;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    tmpl::Value command = tmpl::Value::array();
    for (const auto& arg : facts.command) command.push_back(arg);
    tmpl::Value stages = tmpl::Value::array();
    for (const auto& stage : facts.stages) {
        tmpl::Value argv = tmpl::Value::array();
        for (const auto& arg : stage.command) argv.push_back(arg);
        stages.push_back(
            {{"Command", argv},
             {"ExitCode", stage.exit_code ? tmpl::Value(*stage.exit_code) : tmpl::Value(nullptr)},
             {"Signal", stage.signal}});
    }
    tmpl::Value warnings = tmpl::Value::array();
    for (const auto& w : facts.warnings) warnings.push_back(w);
    return {
        // Stash restores have no BackupSession: .Name is the RestoreSession's own (man page, STASH
        // MANIFESTS).
        {"Name",
         spec.is_stash_manifest() && spec.kind == Kind::Restore ? spec.name : facts.session_name},
        {"Namespace", spec.ns},
        {"RunId", facts.run_id},
        // Stash's Summary, TargetRef and Kubernetes' TypedLocalObjectReference
        // (lib/template/go_struct.cpp): APIGroup, APIVersion and Target.Namespace are
        // Stash's names; ApiGroup and ApiVersion, stash-hook's old spellings, still work
        // (validate warns). The target is in the session's namespace.
        {"Invoker",
         {{"APIGroup", spec.invoker.api_version},
          {"Kind", spec.invoker.kind},
          {"Name", spec.invoker.name},
          {"ApiGroup", spec.invoker.api_version}}},
        {"Target",
         {{"APIVersion", target.api_version},
          {"Kind", target.kind},
          {"Name", target.name},
          {"Namespace", spec.ns},
          {"ApiVersion", target.api_version}}},
        {"Status",
         {{"Phase", facts.phase},
          {"Duration", format_duration(std::chrono::round<std::chrono::seconds>(facts.elapsed))},
          {"Error", facts.error},
          {"ExitCode", facts.session_exit_code}}},
        {"RetryLeft", facts.retry_left},
        {"Stage", to_string(facts.stage)},
        {"Member", facts.member ? facts.member->name : ""},
        {"Hostname", host},
        {"StartTime", format_rfc3339(facts.start_time)},
        {"Task",
         {{"Command", command},
          {"Ran", facts.task_ran},
          {"ExitCode", facts.exit_code.value_or(0)},
          {"Output", secrets::redact(facts.task_output)},
          {"Stdout", secrets::redact(facts.task_stdout)},
          {"Stderr", secrets::redact(facts.task_stderr)},
          {"Stages", stages}}},
        {"Warnings", warnings},
    };
}

const tmpl::Value& template_schema() {
    static const tmpl::Value schema = [] {
        TemplateFacts facts;
        facts.stages.push_back({});  // so that fields of .Task.Stages elements are known
        return template_data(Spec{}, facts);
    }();
    return schema;
}

std::vector<std::string> template_warnings(const Spec& spec) {
    static const std::pair<const char*, const char*> kOldSpellings[] = {
        {".Target.ApiVersion", ".Target.APIVersion"}, {".Invoker.ApiGroup", ".Invoker.APIGroup"}};
    std::vector<std::string> warnings;
    auto check = [&](const Hook& hook) {
        Hook copy = hook;
        for_each_template_string(copy, [&](std::string& text, const std::string& where) {
            if (!tmpl::is_template(text)) return;
            auto parsed = tmpl::Template::parse(text);
            if (!parsed) return;
            for (const auto& [old_name, new_name] : kOldSpellings)
                for (const auto& use : parsed->uses_of(old_name))
                    warnings.push_back(SpecProblem{
                        hook.location, "warning: hook " + hook.name + ": " + where +
                                           ": template:" + std::to_string(use.line) + ":" +
                                           std::to_string(use.column) + ": " + old_name +
                                           " fails in Stash; write " + new_name}
                                           .str());
        });
    };
    for (const auto& [stage, hooks] : spec.hooks)
        for (const auto& hook : hooks) check(hook);
    for (const auto& member : spec.members)
        for (const auto& [stage, hooks] : member.hooks)
            for (const auto& hook : hooks) check(hook);
    return warnings;
}

void for_each_template_string(Hook& hook,
                              const std::function<void(std::string&, const std::string&)>& visit) {
    if (auto* exec = std::get_if<ExecAction>(&hook.action)) {
        for (size_t i = 0; i < exec->command.size(); ++i)
            visit(exec->command[i], "exec.command[" + std::to_string(i) + "]");
        return;
    }
    if (auto* http = std::get_if<HttpAction>(&hook.action)) {
        const std::string action = http->post ? "httpPost" : "httpGet";
        visit(http->path, action + ".path");
        for (auto& h : http->headers) visit(h.value, action + ".httpHeaders " + h.name);
        if (http->post) {
            visit(http->body, "httpPost.body");
            for (auto& f : http->form)
                for (auto& v : f.values) visit(v, "httpPost.form " + f.key);
        }
    }
}

namespace {

/// render_hook's work; `data` is asked for only by a string that is a template.
expected<Hook, std::string> render_with(const Hook& hook,
                                        const std::function<const tmpl::Value&()>& data,
                                        const tmpl::RenderLimits& limits) {
    Hook rendered = hook;
    std::string failure;
    const bool exec = std::holds_alternative<ExecAction>(hook.action);
    // The environment values each string's template read (env), by the string.
    std::map<const std::string*, std::vector<std::string>> env_reads;
    for_each_template_string(rendered, [&](std::string& text, const std::string& where) {
        if (!failure.empty() || !tmpl::is_template(text)) return;
        tmpl::RenderLimits string_limits = limits;
        string_limits.env_read = [&reads = env_reads[&text]](std::string_view,
                                                             std::string_view value) {
            reads.emplace_back(value);
        };
        auto out = tmpl::render_string(text, data(), string_limits);
        if (!out)
            failure = "failed to render the template in " + where + ": " + out.error().str();
        else if (exec &&
                 out->find('\0') != std::string::npos)  // execve would cut the argument there
            failure =
                "failed to render the template in " + where + ": the result contains a NUL byte";
        else
            text = std::move(*out);
    });
    if (!failure.empty()) return unexpected(failure);
    if (auto* http = std::get_if<HttpAction>(&rendered.action);
        http && http->body_limit > 0 && http->body.size() > http->body_limit) {
        size_t cut = http->body_limit;  // not inside a UTF-8 sequence
        while (cut > 0 && (static_cast<unsigned char>(http->body[cut]) & 0xC0) == 0x80) --cut;
        http->body.resize(cut);
    }
    if (const auto* http = std::get_if<HttpAction>(&rendered.action)) {
        // What a secret header or a hidden path read from the environment is a secret;
        // what one read from session data (.Name) is not.
        auto register_reads = [&](const std::string& text) {
            if (auto it = env_reads.find(&text); it != env_reads.end())
                for (const auto& value : it->second) secrets::add(value);
        };
        for (const auto& header : http->headers)
            if (!is_public_header(header.name)) register_reads(header.value);
        if (!http->show_url) register_reads(http->path);
    }
    if (const auto* http = std::get_if<HttpAction>(&rendered.action);
        http && !http->show_url && tmpl::is_template(std::get<HttpAction>(hook.action).path)) {
        secrets::add(http->path);  // a templated path is known only now (runnable.hpp)
        secrets::add(http->url());
    }
    return rendered;
}

}  // namespace

expected<Hook, std::string> render_hook(const Hook& hook, const tmpl::Value& data,
                                        const tmpl::RenderLimits& limits) {
    return render_with(
        hook, [&data]() -> const tmpl::Value& { return data; }, limits);
}

expected<Hook, std::string> render_hook(const Hook& hook, const std::function<tmpl::Value()>& make,
                                        const tmpl::RenderLimits& limits) {
    std::optional<tmpl::Value> made;
    return render_with(
        hook,
        [&]() -> const tmpl::Value& {
            if (!made) made = make();
            return *made;
        },
        limits);
}

}  // namespace stash_hook

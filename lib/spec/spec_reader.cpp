#include "spec/spec_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "schedule/cron.hpp"
#include "schedule/time_zone.hpp"
#include "spec/env_file.hpp"
#include "spec/hook_template.hpp"
#include "template/template.hpp"
#include "util/text.hpp"

namespace stash_hook {

namespace {

const std::vector<std::string_view> kTopKeys = {"apiVersion",
                                                "kind",
                                                "name",
                                                "namespace",
                                                "command",
                                                "timeout",
                                                "statusFile",
                                                "hooks",
                                                "members",
                                                "parallelism",
                                                "containerRuntime",
                                                "pod",
                                                "podSelector",
                                                "retries",
                                                "lock",
                                                "lockWait",
                                                "secretEnv",
                                                "metricsFile",
                                                "schedule",
                                                "timeZone",
                                                "showUrls",
                                                "env",
                                                "envFile",
                                                "defaults",
                                                "nice",
                                                "ionice",
                                                "capture",
                                                "quietUnlessFailed",
                                                "monitor"};
const std::vector<std::string_view> kCaptureKeys = {"stdout", "stderr", "limit"};
const std::vector<std::string_view> kDefaultsKeys = {"timeout", "retry", "onError", "skipExitCode"};
// The task's own keys (man page, SPEC), checked with kTopKeys.
const std::vector<std::string_view> kTaskKeys = {"successExitCodes", "warningExitCodes",
                                                 "strictWarnings", "pipeline", "output"};
const std::vector<std::string_view> kMemberKeys = {"name", "command", "hooks", "timeout"};
const std::vector<std::string_view> kSessionRetryKeys = {"attempts", "delay"};
const std::vector<std::string_view> kStageKeys = {"preBackup", "postBackup", "preRestore",
                                                  "postRestore"};
const std::vector<std::string_view> kHookKeys = {
    "name",    "exec",  "httpGet", "httpPost",    "tcpSocket", "containerName", "executionPolicy",
    "timeout", "retry", "onError", "skipExitCode"};
const std::vector<std::string_view> kExecKeys = {"command", "env", "envFile"};
const std::vector<std::string_view> kHttpGetKeys = {"scheme",      "host", "port",   "path",
                                                    "httpHeaders", "tls",  "showUrl"};
const std::vector<std::string_view> kHttpPostKeys = {
    "scheme", "host", "port", "path", "httpHeaders", "tls", "body", "form", "showUrl"};
const std::vector<std::string_view> kTcpKeys = {"host", "port"};
const std::vector<std::string_view> kHeaderKeys = {"name", "value"};
const std::vector<std::string_view> kFormKeys = {"key", "values"};
const std::vector<std::string_view> kTlsKeys = {"insecureSkipVerify", "caFile", "certFile",
                                                "keyFile"};
const std::vector<std::string_view> kRetryKeys = {"attempts", "delay"};

}  // namespace

void SpecReader::not_a_template(const YAML::Node& n, const std::string& key) {
    if (n.IsSequence()) {
        for (size_t i = 0; i < n.size(); ++i)
            not_a_template(n[i], key + "[" + std::to_string(i) + "]");
        return;
    }
    if (!n.IsScalar() || !tmpl::is_template(n.Scalar())) return;
    problem(
        n, key +
               " is not rendered as a template, so {{ }} would be taken literally: write the value "
               "itself (templates are rendered only in exec.command, path, header and form values "
               "and httpPost.body; man page, TEMPLATES)");
}

void SpecReader::environment(const YAML::Node& node, EnvPairs& env, const std::string& what) {
    const std::string prefix = what.empty() ? "" : what + ".";
    if (auto files = field(node, "envFile")) {
        std::vector<YAML::Node> items;
        if (files.IsSequence())
            for (const auto& f : files) items.push_back(f);
        else
            items.push_back(files);
        const std::filesystem::path folder = file() == "<stdin>"
                                                 ? std::filesystem::path()
                                                 : std::filesystem::path(file()).parent_path();
        for (const auto& f : items) {
            auto name = string_value(f, prefix + "envFile", false);
            if (!name) continue;
            not_a_template(f, prefix + "envFile");
            const bool optional = name->starts_with('-');  // systemd's EnvironmentFile=-FILE
            std::string path = optional ? name->substr(1) : *name;
            if (!path.starts_with('/')) path = (folder / path).lexically_normal().string();
            if (optional && !std::filesystem::exists(path)) continue;
            auto read = read_env_file(path);
            if (!read) {
                problem(f, "failed to read " + prefix + "envFile " + path + ": " + read.error());
                continue;
            }
            for (const auto& [k, v] : *read) set_env_pair(env, k, v);
        }
    }
    if (auto map = field(node, "env")) {
        if (!map.IsMap()) {
            problem(map, prefix +
                             "env must be a map of variable names to values, e.g. "
                             "{RESTIC_REPOSITORY: /srv/repo}");
            return;
        }
        for (const auto& item : map) {
            const std::string key = item.first.Scalar();
            if (auto why = env_name_problem(key); !why.empty()) {
                problem(item.first, prefix + "env: " + why);
                continue;
            }
            if (auto value = scalar(item.second, prefix + "env." + key)) {
                not_a_template(item.second, prefix + "env." + key);
                set_env_pair(env, key, *value);
            }
        }
    }
}

// ---- actions ----------------------------------------------------------

std::optional<ExecAction> SpecReader::exec_action(const YAML::Node& node) {
    if (!check_map(node, "exec", kExecKeys)) return std::nullopt;
    require(node, "command", "exec");
    ExecAction exec;
    if (field(node, "command")) {
        auto cmd = string_list(field(node, "command"), "exec.command");
        if (!cmd) return std::nullopt;
        exec.command = std::move(*cmd);
    }
    environment(node, exec.env, "exec");
    return exec;
}

std::optional<TlsOptions> SpecReader::tls_options(const YAML::Node& node, const std::string& what) {
    if (!check_map(node, what, kTlsKeys)) return std::nullopt;
    TlsOptions tls;
    if (auto n = field(node, "insecureSkipVerify"))
        tls.insecure_skip_verify = bool_value(n, what + ".insecureSkipVerify").value_or(false);
    auto file = [&](const char* key, std::string& out) {
        if (auto n = node[key]) {
            if (auto s = string_value(n, what + "." + key, false)) {
                if (!std::filesystem::exists(*s))
                    problem(n, what + "." + key + " " + quote(*s) + " does not exist");
                out = *s;
            }
        }
    };
    file("caFile", tls.ca_file);
    file("certFile", tls.cert_file);
    file("keyFile", tls.key_file);
    if (tls.cert_file.empty() != tls.key_file.empty())
        problem(node, what + " needs both certFile and keyFile for a client certificate");
    return tls;
}

std::optional<HttpAction> SpecReader::http_action(const YAML::Node& node, bool post) {
    const std::string what = post ? "httpPost" : "httpGet";
    if (!check_map(node, what, post ? kHttpPostKeys : kHttpGetKeys)) return std::nullopt;
    require(node, "port", what);
    HttpAction http;
    http.post = post;
    if (auto n = field(node, "scheme")) {
        if (auto s = string_value(n, what + ".scheme")) {
            const std::string upper = ascii_upper(*s);
            if (upper == "HTTP" || upper == "HTTPS")
                http.scheme = upper;
            else
                problem(n, what + ".scheme must be HTTP or HTTPS, not " + quote(*s));
        }
    }
    if (auto n = field(node, "host")) {
        http.host = string_value(n, what + ".host", false).value_or("");
        not_a_template(n, what + ".host");
    }
    if (auto n = field(node, "port")) container_port(n, what + ".port", http.port, http.port_name);
    if (auto n = field(node, "path")) {
        if (auto s = string_value(n, what + ".path")) {
            http.path = s->empty() ? "/" : *s;
            if (http.path[0] != '/') http.path = "/" + http.path;
        }
    }
    if (auto n = field(node, "httpHeaders")) http_headers(n, what + ".httpHeaders", http.headers);
    if (auto n = field(node, "tls")) {
        if (auto tls = tls_options(n, what + ".tls")) http.tls = std::move(*tls);
    }
    http.show_url = show_urls_;
    if (auto n = field(node, "showUrl"))
        http.show_url = bool_value(n, what + ".showUrl").value_or(show_urls_);
    if (post) {
        if (auto n = field(node, "body")) http.body = string_value(n, what + ".body").value_or("");
        if (auto n = field(node, "form")) {
            if (!n.IsSequence()) {
                problem(n, what + ".form must be a list of {key, values}");
            } else {
                for (const auto& f : n) {
                    if (!check_map(f, what + ".form element", kFormKeys)) continue;
                    require(f, "key", what + ".form element");
                    FormField form_field;
                    if (field(f, "key"))
                        form_field.key =
                            string_value(field(f, "key"), "form key", false).value_or("");
                    if (field(f, "values")) {
                        if (field(f, "values").IsSequence()) {
                            for (const auto& v : field(f, "values"))
                                if (auto s = scalar(v, "form value"))
                                    form_field.values.push_back(*s);
                        } else {
                            problem(field(f, "values"), "form values must be a list, e.g. [a, b]");
                        }
                    }
                    http.form.push_back(std::move(form_field));
                }
            }
        }
        if (field(node, "body") && field(node, "form"))
            problem(node, what + " has both body and form; use one of them");
    }
    return http;
}

void SpecReader::http_headers(const YAML::Node& n, const std::string& what,
                              std::vector<HttpHeader>& out) {
    if (!n.IsSequence()) {
        problem(n, what + " must be a list of {name, value}");
        return;
    }
    for (const auto& h : n) {
        if (!check_map(h, what + " element", kHeaderKeys)) continue;
        require(h, "name", what + " element");
        HttpHeader header;
        if (field(h, "name"))
            header.name = string_value(field(h, "name"), "header name", false).value_or("");
        if (field(h, "value"))
            header.value = string_value(field(h, "value"), "header value").value_or("");
        out.push_back(std::move(header));
    }
}

std::optional<TcpAction> SpecReader::tcp_action(const YAML::Node& node) {
    if (!check_map(node, "tcpSocket", kTcpKeys)) return std::nullopt;
    require(node, "port", "tcpSocket");
    TcpAction tcp;
    if (auto n = field(node, "host")) {
        tcp.host = string_value(n, "tcpSocket.host", false).value_or("");
        not_a_template(n, "tcpSocket.host");
    }
    if (auto n = field(node, "port")) container_port(n, "tcpSocket.port", tcp.port, tcp.port_name);
    return tcp;
}

void SpecReader::container_port(const YAML::Node& node, const std::string& what, int& port,
                                std::string& name) {
    // As in Stash (man page, STASH MANIFESTS): on a hook with containerName, a port that is
    // not a number names a port of that container, resolved through the runtime at run time.
    if (in_container_hook_ && node.IsScalar() && !node.Scalar().empty() &&
        !std::isdigit(static_cast<unsigned char>(node.Scalar()[0]))) {
        name = name_value(node, what, true).value_or("");
        return;
    }
    port = port_value(node, what).value_or(0);
}

// ---- hooks ------------------------------------------------------------

std::optional<Hook> SpecReader::hook(const YAML::Node& node, Stage stage, size_t index) {
    const std::string label = std::string(to_string(stage)) + "[" + std::to_string(index) + "]";
    if (!check_map(node, "hook " + label, kHookKeys)) return std::nullopt;
    Hook h;
    h.timeout = defaults_.timeout;
    h.retry = defaults_.retry;
    h.on_error = defaults_.on_error;
    if (is_pre(stage)) h.skip_exit_code = defaults_.skip_exit_code;
    h.stage = stage;
    h.location = at(node);
    h.name = label;
    if (auto n = field(node, "name")) {
        if (auto s = string_value(n, "hook name", false)) h.name = *s;
        not_a_template(n, "hook name");
    }
    const std::string what = "hook " + quote(h.name);

    in_container_hook_ = static_cast<bool>(field(node, "containerName"));
    int actions = 0;
    for (auto key : {"exec", "httpGet", "httpPost", "tcpSocket"}) actions += node[key] ? 1 : 0;
    if (actions == 0) {
        problem(node, what +
                          " has no action: give exactly one of exec, httpGet, httpPost, "
                          "tcpSocket");
        return std::nullopt;
    }
    if (actions > 1) {
        problem(node, what + " has " + std::to_string(actions) +
                          " actions: give exactly one of exec, httpGet, httpPost, tcpSocket "
                          "(split it into several hooks)");
        return std::nullopt;
    }
    std::optional<Action> action;
    if (auto n = field(node, "exec")) {
        if (auto a = exec_action(n)) action = std::move(*a);
    } else if (auto n2 = field(node, "httpGet")) {
        if (auto a = http_action(n2, false)) action = std::move(*a);
    } else if (auto n3 = field(node, "httpPost")) {
        if (auto a = http_action(n3, true)) action = std::move(*a);
    } else if (auto n4 = field(node, "tcpSocket")) {
        if (auto a = tcp_action(n4)) action = std::move(*a);
    }
    if (auto n = field(node, "containerName")) {
        if (auto s = string_value(n, "containerName", false)) {
            if ((*s)[0] == '-')  // it would reach docker/kubectl exec as an option
                problem(n, what + ": containerName " + quote(*s) + " must not start with '-'");
            h.container_name = *s;
            not_a_template(n, "containerName");
        }
    }
    if (auto n = field(node, "executionPolicy")) {
        if (is_pre(stage)) {
            problem(n, what +
                           ": executionPolicy applies only to post hooks (postBackup, "
                           "postRestore); a pre hook always runs");
        } else {
            h.policy = enum_value<ExecutionPolicy>(
                           n, "executionPolicy",
                           {{"Always", ExecutionPolicy::Always},
                            {"OnSuccess", ExecutionPolicy::OnSuccess},
                            {"OnFailure", ExecutionPolicy::OnFailure},
                            {"OnFinalRetryFailure", ExecutionPolicy::OnFinalRetryFailure}})
                           .value_or(ExecutionPolicy::Always);
        }
    }
    hook_settings(node, h, what);
    if (auto n = field(node, "skipExitCode"); n && !is_pre(stage))
        problem(n, what + ": skipExitCode applies only to pre hooks (preBackup, preRestore)");
    if (auto n = field(node, "skipExitCode");
        n && action && !std::holds_alternative<ExecAction>(*action))
        problem(n, what + ": skipExitCode applies only to exec hooks");
    if (action && !std::holds_alternative<ExecAction>(*action)) h.skip_exit_code.reset();
    if (!action) return std::nullopt;
    h.action = std::move(*action);
    check_templates(h, what);
    return h;
}

void SpecReader::check_templates(Hook& h, const std::string& what) {
    for_each_template_string(h, [&](std::string& text, const std::string& where) {
        if (!tmpl::is_template(text)) return;
        auto parsed = tmpl::Template::parse(text);
        auto checked = parsed ? parsed->check_fields(template_schema())
                              : expected<void, tmpl::TemplateError>(unexpected(parsed.error()));
        if (!checked)
            problems.push_back(
                {h.location, what + ": bad template in " + where + ": " + checked.error().str()});
    });
}

void SpecReader::hook_settings(const YAML::Node& node, Hook& h, const std::string& what) {
    if (auto n = field(node, "timeout"))
        h.timeout = duration_value(n, what + " timeout", false).value_or(h.timeout);
    if (auto n = field(node, "retry")) {
        if (check_map(n, what + " retry", kRetryKeys)) {
            if (auto a = field(n, "attempts"))
                h.retry.attempts = static_cast<int>(
                    int_value(a, "retry.attempts", 0, 100).value_or(h.retry.attempts));
            if (auto d = field(n, "delay"))
                h.retry.delay = duration_value(d, "retry.delay", true).value_or(h.retry.delay);
        }
    }
    if (auto n = field(node, "onError")) {
        h.on_error = enum_value<OnError>(n, "onError",
                                         {{"Fail", OnError::Fail}, {"Continue", OnError::Continue}})
                         .value_or(h.on_error);
    }
    if (auto n = field(node, "skipExitCode"))
        h.skip_exit_code =
            static_cast<int>(int_value(n, what + " skipExitCode", 1, 255).value_or(75));
}

void SpecReader::hook_defaults(const YAML::Node& node) {
    if (check_map(node, "defaults", kDefaultsKeys)) hook_settings(node, defaults_, "defaults");
}

/// A `hooks:` mapping of stage names to a hook or a list of hooks.
StageHooks SpecReader::hooks(const YAML::Node& node,
                             const std::vector<std::string_view>& stage_keys,
                             const std::string& what) {
    StageHooks result;
    if (node.IsNull()) return result;
    if (!check_map(node, what, stage_keys)) return result;
    for (auto key : stage_keys) {
        const YAML::Node stage_node = node[std::string(key)];
        if (!stage_node) continue;
        const Stage stage = *stage_from_string(key);
        std::vector<Hook> list;
        if (stage_node.IsSequence()) {
            if (stage_node.size() == 0) problem(stage_node, std::string(key) + " is an empty list");
            size_t i = 0;
            for (const auto& item : stage_node)
                if (auto h = hook(item, stage, i++)) list.push_back(std::move(*h));
        } else if (stage_node.IsMap()) {
            if (auto h = hook(stage_node, stage, 0)) list.push_back(std::move(*h));
        } else {
            problem(stage_node, std::string(key) + " must be a hook or a list of hooks");
        }
        std::set<std::string> names;
        for (const auto& h : list)
            if (!names.insert(h.name).second)
                problems.push_back({h.location, "two hooks in " + std::string(key) + " are named " +
                                                    quote(h.name) + "; give each a unique name"});
        result[stage] = std::move(list);
    }
    return result;
}

/// The task command: a list of arguments.
std::optional<std::vector<std::string>> SpecReader::command(const YAML::Node& n) {
    if (n.IsScalar()) {
        problem(n,
                "command must be a list of arguments, e.g. [restic, backup, /data]; "
                "for a shell line write [sh, -c, \"...\"]");
        return std::nullopt;
    }
    return string_list(n, "command");
}

/// successExitCodes, warningExitCodes and strictWarnings (man page, SPEC).
void SpecReader::task_exit_codes(const YAML::Node& root, Spec& spec) {
    auto codes = [&](const char* key, std::vector<int>& out, int min) {
        const YAML::Node n = root[key];
        if (!n) return;
        if (!n.IsSequence()) {
            problem(n, std::string(key) + " must be a list of exit codes, e.g. [3]");
            return;
        }
        for (const auto& item : n)
            if (auto code = int_value(item, std::string(key) + " element", min, 255))
                out.push_back(static_cast<int>(*code));
    };
    codes("successExitCodes", spec.success_exit_codes, 0);
    codes("warningExitCodes", spec.warning_exit_codes, 1);  // 0 is always a success
    for (int code : spec.warning_exit_codes)
        if (std::ranges::find(spec.success_exit_codes, code) != spec.success_exit_codes.end())
            problem(field(root, "warningExitCodes"), "exit code " + std::to_string(code) +
                                                         " is in both successExitCodes and "
                                                         "warningExitCodes; give it in one");
    if (auto n = field(root, "strictWarnings"))
        spec.strict_warnings = bool_value(n, "strictWarnings").value_or(false);
    if (auto n = field(root, "pipeline")) {
        if (!n.IsSequence() || n.size() < 2)
            problem(n,
                    "pipeline must be a list of at least two commands, e.g. [[pg_dump, db], "
                    "[restic, backup, --stdin]]");
        else
            for (const auto& stage : n) {
                not_a_template(stage, "pipeline");
                if (auto argv = command(stage)) spec.pipeline.push_back(std::move(*argv));
            }
        if (field(root, "command"))
            problem(n, "the spec has both command and pipeline: give one of them");
        if (field(root, "members"))
            problem(n, "pipeline is for a single task, not a batch's members");
    }
    if (auto n = field(root, "output")) {
        spec.output = string_value(n, "output", false).value_or("");
        not_a_template(n, "output");
        if (field(root, "members"))
            problem(n, "output is for a single task, not a batch's members");
    }
}

void SpecReader::session_retries(const YAML::Node& node, const std::string& what,
                                 const std::string& attempts_key, SessionRetries& retries) {
    if (auto n = node[attempts_key])
        retries.attempts =
            static_cast<int>(int_value(n, what + "." + attempts_key, 0, 100).value_or(0));
    if (auto n = field(node, "delay"))
        retries.delay = duration_value(n, what + ".delay", true).value_or(retries.delay);
}

void SpecReader::members(const YAML::Node& node, Spec& spec) {
    if (!node.IsSequence() || node.size() == 0) {
        problem(node, "members must be a non-empty list of {name, command, hooks, timeout}");
        return;
    }
    std::set<std::string> names;
    for (const auto& m : node) {
        if (!check_map(m, "member", kMemberKeys)) continue;
        require(m, "name", "member");
        Member member;
        member.location = at(m);
        if (auto n = field(m, "name")) member.name = name_value(n, "member name").value_or("");
        for (const char* key : {"name", "command"})
            if (auto n = m[key])
                not_a_template(n, key == std::string_view("name") ? "member name" : key);
        member.target = {"", "", member.name};
        if (auto n = field(m, "timeout"))
            member.timeout = duration_value(n, "member timeout", false);
        add_member(m, field(m, "name"), std::move(member), names, kStageKeys, "", spec);
    }
}

void SpecReader::add_member(const YAML::Node& m, const YAML::Node& name_node, Member member,
                            std::set<std::string>& names,
                            const std::vector<std::string_view>& stage_keys,
                            const std::string& rename_hint, Spec& spec) {
    if (!member.name.empty() && !names.insert(member.name).second)
        problem(name_node, "two members are named " + quote(member.name) + rename_hint);
    if (auto n = field(m, "command"))
        member.command = command(n).value_or(std::vector<std::string>{});
    if (auto n = field(m, "hooks"))
        member.hooks = hooks(n, stage_keys, "member " + quote(member.name) + " hooks");
    spec.members.push_back(std::move(member));
}

void SpecReader::top(const YAML::Node& root, Spec& spec) {
    if (!root.IsMap()) {
        problem(root, "the spec must be a mapping with keys such as kind, command and hooks");
        return;
    }
    // Stash's BackupConfiguration, RestoreSession, BackupBatch and RestoreBatch are all
    // stash.appscode.com/v1beta1 (v1alpha1 holds Repository and others we do not read).
    const auto api_version_problem = [&](const YAML::Node& n, const std::string& s) {
        problem(n, "apiVersion must be stash-hook/v1, " + std::string(kStashApiVersion) + " or " +
                       std::string(kKubeStashApiVersion) + ", not " + quote(s));
    };
    if (auto n = field(root, "apiVersion")) {
        if (auto s = string_value(n, "apiVersion"); s && *s == kKubeStashApiVersion) {
            kubestash_manifest(root, spec);
            return;
        }
        if (auto s = string_value(n, "apiVersion"); s && s->starts_with("stash.appscode.com/")) {
            if (*s == kStashApiVersion)
                stash_manifest(root, spec, *s);
            else
                api_version_problem(n, *s);
            return;
        }
    }
    if (auto n = field(root, "apiVersion")) {
        // Refused by its apiVersion alone: one error, not one per key it does not share with ours.
        if (auto s = string_value(n, "apiVersion"); s && *s != "stash-hook/v1") {
            api_version_problem(n, *s);
            return;
        }
    }
    std::vector<std::string_view> top_keys = kTopKeys;
    top_keys.insert(top_keys.end(), kTaskKeys.begin(), kTaskKeys.end());
    check_map(root, "the spec", top_keys);
    for (const char* key : {"name", "namespace", "command", "statusFile", "metricsFile", "lock",
                            "pod", "podSelector"})
        if (auto n = root[key]) not_a_template(n, key);
    if (auto n = field(root, "kind")) {
        spec.kind =
            enum_value<Kind>(n, "kind", {{"backup", Kind::Backup}, {"restore", Kind::Restore}})
                .value_or(Kind::Backup);
    }
    if (auto n = field(root, "name")) spec.name = name_value(n, "name").value_or(spec.name);
    if (auto n = field(root, "namespace")) spec.ns = string_value(n, "namespace").value_or("");
    if (auto n = field(root, "command"))
        spec.command = command(n).value_or(std::vector<std::string>{});
    if (auto n = field(root, "timeout")) spec.timeout = duration_value(n, "timeout", false);
    task_exit_codes(root, spec);
    if (auto n = field(root, "statusFile"))
        spec.status_file = string_value(n, "statusFile", false).value_or("");
    if (auto n = field(root, "showUrls"))
        show_urls_ = bool_value(n, "showUrls").value_or(false);  // before hooks
    if (auto n = field(root, "defaults")) hook_defaults(n);      // before hooks too
    if (auto n = field(root, "hooks")) spec.hooks = hooks(n, kStageKeys);
    if (auto n = field(root, "members")) members(n, spec);
    if (auto n = field(root, "monitor"))
        monitors(n, spec);  // after hooks: start first, end pings last
    if (auto n = field(root, "parallelism"))
        spec.parallelism = static_cast<int>(int_value(n, "parallelism", 1, 1024).value_or(1));
    if (auto n = field(root, "containerRuntime")) {
        spec.container_runtime =
            enum_value<ContainerRuntime>(n, "containerRuntime",
                                         {{"docker", ContainerRuntime::Docker},
                                          {"podman", ContainerRuntime::Podman},
                                          {"kubectl", ContainerRuntime::Kubectl}})
                .value_or(ContainerRuntime::None);
    }
    if (auto n = field(root, "pod")) {
        spec.pod = string_value(n, "pod", false).value_or("");
        if (spec.pod.starts_with('-'))
            problem(n, "pod " + quote(spec.pod) + " must not start with '-'");
    }
    if (auto n = field(root, "podSelector")) {
        spec.pod_selector = string_value(n, "podSelector", false).value_or("");
        if (spec.pod_selector.starts_with('-'))
            problem(n, "podSelector " + quote(spec.pod_selector) + " must not start with '-'");
        else if (!spec.pod.empty())
            problem(n, "pod: and podSelector: both choose the pod: give one of them");
    }
    if (auto n = field(root, "lock")) spec.lock = string_value(n, "lock", false).value_or("");
    if (auto n = field(root, "metricsFile"))
        spec.metrics_file = string_value(n, "metricsFile", false).value_or("");
    if (auto n = field(root, "timeZone")) {
        if (auto z = string_value(n, "timeZone", false)) {
            if (auto loaded = TimeZone::load(*z); !loaded)
                problem(n, "timeZone: " + loaded.error());
            else
                spec.time_zone = *z;
        }
    }
    if (auto n = field(root, "schedule")) {
        if (auto s = string_value(n, "schedule", false)) {
            if (auto parsed = CronSchedule::parse(*s, spec.time_zone); !parsed)
                problem(n, "schedule: " + parsed.error());
            else
                spec.schedule = *s;
        }
    }
    if (auto n = field(root, "lockWait")) {
        // Without lock: here, --lock may give the file: runnable decides (man page, SPEC).
        spec.lock_wait = duration_value(n, "lockWait", true).value_or(Duration{0});
    }
    if (auto n = field(root, "nice"))
        spec.nice = static_cast<int>(int_value(n, "nice", -20, 19).value_or(0));
    if (auto n = field(root, "ionice")) {  // idle, best-effort or best-effort:N (man page, SPEC)
        if (auto s = string_value(n, "ionice", false)) {
            const std::string level = s->starts_with("best-effort:") ? s->substr(12) : "";
            if (*s == "idle" || *s == "best-effort")
                spec.io_class = *s;
            else if (level.size() == 1 && level[0] >= '0' && level[0] <= '7') {
                spec.io_class = "best-effort";
                spec.io_level = level[0] - '0';
            } else
                problem(n,
                        "ionice must be idle, best-effort or best-effort:N with N from 0 (first) "
                        "to 7 (last), not " +
                            quote(*s));
        }
    }
    environment(root, spec.env, "");
    if (auto n = field(root, "secretEnv")) {
        if (!n.IsSequence())
            problem(
                n,
                "secretEnv must be a list of environment variable names, e.g. [RESTIC_PASSWORD]");
        else
            for (const auto& item : n)
                if (auto s = string_value(item, "secretEnv element", false))
                    spec.secret_env.push_back(*s);
    }
    if (auto n = field(root, "retries")) {
        if (check_map(n, "retries", kSessionRetryKeys))
            session_retries(n, "retries", "attempts", spec.retries);
    }
    if (auto n =
            field(root, "capture")) {  // true: stderr; or {stdout, stderr, limit} (man page, SPEC)
        if (n.IsScalar()) {
            spec.capture.stderr_tail = bool_value(n, "capture").value_or(false);
        } else if (check_map(n, "capture", kCaptureKeys)) {
            spec.capture.stderr_tail = true;  // the default stream once capture is set
            if (auto e = field(n, "stderr"))
                spec.capture.stderr_tail = bool_value(e, "capture.stderr").value_or(true);
            if (auto o = field(n, "stdout"))
                spec.capture.stdout_tail = bool_value(o, "capture.stdout").value_or(false);
            if (auto l = field(n, "limit"))
                spec.capture.limit = static_cast<size_t>(
                    int_value(l, "capture.limit", 1, 1 << 20).value_or(10 * 1024));
        }
    }
    if (auto n = field(root, "quietUnlessFailed"))
        spec.quiet_unless_failed = bool_value(n, "quietUnlessFailed").value_or(false);
    spec.invoker = {"stash-hook", "StashHookSpec", spec.name};
    spec.target = {"", "", spec.name};
}

}  // namespace stash_hook

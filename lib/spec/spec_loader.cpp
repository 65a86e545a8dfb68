#include "spec/spec_loader.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

#include "schedule/cron.hpp"
#include "spec/hook_template.hpp"
#include "util/atomic_file.hpp"
#include "util/edit_distance.hpp"
#include "util/utf8.hpp"
#include "util/error.hpp"

namespace stash_hook {

std::string SpecProblem::str() const { return where.str() + ": " + message; }

namespace {

const std::vector<std::string_view> kTopKeys = {
    "apiVersion", "kind", "name", "namespace", "command", "timeout", "statusFile", "hooks",
    "members", "parallelism", "containerRuntime", "pod", "retries", "lock", "lockWait", "secretEnv",
    "metricsFile", "schedule", "timeZone", "showUrls"};
const std::vector<std::string_view> kMemberKeys = {"name", "command", "hooks", "timeout"};
const std::vector<std::string_view> kSessionRetryKeys = {"attempts", "delay"};
// Stash manifests: what stash-hook reads; every other key outside hooks is ignored.
const std::vector<std::string_view> kStashKinds = {"BackupConfiguration", "RestoreSession", "BackupBatch",
                                                   "RestoreBatch"};
constexpr std::string_view kStashApiVersion = "stash.appscode.com/v1beta1";
const std::vector<std::string_view> kBackupStageKeys = {"preBackup", "postBackup"};
const std::vector<std::string_view> kRestoreStageKeys = {"preRestore", "postRestore"};
const std::vector<std::string_view> kStageKeys = {"preBackup", "postBackup", "preRestore",
                                                  "postRestore"};
const std::vector<std::string_view> kHookKeys = {
    "name", "exec", "httpGet", "httpPost", "tcpSocket", "containerName",
    "executionPolicy", "timeout", "retry", "onError"};
const std::vector<std::string_view> kExecKeys = {"command"};
const std::vector<std::string_view> kHttpGetKeys = {"scheme", "host", "port", "path",
                                                    "httpHeaders", "tls", "showUrl"};
const std::vector<std::string_view> kHttpPostKeys = {"scheme", "host", "port", "path",
                                                     "httpHeaders", "tls", "body", "form", "showUrl"};
const std::vector<std::string_view> kTcpKeys = {"host", "port"};
const std::vector<std::string_view> kHeaderKeys = {"name", "value"};
const std::vector<std::string_view> kFormKeys = {"key", "values"};
const std::vector<std::string_view> kTlsKeys = {"insecureSkipVerify", "caFile", "certFile",
                                                "keyFile"};
const std::vector<std::string_view> kRetryKeys = {"attempts", "delay"};

// A spec is configuration, not data. yaml-cpp takes about 500 bytes a node, so the
// node count, not the size, is what bounds its memory (man page, LIMITS).
constexpr size_t kMaxSpecBytes = 1u << 20;
constexpr size_t kMaxSpecNodes = 50'000;
constexpr size_t kMaxScalarBytes = 1u << 20;
constexpr size_t kMaxNameBytes = 253;        // a Kubernetes object name's limit
constexpr size_t kMaxProblems = 100;

std::string quote(std::string_view s) {
    if (s.size() > 80) return "\"" + std::string(s.substr(0, 77)) + "...\"";
    return "\"" + std::string(s) + "\"";
}

std::string one_of(const std::vector<std::string_view>& words) {
    std::string s;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0) s += i + 1 == words.size() ? " or " : ", ";
        s += words[i];
    }
    return s;
}

/// Walks the YAML tree, collecting every problem instead of stopping at the first.
class Loader {
public:
    explicit Loader(std::string file) : file_(std::move(file)) {}

    std::vector<SpecProblem> problems;

    SourceLocation at(const YAML::Node& node) const {
        const YAML::Mark mark = node.Mark();
        if (mark.is_null()) return {file_, 0, 0};
        return {file_, mark.line + 1, mark.column + 1};
    }

    void problem(const YAML::Node& node, std::string message) {
        problems.push_back({at(node), std::move(message)});
    }

    /// Checks that `node` is a map whose keys are all in `allowed`. Returns false if
    /// it is not a map at all.
    bool check_map(const YAML::Node& node, const std::string& what,
                   const std::vector<std::string_view>& allowed) {
        if (!node.IsMap()) {
            problem(node, what + " must be a mapping of keys to values");
            return false;
        }
        std::set<std::string> seen;
        for (auto it = node.begin(); it != node.end(); ++it) {
            const YAML::Node key = it->first;
            if (!key.IsScalar()) {
                problem(key, "keys in " + what + " must be plain names");
                continue;
            }
            const std::string& k = key.Scalar();
            if (!seen.insert(k).second) problem(key, "duplicate key " + quote(k) + " in " + what);
            bool known = false;
            for (auto a : allowed) known = known || a == k;
            if (known) continue;
            std::string msg = "unknown key " + quote(k) + " in " + what;
            if (auto guess = closest_match(k, allowed))
                msg += "; did you mean " + quote(*guess) + "?";
            else
                msg += " (allowed: " + one_of(allowed) + ")";
            problem(key, msg);
        }
        return true;
    }

    std::optional<std::string> scalar(const YAML::Node& node, const std::string& what) {
        if (!node.IsScalar()) {
            problem(node, what + " must be a single value, not a " +
                              (node.IsMap() ? "mapping" : node.IsSequence() ? "list" : "null"));
            return std::nullopt;
        }
        if (node.Scalar().size() > kMaxScalarBytes) {
            problem(node, what + " is " + std::to_string(node.Scalar().size()) + " bytes long; at most " +
                              std::to_string(kMaxScalarBytes) + " are allowed");
            return std::nullopt;
        }
        return node.Scalar();
    }

    /// A name that becomes part of the session's name and environment.
    std::optional<std::string> name_value(const YAML::Node& node, const std::string& what,
                                          bool allow_empty = false) {
        auto s = string_value(node, what, allow_empty);
        if (!s) return s;
        if (s->size() > kMaxNameBytes) {
            problem(node, what + " is " + std::to_string(s->size()) + " characters long; at most " +
                              std::to_string(kMaxNameBytes) + " are allowed");
            return std::nullopt;
        }
        for (unsigned char c : *s) {
            if (c < 0x20 || c == '/' || c == 0x7f) {
                problem(node, what + " " + quote(*s) + " must not contain '/' or control characters");
                return std::nullopt;
            }
        }
        return s;
    }

    std::optional<std::string> string_value(const YAML::Node& node, const std::string& what,
                                            bool allow_empty = true) {
        auto s = scalar(node, what);
        if (s && !allow_empty && s->empty()) {
            problem(node, what + " must not be empty");
            return std::nullopt;
        }
        return s;
    }

    std::optional<bool> bool_value(const YAML::Node& node, const std::string& what) {
        auto s = scalar(node, what);
        if (!s) return std::nullopt;
        if (*s == "true" || *s == "True" || *s == "TRUE") return true;
        if (*s == "false" || *s == "False" || *s == "FALSE") return false;
        problem(node, what + " must be true or false, not " + quote(*s));
        return std::nullopt;
    }

    std::optional<long long> int_value(const YAML::Node& node, const std::string& what,
                                       long long min, long long max) {
        auto s = scalar(node, what);
        if (!s) return std::nullopt;
        long long v = 0;
        auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
        if (ec == std::errc::result_out_of_range) {
            problem(node, what + " " + *s + " is out of range (" + std::to_string(min) + "-" +
                              std::to_string(max) + ")");
            return std::nullopt;
        }
        if (ec != std::errc() || ptr != s->data() + s->size()) {
            problem(node, what + " must be a whole number, not " + quote(*s));
            return std::nullopt;
        }
        if (v < min || v > max) {
            problem(node, what + " " + *s + " is out of range (" + std::to_string(min) + "-" +
                              std::to_string(max) + ")");
            return std::nullopt;
        }
        return v;
    }

    std::optional<Duration> duration_value(const YAML::Node& node, const std::string& what,
                                           bool allow_zero) {
        auto s = scalar(node, what);
        if (!s) return std::nullopt;
        auto d = parse_duration(*s);
        if (!d) {
            problem(node, what + ": " + d.error() +
                              "; durations use Go syntax such as 500ms, 30s, 1m30s, 2h");
            return std::nullopt;
        }
        if (d->count() < 0 || (!allow_zero && d->count() == 0)) {
            problem(node, what + " must be " + (allow_zero ? "zero or more" : "more than zero") +
                              ", not " + quote(*s));
            return std::nullopt;
        }
        return *d;
    }

    template <typename Enum>
    std::optional<Enum> enum_value(const YAML::Node& node, const std::string& what,
                                   const std::vector<std::pair<std::string_view, Enum>>& values) {
        auto s = scalar(node, what);
        if (!s) return std::nullopt;
        std::vector<std::string_view> names;
        for (const auto& [name, value] : values) {
            if (name == *s) return value;
            names.push_back(name);
        }
        std::string msg = what + " must be " + one_of(names) + ", not " + quote(*s);
        if (auto guess = closest_match(*s, names)) msg += "; did you mean " + quote(*guess) + "?";
        problem(node, msg);
        return std::nullopt;
    }

    std::optional<std::vector<std::string>> string_list(const YAML::Node& node,
                                                        const std::string& what) {
        if (!node.IsSequence()) {
            problem(node, what + " must be a list of strings, e.g. [sh, -c, \"echo hi\"]");
            return std::nullopt;
        }
        std::vector<std::string> out;
        bool ok = true;
        for (const auto& item : node) {
            auto s = scalar(item, what + " element");
            if (s && s->find('\0') != std::string::npos) {
                // execve would end the argument there and run something else.
                problem(item, what + " element must not contain a NUL byte");
                s.reset();
            }
            if (s)
                out.push_back(*s);
            else
                ok = false;
        }
        if (ok && out.empty()) {
            problem(node, what + " must not be empty");
            return std::nullopt;
        }
        if (!ok) return std::nullopt;
        return out;
    }

    std::optional<int> port_value(const YAML::Node& node, const std::string& what) {
        auto s = scalar(node, what);
        if (!s) return std::nullopt;
        if (!s->empty() && std::isdigit(static_cast<unsigned char>((*s)[0])))
            return static_cast<std::optional<int>>(int_value(node, what, 1, 65535));
        if (auto port = resolve_port(*s)) return port;
        problem(node, what + " " + quote(*s) +
                          " is neither a number 1-65535 nor a service name in /etc/services");
        return std::nullopt;
    }

    void require(const YAML::Node& map, std::string_view key, const std::string& what) {
        if (!map[std::string(key)]) problem(map, what + " is missing required key " + quote(key));
    }

    // ---- actions ----------------------------------------------------------

    std::optional<ExecAction> exec_action(const YAML::Node& node) {
        if (!check_map(node, "exec", kExecKeys)) return std::nullopt;
        require(node, "command", "exec");
        ExecAction exec;
        if (node["command"]) {
            auto cmd = string_list(node["command"], "exec.command");
            if (!cmd) return std::nullopt;
            exec.command = std::move(*cmd);
        }
        return exec;
    }

    std::optional<TlsOptions> tls_options(const YAML::Node& node, const std::string& what) {
        if (!check_map(node, what, kTlsKeys)) return std::nullopt;
        TlsOptions tls;
        if (auto n = node["insecureSkipVerify"])
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

    std::optional<HttpAction> http_action(const YAML::Node& node, bool post) {
        const std::string what = post ? "httpPost" : "httpGet";
        if (!check_map(node, what, post ? kHttpPostKeys : kHttpGetKeys)) return std::nullopt;
        require(node, "port", what);
        HttpAction http;
        http.post = post;
        if (auto n = node["scheme"]) {
            if (auto s = string_value(n, what + ".scheme")) {
                std::string upper;
                for (char c : *s) upper += static_cast<char>(std::toupper(c));
                if (upper == "HTTP" || upper == "HTTPS")
                    http.scheme = upper;
                else
                    problem(n, what + ".scheme must be HTTP or HTTPS, not " + quote(*s));
            }
        }
        if (auto n = node["host"]) http.host = string_value(n, what + ".host", false).value_or("");
        if (auto n = node["port"]) http.port = port_value(n, what + ".port").value_or(0);
        if (auto n = node["path"]) {
            if (auto s = string_value(n, what + ".path")) {
                http.path = s->empty() ? "/" : *s;
                if (http.path[0] != '/') http.path = "/" + http.path;
            }
        }
        if (auto n = node["httpHeaders"]) {
            if (!n.IsSequence()) {
                problem(n, what + ".httpHeaders must be a list of {name, value}");
            } else {
                for (const auto& h : n) {
                    if (!check_map(h, what + ".httpHeaders element", kHeaderKeys)) continue;
                    require(h, "name", what + ".httpHeaders element");
                    HttpHeader header;
                    if (h["name"])
                        header.name = string_value(h["name"], "header name", false).value_or("");
                    if (h["value"]) header.value = string_value(h["value"], "header value").value_or("");
                    http.headers.push_back(std::move(header));
                }
            }
        }
        if (auto n = node["tls"]) {
            if (auto tls = tls_options(n, what + ".tls")) http.tls = std::move(*tls);
        }
        http.show_url = show_urls_;
        if (auto n = node["showUrl"]) http.show_url = bool_value(n, what + ".showUrl").value_or(show_urls_);
        if (post) {
            if (auto n = node["body"]) http.body = string_value(n, what + ".body").value_or("");
            if (auto n = node["form"]) {
                if (!n.IsSequence()) {
                    problem(n, what + ".form must be a list of {key, values}");
                } else {
                    for (const auto& f : n) {
                        if (!check_map(f, what + ".form element", kFormKeys)) continue;
                        require(f, "key", what + ".form element");
                        FormField field;
                        if (f["key"]) field.key = string_value(f["key"], "form key", false).value_or("");
                        if (f["values"]) {
                            if (f["values"].IsSequence()) {
                                for (const auto& v : f["values"])
                                    if (auto s = scalar(v, "form value")) field.values.push_back(*s);
                            } else {
                                problem(f["values"], "form values must be a list, e.g. [a, b]");
                            }
                        }
                        http.form.push_back(std::move(field));
                    }
                }
            }
            if (node["body"] && node["form"])
                problem(node, what + " has both body and form; use one of them");
        }
        return http;
    }

    std::optional<TcpAction> tcp_action(const YAML::Node& node) {
        if (!check_map(node, "tcpSocket", kTcpKeys)) return std::nullopt;
        require(node, "port", "tcpSocket");
        TcpAction tcp;
        if (auto n = node["host"]) tcp.host = string_value(n, "tcpSocket.host", false).value_or("");
        if (auto n = node["port"]) tcp.port = port_value(n, "tcpSocket.port").value_or(0);
        return tcp;
    }

    // ---- hooks ------------------------------------------------------------

    std::optional<Hook> hook(const YAML::Node& node, Stage stage, size_t index) {
        const std::string label = std::string(to_string(stage)) + "[" + std::to_string(index) + "]";
        if (!check_map(node, "hook " + label, kHookKeys)) return std::nullopt;
        Hook h;
        h.stage = stage;
        h.location = at(node);
        h.name = label;
        if (auto n = node["name"]) {
            if (auto s = string_value(n, "hook name", false)) h.name = *s;
        }
        const std::string what = "hook " + quote(h.name);

        int actions = 0;
        for (auto key : {"exec", "httpGet", "httpPost", "tcpSocket"}) actions += node[key] ? 1 : 0;
        if (actions == 0) {
            problem(node, what + " has no action: give exactly one of exec, httpGet, httpPost, "
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
        if (auto n = node["exec"]) {
            if (auto a = exec_action(n)) action = std::move(*a);
        } else if (auto n2 = node["httpGet"]) {
            if (auto a = http_action(n2, false)) action = std::move(*a);
        } else if (auto n3 = node["httpPost"]) {
            if (auto a = http_action(n3, true)) action = std::move(*a);
        } else if (auto n4 = node["tcpSocket"]) {
            if (auto a = tcp_action(n4)) action = std::move(*a);
        }
        if (auto n = node["containerName"]) {
            if (auto s = string_value(n, "containerName", false)) {
                if (!node["exec"])
                    problem(n, what + ": containerName applies only to exec hooks");
                if ((*s)[0] == '-')  // it would reach docker/kubectl exec as an option
                    problem(n, what + ": containerName " + quote(*s) + " must not start with '-'");
                h.container_name = *s;
            }
        }
        if (auto n = node["executionPolicy"]) {
            if (is_pre(stage)) {
                problem(n, what + ": executionPolicy applies only to post hooks (postBackup, "
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
        if (auto n = node["timeout"])
            h.timeout = duration_value(n, what + " timeout", false).value_or(kDefaultHookTimeout);
        if (auto n = node["retry"]) {
            if (check_map(n, what + " retry", kRetryKeys)) {
                if (auto a = n["attempts"])
                    h.retry.attempts =
                        static_cast<int>(int_value(a, "retry.attempts", 0, 100).value_or(0));
                if (auto d = n["delay"])
                    h.retry.delay = duration_value(d, "retry.delay", true).value_or(h.retry.delay);
            }
        }
        if (auto n = node["onError"]) {
            h.on_error = enum_value<OnError>(n, "onError",
                                             {{"Fail", OnError::Fail}, {"Continue", OnError::Continue}})
                             .value_or(OnError::Fail);
        }
        if (!action) return std::nullopt;
        h.action = std::move(*action);
        for_each_template_string(h, [&](std::string& text, const std::string& where) {
            if (!tmpl::is_template(text)) return;
            auto parsed = tmpl::Template::parse(text);
            auto checked = parsed ? parsed->check_fields(template_schema())
                                  : expected<void, tmpl::TemplateError>(unexpected(parsed.error()));
            if (!checked)
                problems.push_back({h.location, what + ": bad template in " + where + ": " + checked.error().str()});
        });
        return h;
    }

    /// A `hooks:` mapping of stage names to a hook or a list of hooks.
    StageHooks hooks(const YAML::Node& node, const std::vector<std::string_view>& stage_keys,
                     const std::string& what = "hooks") {
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
                    problems.push_back({h.location, "two hooks in " + std::string(key) +
                                                        " are named " + quote(h.name) +
                                                        "; give each a unique name"});
            result[stage] = std::move(list);
        }
        return result;
    }

    /// The task command: a list of arguments.
    std::optional<std::vector<std::string>> command(const YAML::Node& n) {
        if (n.IsScalar()) {
            problem(n, "command must be a list of arguments, e.g. [restic, backup, /data]; "
                       "for a shell line write [sh, -c, \"...\"]");
            return std::nullopt;
        }
        return string_list(n, "command");
    }

    void members(const YAML::Node& node, Spec& spec) {
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
            if (auto n = m["name"]) member.name = name_value(n, "member name").value_or("");
            if (!member.name.empty() && !names.insert(member.name).second)
                problem(m["name"], "two members are named " + quote(member.name));
            member.target = {"", "", member.name};
            if (auto n = m["command"]) member.command = command(n).value_or(std::vector<std::string>{});
            if (auto n = m["timeout"]) member.timeout = duration_value(n, "member timeout", false);
            if (auto n = m["hooks"]) member.hooks = hooks(n, kStageKeys, "member " + quote(member.name) + " hooks");
            spec.members.push_back(std::move(member));
        }
    }

    /// A Stash stash.appscode.com/v1beta1 manifest, read as it is (CONTRACT section 5).
    void stash_manifest(const YAML::Node& root, Spec& spec, const std::string& api_version) {
        const YAML::Node kind_node = root["kind"];
        std::string kind;
        if (!kind_node) {
            problem(root, "a Stash manifest needs kind: BackupConfiguration, RestoreSession, BackupBatch "
                          "or RestoreBatch");
            return;
        }
        kind = string_value(kind_node, "kind").value_or("");
        bool known = false;
        for (auto k : kStashKinds) known = known || k == kind;
        if (!known) {
            std::string msg = "stash-hook reads Stash manifests of kind " + one_of(kStashKinds) + ", not " + quote(kind);
            if (auto guess = closest_match(kind, kStashKinds)) msg += "; did you mean " + quote(*guess) + "?";
            problem(kind_node, msg);
            return;
        }
        const bool restore = kind == "RestoreSession" || kind == "RestoreBatch";
        const bool batch = kind == "BackupBatch" || kind == "RestoreBatch";
        const auto& stage_keys = restore ? kRestoreStageKeys : kBackupStageKeys;
        spec.kind = restore ? Kind::Restore : Kind::Backup;
        spec.api_version = api_version;
        if (auto meta = root["metadata"]; meta && meta.IsMap()) {
            if (auto n = meta["name"]) spec.name = name_value(n, "metadata.name").value_or(spec.name);
            if (auto n = meta["namespace"]) spec.ns = string_value(n, "metadata.namespace").value_or("");
        }
        const size_t slash = api_version.find('/');
        spec.invoker = {api_version.substr(0, slash), kind, spec.name};
        const YAML::Node body = root["spec"];
        if (!body || !body.IsMap()) {
            problem(root, "a Stash " + kind + " needs a spec: mapping");
            return;
        }
        auto target_of = [&](const YAML::Node& owner, std::string& alias) {
            ObjectRef ref;
            const YAML::Node target = owner["target"];
            if (!target || !target.IsMap()) return ref;
            // Names become member names, log lines and environment: our name rules.
            if (auto a = target["alias"]) alias = name_value(a, "target.alias", true).value_or("");
            if (auto r = target["ref"]; r && r.IsMap()) {
                if (auto n = r["apiVersion"]) ref.api_version = string_value(n, "target.ref.apiVersion").value_or("");
                if (auto n = r["kind"]) ref.kind = string_value(n, "target.ref.kind").value_or("");
                if (auto n = r["name"]) ref.name = name_value(n, "target.ref.name", true).value_or("");
            }
            return ref;
        };
        std::string alias;
        spec.target = target_of(body, alias);
        if (auto n = body["hooks"]) spec.hooks = hooks(n, stage_keys, "spec.hooks");
        if (!batch) return;
        const YAML::Node list = body["members"];
        if (!list || !list.IsSequence() || list.size() == 0) {
            problem(body, "a Stash " + kind + " needs spec.members: a list of targets");
            return;
        }
        std::set<std::string> names;
        for (const auto& m : list) {
            if (!m.IsMap()) {
                problem(m, "each member must be a mapping with a target");
                continue;
            }
            Member member;
            member.location = at(m);
            std::string member_alias;
            member.target = target_of(m, member_alias);
            member.name = !member_alias.empty() ? member_alias : member.target.name;
            if (member.name.empty()) {
                problem(m, "member needs target.alias or target.ref.name to be named");
                continue;
            }
            if (!names.insert(member.name).second)
                problem(m, "two members are named " + quote(member.name) + "; give one a target.alias");
            if (auto n = m["command"]) member.command = command(n).value_or(std::vector<std::string>{});
            if (auto n = m["hooks"]) member.hooks = hooks(n, stage_keys, "member " + quote(member.name) + " hooks");
            spec.members.push_back(std::move(member));
        }
    }

    void top(const YAML::Node& root, Spec& spec) {
        if (!root.IsMap()) {
            problem(root, "the spec must be a mapping with keys such as kind, command and hooks");
            return;
        }
        // Stash's BackupConfiguration, RestoreSession, BackupBatch and RestoreBatch are all
        // stash.appscode.com/v1beta1 (v1alpha1 holds Repository and others we do not read).
        const auto api_version_problem = [&](const YAML::Node& n, const std::string& s) {
            problem(n, "apiVersion must be stash-hook/v1 or " + std::string(kStashApiVersion) + ", not " + quote(s));
        };
        if (auto n = root["apiVersion"]) {
            if (auto s = string_value(n, "apiVersion"); s && s->starts_with("stash.appscode.com/")) {
                if (*s == kStashApiVersion)
                    stash_manifest(root, spec, *s);
                else
                    api_version_problem(n, *s);
                return;
            }
        }
        check_map(root, "the spec", kTopKeys);
        if (auto n = root["apiVersion"]) {
            if (auto s = string_value(n, "apiVersion"); s && *s != "stash-hook/v1") api_version_problem(n, *s);
        }
        if (auto n = root["kind"]) {
            spec.kind = enum_value<Kind>(n, "kind", {{"backup", Kind::Backup}, {"restore", Kind::Restore}})
                            .value_or(Kind::Backup);
        }
        if (auto n = root["name"]) spec.name = name_value(n, "name").value_or(spec.name);
        if (auto n = root["namespace"]) spec.ns = string_value(n, "namespace").value_or("");
        if (auto n = root["command"]) spec.command = command(n).value_or(std::vector<std::string>{});
        if (auto n = root["timeout"]) spec.timeout = duration_value(n, "timeout", false);
        if (auto n = root["statusFile"])
            spec.status_file = string_value(n, "statusFile", false).value_or("");
        if (auto n = root["showUrls"]) show_urls_ = bool_value(n, "showUrls").value_or(false);  // before hooks
        if (auto n = root["hooks"]) spec.hooks = hooks(n, kStageKeys);
        if (auto n = root["members"]) members(n, spec);
        if (auto n = root["parallelism"])
            spec.parallelism = static_cast<int>(int_value(n, "parallelism", 1, 1024).value_or(1));
        if (auto n = root["containerRuntime"]) {
            spec.container_runtime = enum_value<ContainerRuntime>(n, "containerRuntime",
                                                                  {{"docker", ContainerRuntime::Docker},
                                                                   {"podman", ContainerRuntime::Podman},
                                                                   {"kubectl", ContainerRuntime::Kubectl}})
                                         .value_or(ContainerRuntime::None);
        }
        if (auto n = root["pod"]) {
            spec.pod = string_value(n, "pod", false).value_or("");
            if (spec.pod.starts_with('-')) problem(n, "pod " + quote(spec.pod) + " must not start with '-'");
        }
        if (auto n = root["lock"]) spec.lock = string_value(n, "lock", false).value_or("");
        if (auto n = root["metricsFile"]) spec.metrics_file = string_value(n, "metricsFile", false).value_or("");
        if (auto n = root["timeZone"]) {
            if (auto z = string_value(n, "timeZone", false)) {
                if (auto loaded = TimeZone::load(*z); !loaded)
                    problem(n, "timeZone: " + loaded.error());
                else
                    spec.time_zone = *z;
            }
        }
        if (auto n = root["schedule"]) {
            if (auto s = string_value(n, "schedule", false)) {
                if (auto parsed = CronSchedule::parse(*s, spec.time_zone); !parsed)
                    problem(n, "schedule: " + parsed.error());
                else
                    spec.schedule = *s;
            }
        }
        if (auto n = root["lockWait"]) {
            spec.lock_wait = duration_value(n, "lockWait", true).value_or(Duration{0});
            if (!root["lock"]) problem(n, "lockWait needs lock: (the file to lock)");
        }
        if (auto n = root["secretEnv"]) {
            if (!n.IsSequence())
                problem(n, "secretEnv must be a list of environment variable names, e.g. [RESTIC_PASSWORD]");
            else
                for (const auto& item : n)
                    if (auto s = string_value(item, "secretEnv element", false)) spec.secret_env.push_back(*s);
        }
        if (auto n = root["retries"]) {
            if (check_map(n, "retries", kSessionRetryKeys)) {
                if (auto a = n["attempts"])
                    spec.retries.attempts = static_cast<int>(int_value(a, "retries.attempts", 0, 100).value_or(0));
                if (auto d = n["delay"])
                    spec.retries.delay = duration_value(d, "retries.delay", true).value_or(spec.retries.delay);
            }
        }
        spec.invoker = {"stash-hook", "StashHookSpec", spec.name};
        spec.target = {"", "", spec.name};
    }

private:
    std::string file_;
    bool show_urls_ = false;  // the spec's showUrls: each HTTP hook's showUrl unless it has one
};

/// Counts the first document's nodes with yaml-cpp's event parser, which builds no
/// tree, and stops past the limit: a long list is refused before it costs memory.
class NodeCounter : public YAML::EventHandler {
public:
    struct TooMany {
        YAML::Mark mark;
    };
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { add(mark); }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { add(mark); }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
        add(mark);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        add(mark);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        add(mark);
    }
    void OnMapEnd() override {}

private:
    void add(const YAML::Mark& mark) {
        if (++count_ > kMaxSpecNodes) throw TooMany{mark};
    }
    size_t count_ = 0;
};

std::string default_name(const std::string& path) {
    if (path == "-" || path.empty()) return "stash-hook";
    auto stem = std::filesystem::path(path).stem().string();
    return stem.empty() ? "stash-hook" : stem;
}

}  // namespace

std::optional<int> resolve_port(std::string_view text) {
    if (text.empty()) return std::nullopt;
    int port = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (ec == std::errc() && ptr == text.data() + text.size())
        return port >= 1 && port <= 65535 ? std::optional<int>(port) : std::nullopt;
    const std::string name(text);
    if (const servent* s = getservbyname(name.c_str(), "tcp")) return ntohs(static_cast<uint16_t>(s->s_port));
    return std::nullopt;
}

/// The position of the first byte that is not valid UTF-8, if any.
std::optional<size_t> invalid_utf8_at(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const size_t len = utf8_sequence_length(s, i);
        if (len == 0) return i;
        i += len;
    }
    return std::nullopt;
}

SourceLocation location_of(std::string_view text, size_t pos, const std::string& file) {
    int line = 1, column = 1;
    for (size_t i = 0; i < pos; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {file, line, column};
}

SpecLoadResult load_spec_text(std::string_view text, const std::string& file) {
    SpecLoadResult result;
    Loader loader(file);
    YAML::Node root;
    if (text.size() > kMaxSpecBytes) {
        result.problems.push_back({{file, 0, 0}, "the spec is " + std::to_string(text.size()) +
                                                     " bytes; at most " + std::to_string(kMaxSpecBytes) + " are read"});
        return result;
    }
    if (auto bad = invalid_utf8_at(text)) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(text[*bad]));
        result.problems.push_back({location_of(text, *bad, file),
                                   std::string("invalid UTF-8 (byte ") + hex + "): save the spec as UTF-8"});
        return result;
    }
    const std::string copy(text);
    try {
        std::istringstream in(copy);
        YAML::Parser parser(in);
        NodeCounter counter;
        parser.HandleNextDocument(counter);
    } catch (const NodeCounter::TooMany& e) {
        result.problems.push_back({{file, e.mark.line + 1, e.mark.column + 1},
                                   "the spec has more than " + std::to_string(kMaxSpecNodes) +
                                       " values (scalars, lists and mappings); a spec is configuration, not data"});
        return result;
    } catch (const YAML::Exception&) {
        // Reported below, where the tree is built, with the same words as always.
    }
    try {
        root = YAML::Load(copy);
    } catch (const YAML::DeepRecursion& e) {
        result.problems.push_back({{file, e.mark.line + 1, e.mark.column + 1},
                                   "invalid YAML: nested too deeply (more than yaml-cpp's limit)"});
        return result;
    } catch (const YAML::Exception& e) {
        SourceLocation where{file, e.mark.is_null() ? 0 : e.mark.line + 1,
                             e.mark.is_null() ? 0 : e.mark.column + 1};
        result.problems.push_back({where, "invalid YAML: " + e.msg});
        return result;
    }
    if (!root || root.IsNull()) {
        result.problems.push_back({{file, 0, 0}, "the spec is empty"});
        return result;
    }
    Spec spec;
    spec.path = file;
    spec.name = default_name(file);
    try {
        loader.top(root, spec);
    } catch (const YAML::Exception& e) {
        loader.problems.push_back({{file, e.mark.line + 1, e.mark.column + 1}, e.msg});
    }
    result.problems = std::move(loader.problems);
    if (result.problems.size() > kMaxProblems) {
        const size_t more = result.problems.size() - kMaxProblems;
        result.problems.resize(kMaxProblems);
        result.problems.push_back({{file, 0, 0}, "... and " + std::to_string(more) + " more problems"});
    }
    if (result.problems.empty()) result.spec = std::move(spec);
    return result;
}

SpecLoadResult load_spec_file(const std::string& path) {
    const std::string file = path == "-" ? "<stdin>" : path;
    auto failed = [&](const std::string& reason) {
        return SpecLoadResult{std::nullopt, {{{file, 0, 0}, "failed to read spec: " + reason}}};
    };
    int fd = 0;
    if (path != "-") {
        // O_NONBLOCK: opening a FIFO with no writer must not hang.
        fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
            const int err = errno;
            return failed(std::string(std::strerror(err)) +
                          (err == ENOENT ? " (give one with -f FILE or $STASH_HOOK_SPEC)" : ""));
        }
        struct stat st{};
        const bool ok = fstat(fd, &st) == 0;
        // A pipe (`-f <(generate-spec)`, `-f /dev/stdin`) is read as stdin is, bounded; a
        // named FIFO with no writer reads as empty instead of hanging.
        if (ok && S_ISFIFO(st.st_mode)) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        else if (!ok || !S_ISREG(st.st_mode)) {
            const std::string kind = ok ? file_kind(st.st_mode) : std::strerror(errno);
            close(fd);
            return failed(path + " is " + kind + ", not a regular file or a pipe");
        }
    }
    // At most one byte past the limit: an endless input (-f - < /dev/zero) costs nothing.
    auto text = read_at_most(fd, kMaxSpecBytes);
    if (fd != 0) close(fd);
    if (!text) return failed(std::strerror(text.error()));
    if (text->size() > kMaxSpecBytes)
        return failed("it is larger than " + std::to_string(kMaxSpecBytes) + " bytes (1 MiB), the most a spec may be");
    return load_spec_text(*text, file);
}

std::string default_spec_path(const std::string& flag_value) {
    if (!flag_value.empty()) return flag_value;
    if (const char* env = std::getenv("STASH_HOOK_SPEC"); env && *env) return env;
    return "stash-hook.yaml";
}

Spec load_spec_or_throw(const std::string& path) {
    auto result = load_spec_file(path);
    if (result.spec) return std::move(*result.spec);
    std::string message;
    for (const auto& p : result.problems) {
        if (!message.empty()) message += "\n";
        message += p.str();
    }
    throw Error(message);
}

}  // namespace stash_hook

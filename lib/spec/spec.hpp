#pragma once
// The loaded, validated spec: what to run. Plain data; no behaviour.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/duration.hpp"

namespace stash_hook {

enum class Kind { Backup, Restore };
enum class Stage { PreBackup, PostBackup, PreRestore, PostRestore };
enum class ExecutionPolicy { Always, OnSuccess, OnFailure, OnFinalRetryFailure };
enum class OnError { Fail, Continue };

const char* to_string(Kind kind);          // "backup", "restore"
const char* to_string(Stage stage);        // "preBackup", ...
const char* to_string(ExecutionPolicy p);  // "Always", ...
const char* to_string(OnError e);          // "Fail", "Continue"
bool is_pre(Stage stage);
std::optional<Kind> kind_from_string(std::string_view text);    // "backup", "restore"
std::optional<Stage> stage_from_string(std::string_view text);  // "preBackup", ...
Stage pre_stage(Kind kind);
Stage post_stage(Kind kind);

/// Where something came from in the spec file, for messages.
struct SourceLocation {
    std::string file;
    int line = 0;             // 1-based; 0 when unknown
    int column = 0;           // 1-based
    std::string str() const;  // "file:line:column"
};

/// Environment variables a spec sets, in order (env: and envFile:).
using EnvPairs = std::vector<std::pair<std::string, std::string>>;

struct ExecAction {
    std::vector<std::string> command;
    EnvPairs env;  // this hook's own env: and envFile: (man page, SPEC)
};

struct HttpHeader {
    std::string name;
    std::string value;
};

struct FormField {
    std::string key;
    std::vector<std::string> values;
};

struct TlsOptions {
    bool insecure_skip_verify = false;
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
};

/// httpGet and httpPost share this; `post` tells them apart.
struct HttpAction {
    bool post = false;
    std::string scheme = "HTTP";  // "HTTP" or "HTTPS"
    std::string host = "localhost";
    int port = 0;
    std::string port_name;  // a named port of the hook's container (port 0 until resolved)
    std::string path = "/";
    std::vector<HttpHeader> headers;
    std::string body;
    std::vector<FormField> form;
    TlsOptions tls;
    size_t body_limit = 0;    // the rendered body is cut to this many bytes; 0: no cut
    bool show_url = false;    // showUrl (default: the spec's showUrls): print the path and query
    std::string url() const;  // scheme://host:port/path, in full
    /// The URL for logs, the plan and messages: without its path and query
    /// (scheme://host:port/***) unless show_url, and never with a password (user:***@host).
    std::string shown_url() const;
};

struct TcpAction {
    std::string host = "localhost";
    int port = 0;
    std::string port_name;  // a named port of the hook's container (port 0 until resolved)
};

using Action = std::variant<ExecAction, HttpAction, TcpAction>;

/// "exec", "httpGet", "httpPost" or "tcpSocket".
std::string action_name(const Action& action);
/// `arg` quoted for a POSIX shell where needed, for display: a b -> 'a b'.
std::string shell_quote(const std::string& arg);
/// argv as one line a user could paste into a shell.
std::string command_line(const std::vector<std::string>& argv);
/// One line describing the action's target, e.g. the argv or the URL.
std::string action_target(const Action& action);

struct RetryPolicy {
    int attempts = 0;                          // extra attempts after the first failure
    Duration delay = std::chrono::seconds(1);  // doubles after each retry
    bool transient_only = false;  // retry connect errors, timeouts, 5xx and 429 only (monitors)
};

inline constexpr Duration kDefaultHookTimeout = std::chrono::minutes(5);

struct Hook {
    std::string name;  // user's, or "<stage>[<index>]"
    Stage stage = Stage::PreBackup;
    Action action;
    std::string container_name;  // exec: run inside this container; httpGet, httpPost,
                                 // tcpSocket: the container whose named port `port` names
    ExecutionPolicy policy = ExecutionPolicy::Always;
    Duration timeout = kDefaultHookTimeout;
    RetryPolicy retry;
    OnError on_error = OnError::Fail;
    /// A pre hook exiting with this code skips the task without failing (man page, SPEC:
    /// skipExitCode).
    std::optional<int> skip_exit_code;
    SourceLocation location;
    std::vector<std::string> secrets;  // masked wherever shown: a monitor's key, uuid, token
    // kubectl: the pods a label selector picks run this exec hook (a KubeStash HookTemplate's
    // Pod executor): the first of them, or every one when all_pods (ExecuteOnAll).
    std::string pod_selector;
    bool all_pods = false;
};

using StageHooks = std::map<Stage, std::vector<Hook>>;

/// What templates see as .Target and .Invoker (Stash's TargetRef and invoker).
struct ObjectRef {
    std::string api_version;  // .Target.ApiVersion / .Invoker.ApiGroup
    std::string kind;
    std::string name;
};

/// One target of a batch (Stash's BackupBatch member).
struct Member {
    std::string name;
    std::vector<std::string> command;  // empty: the `--` command
    std::optional<Duration> timeout;   // empty: the spec's
    StageHooks hooks;
    ObjectRef target;
    std::string pod;  // kubectl: the member's workload (Stash), when the spec names no pod
    SourceLocation location;
    const std::vector<Hook>& hooks_for(Stage stage) const;
};

enum class ContainerRuntime { None, Docker, Podman, Kubectl };
const char* to_string(ContainerRuntime runtime);
std::optional<ContainerRuntime> container_runtime_from_string(std::string_view text);

/// Session retries: re-run a failed session up to `attempts` more times.
struct SessionRetries {
    int attempts = 0;
    Duration delay = std::chrono::seconds(30);
};

/// capture: (man page, SPEC): which of the task's streams stash-hook keeps a tail of, for
/// templates (.Task.Output, .Task.Stderr, .Task.Stdout), the status file and the log.
struct OutputCapture {
    bool stdout_tail = false;
    bool stderr_tail = false;
    size_t limit = size_t{10} * 1024;  // bytes kept of each stream, and of both interleaved
    bool enabled() const { return stdout_tail || stderr_tail; }
};

struct Spec {
    std::string path;  // where it was read from ("-" for stdin)
    std::string api_version = "stash-hook/v1";
    Kind kind = Kind::Backup;
    std::string name;
    std::string ns;
    std::vector<std::string> command;
    std::optional<Duration> timeout;      // the task's; none by default
    std::vector<int> success_exit_codes;  // besides 0 (successExitCodes)
    std::vector<int> warning_exit_codes;  // success with a warning (warningExitCodes)
    bool strict_warnings = false;         // a warning fails the session (strictWarnings)
    /// The task as stages connected by pipes (pipeline:), instead of command.
    std::vector<std::vector<std::string>> pipeline;
    std::string output;  // the task's stdout, replaced atomically on success (output:)
    std::string status_file;
    std::string metrics_file;  // Prometheus text file for node_exporter's textfile collector
    std::string schedule;      // cron expression for `serve`
    std::string time_zone;     // the schedule's zone (timeZone:); empty: local time
    std::string lock;          // flock this file for the whole run
    Duration lock_wait{0};     // how long to wait for another run's lock
    std::vector<std::string> secret_env;  // names of variables whose values are secrets
    EnvPairs env;  // top-level env: and envFile:, for the task and every hook (apply_environment)
    StageHooks hooks;  // in a batch, the global hooks
    ObjectRef invoker;
    ObjectRef target;
    std::vector<Member> members;  // a batch when not empty
    int parallelism = 1;
    ContainerRuntime container_runtime = ContainerRuntime::None;
    std::string pod;  // kubectl: a pod or TYPE/NAME (a Stash manifest's workload by default)
    /// kubectl, when no pod is named: container hooks run in the first pod these labels pick
    /// (podSelector:, --selector).
    std::string pod_selector;
    SessionRetries retries;
    std::optional<int> nice;      // nice: the run's niceness, -20..19
    std::string io_class;         // ionice: "idle" or "best-effort"; empty: unchanged
    std::optional<int> io_level;  // ionice: best-effort:N, 0..7
    bool paused = false;  // a Stash manifest's spec.paused: serve starts no scheduled session
    OutputCapture capture;
    /// quietUnlessFailed: hold the task's stdout and stderr, print them only if the session
    /// fails (man page, SPEC).
    bool quiet_unless_failed = false;

    const std::vector<Hook>& hooks_for(Stage stage) const;
    bool is_batch() const { return !members.empty(); }
    /// Whether any hook, global or a member's, is httpGet or httpPost.
    bool uses_http() const;
    /// A Stash or KubeStash manifest, run by Stash's rules (man page, STASH MANIFESTS).
    bool is_stash_manifest() const { return api_version != "stash-hook/v1"; }
};

/// The argv that runs `command` in `container` through `spec`'s runtime
/// (man page, SPEC: containerRuntime), or `command` itself when there is no container; with
/// kubectl, in `pod` if given, else the spec's pod, else `member`'s.
std::vector<std::string> container_command(const Spec& spec, const std::string& container,
                                           const std::vector<std::string>& command,
                                           const Member* member = nullptr,
                                           const std::string& pod = "");

/// kubectl exec's argv: `command` in `pod` (namespace: the spec's), in `container` if given.
std::vector<std::string> kubectl_exec(const Spec& spec, const std::string& pod,
                                      const std::string& container,
                                      const std::vector<std::string>& command);

/// The pod kubectl runs a member's (or the spec's) hooks in: the spec's pod:, else the
/// member's workload; empty when none is known.
std::string kubectl_pod(const Spec& spec, const Member* member);

/// The label selector that picks the pod kubectl runs `hook` in: a KubeStash Pod executor's,
/// else, for a container hook through kubectl with no pod named, the spec's pod_selector;
/// empty when pods are named, not selected.
std::string kubectl_selector(const Spec& spec, const Hook& hook);

}  // namespace stash_hook

#pragma once
// Reads a spec's YAML tree into a Spec: stash-hook's own format (spec_reader.cpp) and
// Stash's manifests (stash_manifest.cpp) share the hook and stage readers. Private to
// lib/spec; callers use spec_loader.hpp.

#include <map>
#include <set>

#include "spec/yaml_reader.hpp"

namespace stash_hook {

/// Stash's BackupConfiguration, RestoreSession, BackupBatch and RestoreBatch are all
/// stash.appscode.com/v1beta1 (v1alpha1 holds Repository and others we do not read).
inline constexpr std::string_view kStashApiVersion = "stash.appscode.com/v1beta1";

/// KubeStash's BackupConfiguration, RestoreSession and HookTemplate.
inline constexpr std::string_view kKubeStashApiVersion = "core.kubestash.com/v1alpha1";

/// A KubeStash HookTemplate, read from its own document: its action and executor as a hook
/// (stage, name and per-hook settings come from the hooks list that refers to it), or why
/// it cannot run here.
struct HookTemplateDoc {
    std::string name;
    std::string ns;
    std::optional<Hook> hook;
    std::string refusal;  // not empty: what makes it unrunnable here
};

/// Whether `root` is a KubeStash HookTemplate document.
bool is_hook_template(const YAML::Node& root);

class SpecReader : public YamlReader {
  public:
    using YamlReader::YamlReader;

    /// The whole document: stash-hook's format, or a Stash manifest by its apiVersion.
    void top(const YAML::Node& root, Spec& spec);
    /// A KubeStash HookTemplate document into hook_templates.
    void hook_template(const YAML::Node& root);

    /// The HookTemplates given with the manifest (other documents, other -f files).
    std::vector<HookTemplateDoc> hook_templates;

  private:
    /// A Stash stash.appscode.com/v1beta1 manifest, read as it is (man page, STASH MANIFESTS).
    void stash_manifest(const YAML::Node& root, Spec& spec, const std::string& api_version);
    /// A KubeStash core.kubestash.com/v1alpha1 BackupConfiguration or RestoreSession, its
    /// hooks taken from hook_templates (man page, STASH MANIFESTS).
    void kubestash_manifest(const YAML::Node& root, Spec& spec);
    /// A BackupConfiguration's or RestoreSession's `hooks:` (lists of HookInfo).
    StageHooks kubestash_hooks(const YAML::Node& node, const std::vector<std::string_view>& keys,
                               const std::string& ns);

    std::optional<ExecAction> exec_action(const YAML::Node& node);
    std::optional<TlsOptions> tls_options(const YAML::Node& node, const std::string& what);
    std::optional<HttpAction> http_action(const YAML::Node& node, bool post);
    std::optional<TcpAction> tcp_action(const YAML::Node& node);
    /// A list of {name, value} headers into `out`.
    void http_headers(const YAML::Node& n, const std::string& what, std::vector<HttpHeader>& out);
    /// A port: a number, a service name, or on a hook with containerName a container's port name.
    void container_port(const YAML::Node& node, const std::string& what, int& port,
                        std::string& name);
    std::optional<Hook> hook(const YAML::Node& node, Stage stage, size_t index);
    /// A `hooks:` mapping of stage names to a hook or a list of hooks.
    StageHooks hooks(const YAML::Node& node, const std::vector<std::string_view>& stage_keys,
                     const std::string& what = "hooks");
    /// The task command: a list of arguments.
    std::optional<std::vector<std::string>> command(const YAML::Node& n);
    /// successExitCodes, warningExitCodes and strictWarnings into `spec`.
    void task_exit_codes(const YAML::Node& root, Spec& spec);
    void members(const YAML::Node& node, Spec& spec);
    /// What every batch member has, ours (`members:`) or a Stash batch's (`spec.members`):
    /// a name unique among `names` (a clash reported at `name_node`, with `rename_hint`),
    /// `command:` and `hooks:` of `m`; then `member` joins spec.members.
    void add_member(const YAML::Node& m, const YAML::Node& name_node, Member member,
                    std::set<std::string>& names, const std::vector<std::string_view>& stage_keys,
                    const std::string& rename_hint, Spec& spec);
    /// `monitor:`, a list of services to ping, as HTTP hooks added to `spec.hooks` (monitor.cpp).
    void monitors(const YAML::Node& node, Spec& spec);
    /// Parses and checks each template string of `h` against the template data, naming `what`.
    void check_templates(Hook& h, const std::string& what);
    /// `envFile:` (a file or a list, systemd's syntax, "-" prefix: optional; relative to
    /// the spec's folder) then `env:` (a map) of `node` into `env` (env_file.hpp).
    void environment(const YAML::Node& node, EnvPairs& env, const std::string& what);
    /// `{{` in a string that is never rendered (statusFile, the task's command, a name,
    /// a host...) is refused, naming `key`: it would be taken literally (man page, TEMPLATES).
    void not_a_template(const YAML::Node& n, const std::string& key);

    /// The spec's `defaults:` (timeout, retry, onError) for hooks that do not set their own.
    void hook_defaults(const YAML::Node& node);
    /// A hook's (or `defaults:`') timeout, retry and onError into `h`, keeping what is unset.
    void hook_settings(const YAML::Node& node, Hook& h, const std::string& what);
    /// A session's retries: `attempts_key` (0 to 100) and `delay` of `node`, named `what`.KEY.
    void session_retries(const YAML::Node& node, const std::string& what,
                         const std::string& attempts_key, SessionRetries& retries);
    Hook defaults_;                   // only timeout, retry and on_error are used
    bool in_container_hook_ = false;  // the hook being read has containerName
    bool show_urls_ = false;  // the spec's showUrls: each HTTP hook's showUrl unless it has one
};

}  // namespace stash_hook

#pragma once
// Reads a spec's YAML tree into a Spec: stash-hook's own format (spec_reader.cpp) and
// Stash's manifests (stash_manifest.cpp) share the hook and stage readers. Private to
// lib/spec; callers use spec_loader.hpp.

#include "spec/yaml_reader.hpp"

namespace stash_hook {

/// Stash's BackupConfiguration, RestoreSession, BackupBatch and RestoreBatch are all
/// stash.appscode.com/v1beta1 (v1alpha1 holds Repository and others we do not read).
inline constexpr std::string_view kStashApiVersion = "stash.appscode.com/v1beta1";

class SpecReader : public YamlReader {
  public:
    using YamlReader::YamlReader;

    /// The whole document: stash-hook's format, or a Stash manifest by its apiVersion.
    void top(const YAML::Node& root, Spec& spec);

  private:
    /// A Stash stash.appscode.com/v1beta1 manifest, read as it is (man page, STASH MANIFESTS).
    void stash_manifest(const YAML::Node& root, Spec& spec, const std::string& api_version);

    std::optional<ExecAction> exec_action(const YAML::Node& node);
    std::optional<TlsOptions> tls_options(const YAML::Node& node, const std::string& what);
    std::optional<HttpAction> http_action(const YAML::Node& node, bool post);
    std::optional<TcpAction> tcp_action(const YAML::Node& node);
    /// A port: a number, a service name, or on a hook with containerName a container's port name.
    void container_port(const YAML::Node& node, const std::string& what, int& port,
                        std::string& name);
    std::optional<Hook> hook(const YAML::Node& node, Stage stage, size_t index);
    /// A `hooks:` mapping of stage names to a hook or a list of hooks.
    StageHooks hooks(const YAML::Node& node, const std::vector<std::string_view>& stage_keys,
                     const std::string& what = "hooks");
    /// The task command: a list of arguments.
    std::optional<std::vector<std::string>> command(const YAML::Node& n);
    void members(const YAML::Node& node, Spec& spec);
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

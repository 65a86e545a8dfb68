#pragma once
// The front door: one function per subcommand, each owning its command's lifecycle
// (signals, subreaper, orphan sweep, HTTP module, secrets, lock, summary line, exit
// code). The program only declares options and calls one of these; `serve`'s entry is
// serve_sessions (serve/daemon.hpp), built on the same scope and spec loading.

#include <optional>
#include <string>
#include <vector>

#include "session/render.hpp"
#include "session/session_result.hpp"
#include "spec/spec.hpp"
#include "util/duration.hpp"

namespace stash_hook {

/// The command line's settings that override the spec's (man page, OPTIONS). Empty
/// or unset: the spec's own.
struct Overrides {
    std::optional<Kind> kind;
    std::vector<std::string> command;  // the task, after --
    std::string status_file;
    std::string metrics_file;
    std::optional<Duration> timeout;
    std::vector<std::string> members;  // run only these batch members
    std::optional<ContainerRuntime> container_runtime;
    std::string pod;       // kubectl: the pod (or TYPE/NAME) container hooks run in
    std::string ns;        // kubectl: the namespace
    std::string selector;  // kubectl: labels picking the pod container hooks run in (--selector)
    std::string lock;
    std::optional<Duration> lock_wait;
    bool capture = false;              // --capture: capture.stderr (man page, SPEC)
    bool quiet_unless_failed = false;  // --quiet-unless-failed
    bool strict_warnings = false;      // --strict-warnings: a warning exit code fails the session
    std::string output;                // --output: the task's stdout, replaced on success
};

/// What every command that runs hooks sets up first and undoes last: signals are
/// collected, not delivered (interrupts.hpp), orphaned grandchildren come to us, and
/// whatever is left is killed when the scope ends. Create it before any thread starts.
class CommandScope {
  public:
    /// `hangup_interrupts` false (the daemon): SIGHUP asks for a reload instead.
    explicit CommandScope(bool hangup_interrupts = true);
    ~CommandScope();
    CommandScope(const CommandScope&) = delete;
    CommandScope& operator=(const CommandScope&) = delete;

    /// Kills and reaps every process left over (a hook's daemonised grandchild), with a
    /// warning naming `when`. The destructor sweeps again.
    void sweep(const std::string& when = "during the session");
};

/// Loads the spec at `path` and applies `overrides`; throws Error (exit 125) listing
/// every problem. Checks nothing that needs the command (plan, --dry-run).
Spec load_spec_with(const std::string& path, const Overrides& overrides);

/// load_spec_with, then: the spec must be runnable as it stands, its secrets are
/// registered, and the HTTP module is loaded when a hook needs it (exit 125 if it
/// cannot be). Every command that runs sessions loads through this, serve's reload
/// included.
Spec load_runnable_spec(const std::string& path, const Overrides& overrides);

/// Whether to colour what goes to standard output: a terminal, and NO_COLOR unset or
/// empty (no-color.org).
bool stdout_wants_colour();

struct RunSettings {
    std::string spec_path;  // as given to -f; empty: the default (spec_loader.hpp)
    Overrides overrides;
    bool dry_run = false;
};

/// `stash-hook run`: one session under the lock; logs the summary line; returns the
/// exit code (man page, EXIT STATUS).
int run_command(const RunSettings& settings);

struct HookSettings {
    std::string spec_path;
    Stage stage = Stage::PreBackup;
    Phase phase = Phase::Succeeded;  // what post hooks' executionPolicy is checked against
    std::string member;              // a batch member's hooks instead of the global ones
    Overrides container;             // only its container flags: runtime, pod, namespace, selector
};

/// `stash-hook hook STAGE`: one stage's hooks alone.
int hook_command(const HookSettings& settings);

/// `stash-hook validate`: every problem on stderr, one a line; 0 valid, 1 invalid.
/// With `overrides` (container runtime, pod, namespace) it refuses what `run` would.
int validate_command(const std::string& spec_path, const Overrides& overrides = {});

/// `stash-hook plan`: what a session would run, in order.
int plan_command(const std::string& spec_path, const Overrides& overrides);

struct RenderSettings {
    std::string spec_path;
    Overrides overrides;  // kind, the task (after --), members, container flags
    RenderOptions options;
};

/// `stash-hook render`: each hook's templated strings as they render for a phase, secrets
/// masked; nothing is sent or run. 0, or 1 when a string failed to render (each logged);
/// an invalid spec throws Error (125), as everywhere (man page, RENDER).
int render_command(const RenderSettings& settings);

}  // namespace stash_hook

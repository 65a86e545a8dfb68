// stash-hook serve: the sidecar model; sessions on a schedule or on demand.

#include <cstdlib>

#include "commands.hpp"
#include "serve/daemon.hpp"
#include "spec/spec_loader.hpp"
#include "util/error.hpp"
#include "util/secrets.hpp"

namespace stash_hook::app {

void register_serve(CLI::App& app, Action& action) {
    struct Options {
        std::string spec_path;
        ServeOptions serve;
        std::string fake_clock_step;
        ContainerFlags container;
    };
    auto options = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("serve", "Keep running: sessions on the spec's schedule or on demand");
    cmd->footer("Endpoints: POST /sessions, GET /sessions/latest, GET /sessions/NAME, GET /healthz, GET /metrics.\n"
                "SIGTERM/SIGINT: let a running session finish, then exit 0. SIGHUP: reload the spec.\n"
                "Example:\n  stash-hook serve -f hooks.yaml --listen 127.0.0.1:9142\n"
                "  curl -d '' http://127.0.0.1:9142/sessions");
    add_spec_option(*cmd, options->spec_path);
    cmd->add_option("--listen", options->serve.listen, "HOST:PORT for the HTTP endpoints (port 0: any free one)")
        ->capture_default_str();
    cmd->add_option("--token", options->serve.token,
                    "Bearer token every request but /healthz must carry (default $STASH_HOOK_TOKEN)");
    cmd->add_option("--port-file", options->serve.port_file, "Write the port listened on to this file");
    add_container_options(*cmd, options->container);
    cmd->add_option("command", options->serve.command, "The task, after --; overrides the spec's command");
    cmd->add_option("--fake-clock-step", options->fake_clock_step, "Testing only: advance the clock this much per 100 ms")
        ->group("");
    cmd->callback([options, &action] {
        action = [options] {
            ServeOptions serve = options->serve;
            serve.spec_path = default_spec_path(options->spec_path);
            serve.container_runtime = options->container.runtime;
            serve.pod = options->container.pod;
            serve.ns = options->container.ns;
            if (serve.token.empty())
                if (const char* env = std::getenv("STASH_HOOK_TOKEN")) serve.token = env;
            // Hooks and tasks inherit our environment: the token is the daemon's alone
            // (no thread runs yet, so unsetenv is safe), and it is redacted everywhere.
            ::unsetenv("STASH_HOOK_TOKEN");
            secrets::add(serve.token);
            if (!options->fake_clock_step.empty()) {
                auto d = parse_duration(options->fake_clock_step);
                if (!d || d->count() <= 0) throw Error("invalid --fake-clock-step");
                serve.fake_clock_step = *d;
            }
            return serve_sessions(serve);
        };
    });
}

}  // namespace stash_hook::app

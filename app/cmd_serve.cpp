// stash-hook serve: the sidecar model; sessions on a schedule or on demand.

#include "commands.hpp"
#include "serve/daemon.hpp"

namespace stash_hook::app {

void register_serve(CLI::App& app, Invocation& chosen) {
    struct Options {
        ServeOptions serve;
        std::optional<Duration> fake_clock_step;
        ContainerFlags container;
    };
    auto options = std::make_shared<Options>();
    CLI::App* cmd =
        app.add_subcommand("serve", "Keep running: sessions on the spec's schedule or on demand");
    cmd->footer(
        "Endpoints: POST /sessions, GET /sessions/latest, GET /sessions/NAME, GET /healthz, GET "
        "/metrics.\n"
        "SIGTERM/SIGINT: let a running session finish, then exit 0. SIGHUP: reload the spec.\n"
        "Example:\n  stash-hook serve -f hooks.yaml --listen 127.0.0.1:9142\n"
        "  curl -d '' http://127.0.0.1:9142/sessions");
    add_spec_option(*cmd, options->serve.spec_path);
    cmd->add_option("--listen", options->serve.listen,
                    "HOST:PORT for the HTTP endpoints (port 0: any free one)")
        ->capture_default_str()
        ->type_name("ADDR");
    cmd->add_option(
           "--token", options->serve.token,
           "Bearer token every request but /healthz must carry (default $STASH_HOOK_TOKEN)")
        ->type_name("TOKEN");
    cmd->add_option("--port-file", options->serve.port_file,
                    "Write the port listened on to this file")
        ->type_name("FILE");
    add_container_options(*cmd, options->container);
    cmd->add_option("command", options->serve.command,
                    "The task, after --; overrides the spec's command")
        ->type_name("COMMAND");
    add_duration_option(*cmd, "--fake-clock-step", options->fake_clock_step,
                        "Testing only: advance the clock this much per 100 ms",
                        DurationRule::Positive)
        ->group("");
    cmd->callback([options, &chosen] {
        if (options->fake_clock_step) options->serve.fake_clock_step = *options->fake_clock_step;
        options->serve.container_runtime = options->container.runtime;
        options->serve.pod = options->container.pod;
        options->serve.selector = options->container.selector;
        options->serve.ns = options->container.ns;
        chosen = [options] { return serve_sessions(options->serve); };
    });
}

}  // namespace stash_hook::app

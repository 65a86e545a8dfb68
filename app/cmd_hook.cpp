// stash-hook hook STAGE: run one stage's hooks alone, e.g. to test a notification.

#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "session/session.hpp"
#include "process/interrupts.hpp"
#include "process/orphans.hpp"
#include "spec/runnable.hpp"
#include "spec/spec_loader.hpp"
#include "util/clock.hpp"

namespace stash_hook::app {

void register_hook(CLI::App& app, Action& action) {
    struct Options {
        std::string path;
        std::string stage;
        std::string phase = "Succeeded";
        std::string member;
        std::string container_runtime;
    };
    auto options = std::make_shared<Options>();
    CLI::App* cmd = app.add_subcommand("hook", "Run one stage's hooks alone");
    cmd->footer("Exit status: 0 when every hook succeeded, 120 when a pre hook failed, 121 when a "
                "post hook failed.\nExample:\n  stash-hook hook -f hooks.yaml postBackup --phase Failed");
    add_spec_option(*cmd, options->path);
    cmd->add_option("stage", options->stage, "preBackup, postBackup, preRestore or postRestore")
        ->required()
        ->check(CLI::IsMember({"preBackup", "postBackup", "preRestore", "postRestore"}));
    cmd->add_option("--phase", options->phase,
                    "Session phase that post hooks' executionPolicy is checked against")
        ->check(CLI::IsMember({"Succeeded", "Failed"}));
    cmd->add_option("--member", options->member, "Run this batch member's hooks instead of the global ones");
    cmd->add_option("--container-runtime", options->container_runtime,
                    "Runtime for hooks with containerName (overrides the spec)")
        ->check(CLI::IsMember({"docker", "podman", "kubectl"}));
    cmd->callback([options, &action] {
        action = [options] {
            interrupts::install();
            orphans::become_subreaper();
            Spec spec = load_spec_or_throw(default_spec_path(options->path));
            const Stage stage = *stage_from_string(options->stage);  // checked by CLI11
            spec.kind = (stage == Stage::PreRestore || stage == Stage::PostRestore) ? Kind::Restore
                                                                                    : Kind::Backup;
            if (auto runtime = container_runtime_from_string(options->container_runtime))
                spec.container_runtime = *runtime;
            const Member* member = nullptr;
            if (!options->member.empty()) {
                select_members_or_throw(spec, {options->member});
                member = &spec.members.front();
            }
            if ((member ? member->hooks_for(stage) : spec.hooks_for(stage)).empty())
                spdlog::warn("{} has no {} hooks", member ? "member " + member->name : "the spec", options->stage);
            const Phase phase = options->phase == "Failed" ? Phase::Failed : Phase::Succeeded;
            bool failed = false;
            const auto name = make_session_name(spec.name, std::chrono::system_clock::now());
            register_secrets(spec);
            run_stage(spec, stage, phase, name, member, failed);
            orphans::kill_all_children();
            if (interrupts::count() > 0) return 128 + interrupts::first_signal();
            if (!failed) return 0;
            return is_pre(stage) ? 120 : 121;
        };
    });
}

}  // namespace stash_hook::app

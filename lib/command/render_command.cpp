// stash-hook render (man page, RENDER).

#include <spdlog/spdlog.h>

#include <iostream>

#include "command/command.hpp"
#include "spec/runnable.hpp"

namespace stash_hook {

int render_command(const RenderSettings& settings) {
    const Spec spec = load_spec_with(settings.spec_path, settings.overrides);
    register_secrets(spec);  // before anything is shown
    const RenderReport report = render_spec(spec, settings.options);
    std::cout << report.text << std::flush;
    for (const auto& error : report.errors) spdlog::error("{}", error);
    return report.errors.empty() ? 0 : 1;
}

}  // namespace stash_hook

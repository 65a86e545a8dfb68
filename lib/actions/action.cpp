#include "actions/action.hpp"

namespace stash_hook {

ActionOutcome run_action(const Action& action, const ActionContext& context) {
    if (const auto* exec = std::get_if<ExecAction>(&action)) return run_exec_action(*exec, context);
    if (const auto* http = std::get_if<HttpAction>(&action)) return run_http_action(*http, context);
    return run_tcp_action(std::get<TcpAction>(action), context);
}

}  // namespace stash_hook

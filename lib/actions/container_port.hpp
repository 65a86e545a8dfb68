#pragma once
// Named container ports: as in Stash, an httpGet, httpPost or tcpSocket hook with
// containerName may give `port` as the name of one of that container's ports. It is
// resolved through the container runtime just before the hook runs.

#include <string>
#include <vector>

#include "actions/action.hpp"
#include "util/expected.hpp"

namespace stash_hook {

/// Sets `action`'s port from its port_name (nothing to do without one): kubectl reads
/// `kubectl get POD -o json` (a pod's containers, or a workload's pod template's) and takes
/// the containerPort of the port so named in `container`; docker and podman containers
/// have no named ports, which is the error. Bounded by the hook's timeout and signals.
expected<void, std::string> resolve_container_port(Action& action, const Spec& spec,
                                                   const std::string& pod,
                                                   const std::string& container,
                                                   const ActionContext& context);

/// The pods a KubeStash Pod executor's label selector picks, in the spec's namespace, as
/// kubectl names them (pod/NAME): `kubectl get pods -l SELECTOR -o name`; none is an error.
expected<std::vector<std::string>, std::string> select_pods(const Spec& spec,
                                                            const std::string& selector,
                                                            const ActionContext& context);

}  // namespace stash_hook

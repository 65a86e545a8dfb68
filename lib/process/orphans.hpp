#pragma once
// Making sure no process we started outlives us: as a child subreaper we inherit
// every orphaned descendant (a hook's daemonised grandchild, say), and at the end
// we kill and reap whatever is left.

namespace stash_hook::orphans {

/// Makes this process the reaper of its orphaned descendants (PR_SET_CHILD_SUBREAPER).
void become_subreaper();

/// Sends SIGKILL to every remaining child of this process and reaps them all,
/// including zombies of orphans we inherited. Returns how many it killed.
int kill_all_children();

}  // namespace stash_hook::orphans

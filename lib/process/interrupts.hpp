#pragma once
// SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGALRM, handled synchronously: install()
// blocks them in the calling thread (and so in every thread started after it) and a
// watcher thread collects them with sigwaitinfo. Wait loops poll wake_fd() and compare
// count(). Nothing runs in a signal handler. SIGPIPE, SIGUSR1 and SIGUSR2 are ignored
// (children get them back at their default).

#include <chrono>

#include "util/duration.hpp"

namespace stash_hook::interrupts {

/// Call once, early in main and before any thread starts. Idempotent. With
/// `hangup_interrupts` false (the daemon), SIGHUP is counted by hangups() instead.
void install(bool hangup_interrupts = true);

/// How many SIGHUPs arrived while they do not interrupt (see install()).
int hangups();

/// How many signals have arrived so far (0 without install()).
int count();

/// The first and the latest signal's number; 0 while none arrived.
int first_signal();
int last_signal();

/// Readable once any signal has arrived (and from then on): add it to poll sets,
/// then compare count() with the count you last acted on. -1 without install().
int wake_fd();

/// Sleeps for `d`, or less if a signal arrives after `seen` signals. Returns true
/// when it slept the whole time.
bool sleep_for(Duration d, int seen);

}  // namespace stash_hook::interrupts

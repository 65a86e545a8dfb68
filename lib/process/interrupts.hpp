#pragma once
// SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGALRM, handled synchronously: install()
// blocks them in the calling thread (and so in every thread started after it) and a
// watcher thread collects them with sigwaitinfo. Each wait holds a Watch: a descriptor
// of its own that becomes readable when a signal arrives after the count it last acted
// on. Nothing runs in a signal handler. SIGPIPE, SIGUSR1 and SIGUSR2 are ignored
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

/// One wait's view of the signals. It fires when count() passes the count its owner
/// last acted on (`seen`); its descriptor, for the wait's own `poll` set, is readable
/// exactly while it has fired and not been acknowledged, so a wait sleeps until a
/// signal, a deadline or its own descriptors, never in slices. A watch made with
/// `seen` < 0 never fires and has no descriptor (fd() is -1); so without install().
/// With `hangups` (the daemon), a SIGHUP counted by hangups() wakes it too.
class Watch {
  public:
    explicit Watch(int seen, bool hangups = false);
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;

    /// Readable while fired() (or hung_up()); -1 when the watch never fires.
    int fd() const { return fd_; }
    /// A signal arrived after the count last acted on.
    bool fired() const;
    /// Acts on what arrived: the count acted on becomes count(), the descriptor is
    /// drained. Returns the latest signal's number.
    int acknowledge();
    /// The count this watch last acted on.
    int seen() const { return seen_; }
    /// With `hangups`: a SIGHUP arrived since the last call (which acknowledges it).
    bool hung_up();

    enum class Wake { Ready, Fired, Deadline };
    /// Waits until `other` (may be -1) has one of `events`, the watch fires, or
    /// `deadline` passes; Ready wins when several hold.
    Wake wait(int other, short events, std::chrono::steady_clock::time_point deadline);
    /// Sleeps for `d` unless the watch fires first. True when it slept the whole time.
    bool sleep_for(Duration d);

  private:
    void drain() const;
    int seen_;
    int hangups_seen_ = 0;
    bool hangups_ = false;
    int fd_ = -1;
};

}  // namespace stash_hook::interrupts

#pragma once
// Copies what a child writes to one of its pipes on to a descriptor of ours, unchanged,
// keeping a tail of it (the task's capture and held output; man page, SPEC: capture).

#include <mutex>
#include <thread>

#include "util/duration.hpp"
#include "util/output_tail.hpp"

namespace stash_hook {

class StreamForwarder {
  public:
    /// Starts a thread that reads `pipe_read` (which it owns and closes) until end of file
    /// and writes every byte to `destination` (not owned), then appends it to `own` and
    /// `combined` (either may be null) under `tails_lock`. If `destination` fails (a closed
    /// pipe: EPIPE), the pipe is closed so that the child sees what it would have seen
    /// writing there itself.
    StreamForwarder(int pipe_read, int destination, OutputTail* own, OutputTail* combined,
                    std::mutex* tails_lock);
    ~StreamForwarder();
    StreamForwarder(const StreamForwarder&) = delete;
    StreamForwarder& operator=(const StreamForwarder&) = delete;

    /// Waits for end of file up to `linger` (a stray grandchild may hold the pipe open),
    /// then stops the thread after the chunk in hand.
    void finish(Duration linger);

  private:
    void run();
    int pipe_read_;
    int destination_;
    OutputTail* own_;
    OutputTail* combined_;
    std::mutex* tails_lock_;
    int stop_fd_ = -1;  // an eventfd: readable once finish() gave up waiting
    int done_fd_ = -1;  // an eventfd: readable once the thread is done
    std::thread thread_;
};

}  // namespace stash_hook

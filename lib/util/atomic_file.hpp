#pragma once
// Durable, atomic replacement of a file: readers see the old content or the new,
// never a mix (temp file in the same folder, write, fsync, rename, fsync the folder).

#include <sys/types.h>

#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace stash_hook {

class AtomicFile {
  public:
    /// Creates the temporary file beside `path` (beside its target when `path` is a
    /// symbolic link: see regular_file_target()). Check ok() / error() before writing.
    explicit AtomicFile(std::string path);
    ~AtomicFile();  // discards the temporary file unless commit() succeeded
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }

    void write(std::string_view data);
    /// The temporary file's descriptor (O_CLOEXEC), for a child to write into.
    int fd() const { return fd_; }
    /// Flushes, fsyncs and renames over the target. Returns the first error seen.
    expected<void, std::string> commit();

  private:
    std::string path_;
    std::string tmp_path_;
    int fd_ = -1;
    bool committed_ = false;
    std::string error_;
};

/// Where a file that must stay a regular file (status, metrics) is really written:
/// `path` itself when it is missing or a regular file, or the regular file a symbolic
/// link at `path` points to. Refuses directories, devices, FIFOs, sockets, dangling
/// links and links to any of those ("is a FIFO, not a regular file").
expected<std::string, std::string> regular_file_target(const std::string& path);

/// Makes `path` ready to be replaced by write_file_atomically() before anything runs:
/// checks it with regular_file_target(), creates its missing parent folders (0755 less
/// the umask, owned by whoever runs), and proves the folder takes a new file by creating
/// and removing one there. The reason on failure ("cannot create folder /a: ...").
expected<void, std::string> prepare_file_for_writing(const std::string& path);

/// Convenience: replace `path` with `content` atomically. `path` is checked with
/// regular_file_target() before and again just before the rename; a new file gets
/// 0666 less the umask, a replaced one keeps its mode.
expected<void, std::string> write_file_atomically(const std::string& path,
                                                  std::string_view content);

/// What kind of file a mode is, for messages: "a directory", "a FIFO", "a character
/// device", "a block device", "a socket", else "not a regular file".
const char* file_kind(mode_t mode);

/// Reads `fd` to its end, but never more than one byte past `limit`: an endless input
/// (/dev/zero, a pipe that never closes) costs at most limit + 1 bytes. The errno on failure.
expected<std::string, int> read_at_most(int fd, size_t limit);

}  // namespace stash_hook

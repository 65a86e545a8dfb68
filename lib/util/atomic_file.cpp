#include "util/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace stash_hook {
namespace {

std::string errno_text(const std::string& what, int err) {
    return what + ": " + std::strerror(err);
}

/// The process's umask, read without changing it (/proc/self/status, Linux 4.7+).
mode_t current_umask() {
    if (FILE* f = std::fopen("/proc/self/status", "re")) {
        char line[256];
        unsigned mask = 0;
        bool found = false;
        while (!found && std::fgets(line, sizeof line, f))
            found = std::sscanf(line, "Umask: %o", &mask) == 1;
        std::fclose(f);
        if (found) return static_cast<mode_t>(mask);
    }
    return 022;
}

}  // namespace

expected<std::string, std::string> regular_file_target(const std::string& path) {
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) return path;  // missing (or unreachable: the write says why)
    std::string target = path;
    if (S_ISLNK(st.st_mode)) {
        std::error_code ec;
        target = std::filesystem::canonical(path, ec).string();
        if (ec) return unexpected("it is a symbolic link to nothing (" + ec.message() + ")");
        if (stat(target.c_str(), &st) != 0)
            return unexpected(errno_text("failed to stat " + target, errno));
    }
    if (S_ISREG(st.st_mode)) return target;
    const std::string who = target == path ? "it" : "it links to " + target + ", which";
    return unexpected(who + " is " + file_kind(st.st_mode) +
                      ", not a regular file (give the path of a regular file)");
}

expected<void, std::string> prepare_file_for_writing(const std::string& path) {
    auto target = regular_file_target(path);
    if (!target) return unexpected(target.error());
    std::filesystem::path folder = std::filesystem::path(*target).parent_path();
    if (folder.empty()) folder = ".";
    // Each missing folder from the top down, so every one gets 0755 (less the umask).
    std::filesystem::path so_far;
    for (const auto& part : folder) {
        so_far /= part;
        if (mkdir(so_far.c_str(), 0755) != 0 && errno != EEXIST)
            return unexpected(errno_text("cannot create folder " + so_far.string(), errno));
    }
    std::string probe = (folder / ".stash-hook-probe.XXXXXX").string();
    const int fd = mkostemp(probe.data(), O_CLOEXEC);
    if (fd < 0) return unexpected(errno_text("cannot create a file in " + folder.string(), errno));
    close(fd);
    unlink(probe.c_str());
    return {};
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
    auto target = regular_file_target(path_);
    if (!target) {
        error_ = target.error();
        return;
    }
    path_ = *target;
    std::vector<char> tmpl(path_.begin(), path_.end());
    const std::string suffix = ".tmp.XXXXXX";
    tmpl.insert(tmpl.end(), suffix.begin(), suffix.end());
    tmpl.push_back('\0');
    fd_ = mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd_ < 0) {
        error_ = errno_text("failed to create a temporary file beside " + path_, errno);
        return;
    }
    tmp_path_ = tmpl.data();
    // A replaced file keeps its mode (never widened); a new one gets 0666 less the umask.
    struct stat st {};
    fchmod(fd_, stat(path_.c_str(), &st) == 0 ? (st.st_mode & 07777) : (0666 & ~current_umask()));
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0) close(fd_);
    if (!committed_ && !tmp_path_.empty()) unlink(tmp_path_.c_str());
}

void AtomicFile::write(std::string_view data) {
    while (ok() && !data.empty()) {
        const ssize_t n = ::write(fd_, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            error_ = errno_text("failed to write " + tmp_path_, errno);
            return;
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

expected<void, std::string> AtomicFile::commit() {
    if (ok() && fsync(fd_) != 0) error_ = errno_text("failed to fsync " + tmp_path_, errno);
    if (fd_ >= 0) {
        if (close(fd_) != 0 && ok()) error_ = errno_text("failed to close " + tmp_path_, errno);
        fd_ = -1;
    }
    if (ok()) {  // checked again: the target may have been replaced since
        if (auto target = regular_file_target(path_); !target) error_ = target.error();
    }
    if (ok() && rename(tmp_path_.c_str(), path_.c_str()) != 0)
        error_ = errno_text("failed to rename " + tmp_path_ + " to " + path_, errno);
    if (!ok()) return unexpected(error_);
    committed_ = true;
    // Make the rename itself durable.
    auto dir = std::filesystem::path(path_).parent_path();
    if (dir.empty()) dir = ".";
    const int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return {};
}

expected<void, std::string> write_file_atomically(const std::string& path,
                                                  std::string_view content) {
    AtomicFile file(path);
    file.write(content);
    return file.commit();
}

const char* file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

expected<std::string, int> read_at_most(int fd, size_t limit) {
    std::string bytes;
    char buf[64 * 1024];
    while (bytes.size() <= limit) {
        const ssize_t n = read(fd, buf, std::min(sizeof buf, limit + 1 - bytes.size()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return unexpected(errno);
        if (n == 0) break;
        bytes.append(buf, static_cast<size_t>(n));
    }
    return bytes;
}

}  // namespace stash_hook

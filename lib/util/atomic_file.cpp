#include "util/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace stash_hook {
namespace {

std::string errno_text(const std::string& what, int err) {
    return what + ": " + std::strerror(err);
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
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
    fchmod(fd_, 0644);
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

}  // namespace stash_hook

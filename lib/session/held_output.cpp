#include "session/held_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace stash_hook {
namespace {

expected<int, std::string> anonymous_file() {
    const char* env = std::getenv("TMPDIR");
    const std::string dir = env && *env ? env : "/tmp";
    int fd = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {  // a file system without O_TMPFILE: create, then unlink at once
        std::string name = dir + "/stash-hook-held-XXXXXX";
        fd = mkostemp(name.data(), O_CLOEXEC);
        if (fd >= 0) unlink(name.c_str());
    }
    if (fd < 0)
        return unexpected("failed to create a file in " + dir +
                          " to hold the task's output: " + strerror(errno));
    return fd;
}

void copy_to(int from, int to) {
    if (lseek(from, 0, SEEK_SET) != 0) return;
    char buffer[64 * 1024];
    ssize_t got;
    while ((got = read(from, buffer, sizeof buffer)) > 0 || (got < 0 && errno == EINTR)) {
        for (ssize_t done = 0; done < got;) {
            const ssize_t n = write(to, buffer + done, static_cast<size_t>(got - done));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;
            done += n;
        }
    }
}

}  // namespace

expected<HeldOutput, std::string> HeldOutput::create() {
    auto out = anonymous_file();
    if (!out) return unexpected(out.error());
    auto err = anonymous_file();
    if (!err) {
        close(*out);
        return unexpected(err.error());
    }
    return HeldOutput(*out, *err);
}

HeldOutput::HeldOutput(HeldOutput&& o) noexcept
    : out_(std::exchange(o.out_, -1)), err_(std::exchange(o.err_, -1)) {}

HeldOutput::~HeldOutput() {
    if (out_ >= 0) close(out_);
    if (err_ >= 0) close(err_);
}

void HeldOutput::print() const {
    copy_to(out_, STDOUT_FILENO);
    copy_to(err_, STDERR_FILENO);
}

}  // namespace stash_hook

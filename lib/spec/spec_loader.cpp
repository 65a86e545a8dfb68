#include "spec/spec_loader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "spec/env_file.hpp"
#include "spec/spec_paths.hpp"
#include "spec/spec_reader.hpp"
#include "spec/spec_search.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace stash_hook {

namespace {

constexpr size_t kMaxProblems = 100;

std::string default_name(const std::string& path) {
    if (path == "-" || path.empty()) return "stash-hook";
    auto stem = std::filesystem::path(path).stem().string();
    return stem.empty() ? "stash-hook" : stem;
}

}  // namespace

SpecLoadResult load_spec_text(std::string_view text, const std::string& file) {
    SpecLoadResult result;
    YamlDocument doc = parse_yaml_document(text, file);
    if (!doc.problems.empty()) {
        result.problems = std::move(doc.problems);
        return result;
    }
    SpecReader reader(file);
    Spec spec;
    spec.path = file;
    spec.name = default_name(file);
    try {
        reader.top(doc.root, spec);
    } catch (const YAML::Exception& e) {
        reader.problems.push_back({{file, e.mark.line + 1, e.mark.column + 1}, e.msg});
    }
    result.problems = std::move(reader.problems);
    if (result.problems.size() > kMaxProblems) {
        const size_t more = result.problems.size() - kMaxProblems;
        result.problems.resize(kMaxProblems);
        result.problems.push_back(
            {{file, 0, 0}, "... and " + std::to_string(more) + " more problems"});
    }
    if (result.problems.empty()) result.spec = std::move(spec);
    return result;
}

SpecLoadResult load_spec_file(const std::string& path) {
    const std::string file = path == "-" ? "<stdin>" : path;
    auto failed = [&](const std::string& reason) {
        return SpecLoadResult{std::nullopt, {{{file, 0, 0}, "failed to read spec: " + reason}}};
    };
    int fd = 0;
    bool from_pipe = false;
    if (path != "-") {
        // O_NONBLOCK: opening a FIFO with no writer must not hang.
        fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
            const int err = errno;
            return failed(std::string(std::strerror(err)) +
                          (err == ENOENT ? " (give one with -f FILE or $STASH_HOOK_SPEC)" : ""));
        }
        struct stat st {};
        const bool ok = fstat(fd, &st) == 0;
        // A pipe (`-f <(generate-spec)`, `-f /dev/stdin`) is read as stdin is, bounded; a
        // named FIFO with no writer reads as empty instead of hanging.
        from_pipe = ok && S_ISFIFO(st.st_mode);
        if (from_pipe)
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        else if (!ok || !S_ISREG(st.st_mode)) {
            const std::string kind = ok ? file_kind(st.st_mode) : std::strerror(errno);
            close(fd);
            return failed(path + " is " + kind + ", not a regular file or a pipe");
        }
    }
    // At most one byte past the limit: an endless input (-f - < /dev/zero) costs nothing.
    auto text = read_at_most(fd, kMaxSpecBytes);
    if (fd != 0) close(fd);
    if (!text) return failed(std::strerror(text.error()));
    if (text->size() > kMaxSpecBytes)
        return failed("it is larger than " + std::to_string(kMaxSpecBytes) +
                      " bytes (1 MiB), the most a spec may be");
    SpecLoadResult result = load_spec_text(*text, file);
    // A file's relative paths mean its folder; stdin's and a pipe's, the current one.
    if (result.spec && path != "-" && !from_pipe)
        resolve_relative_paths(*result.spec, std::filesystem::path(path).parent_path());
    return result;
}

std::string default_spec_path(const std::string& flag_value) {
    std::string path = flag_value;
    if (const char* env = std::getenv("STASH_HOOK_SPEC"); path.empty() && env && *env) path = env;
    if (path.empty()) return "stash-hook.yaml";
    if (!is_spec_name(path)) return path;
    auto found = find_spec_by_name(path);
    if (!found) throw Error(found.error());
    return *found;
}

Spec load_spec_or_throw(const std::string& path) {
    auto result = load_spec_file(path);
    if (result.spec) {
        apply_environment(*result.spec);  // before anything runs (or secrets are registered)
        return std::move(*result.spec);
    }
    std::string message;
    for (const auto& p : result.problems) {
        if (!message.empty()) message += "\n";
        message += p.str();
    }
    throw Error(message);
}

}  // namespace stash_hook

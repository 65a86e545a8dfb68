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
#include "util/expected.hpp"

namespace stash_hook {

namespace {

constexpr size_t kMaxProblems = 100;

std::string default_name(const std::string& path) {
    if (path == "-" || path.empty()) return "stash-hook";
    auto stem = std::filesystem::path(path).stem().string();
    return stem.empty() ? "stash-hook" : stem;
}

}  // namespace

namespace {

constexpr size_t kMaxSpecFiles = 16;

struct SpecText {
    std::string file;  // as messages name it
    std::string text;
    bool here = false;  // stdin or a pipe: relative paths mean the current folder
};

/// Reads `path` ("-": standard input), bounded; or the problem that stops it.
expected<SpecText, SpecProblem> read_spec_text(const std::string& path) {
    const std::string file = path == "-" ? "<stdin>" : path;
    auto failed = [&](const std::string& reason) {
        return unexpected(SpecProblem{{file, 0, 0}, "failed to read spec: " + reason});
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
    return SpecText{file, std::move(*text), path == "-" || from_pipe};
}

/// Loads the documents of `texts`: one spec or manifest, and the KubeStash HookTemplates it
/// refers to (man page, STASH MANIFESTS), in any file and order.
SpecLoadResult load_texts(const std::vector<SpecText>& texts) {
    SpecLoadResult result;
    std::vector<std::pair<YAML::Node, std::string>> docs;
    for (const auto& t : texts) {
        YamlDocument doc = parse_yaml_document(t.text, t.file);
        for (auto& p : doc.problems) result.problems.push_back(std::move(p));
        for (auto& d : doc.documents) docs.emplace_back(std::move(d), t.file);
    }
    if (!result.problems.empty()) return result;
    std::vector<HookTemplateDoc> templates;
    std::optional<std::pair<YAML::Node, std::string>> main;
    auto where = [](const YAML::Node& n, const std::string& file) {
        return SourceLocation{file, n.Mark().line + 1, n.Mark().column + 1};
    };
    for (auto& [node, file] : docs) {
        if (is_hook_template(node)) {
            SpecReader reader(file);
            try {
                reader.hook_template(node);
            } catch (const YAML::Exception& e) {
                reader.problems.push_back({{file, e.mark.line + 1, e.mark.column + 1}, e.msg});
            }
            for (auto& p : reader.problems) result.problems.push_back(std::move(p));
            for (auto& h : reader.hook_templates) templates.push_back(std::move(h));
        } else if (main) {
            result.problems.push_back(
                {where(node, file),
                 "a second spec or manifest: stash-hook runs one (a KubeStash BackupConfiguration "
                 "or RestoreSession may come with the HookTemplates it names); give the other "
                 "one its own run"});
        } else {
            main.emplace(node, file);
        }
    }
    if (!main) {
        result.problems.push_back(
            {where(docs.front().first, docs.front().second),
             "HookTemplates alone run nothing: give them with the BackupConfiguration or "
             "RestoreSession that refers to them (another -f, or another document of the file)"});
        return result;
    }
    const std::string& file = main->second;
    SpecReader reader(file);
    reader.hook_templates = std::move(templates);
    Spec spec;
    spec.path = file;
    spec.name = default_name(file);
    try {
        reader.top(main->first, spec);
    } catch (const YAML::Exception& e) {
        reader.problems.push_back({{file, e.mark.line + 1, e.mark.column + 1}, e.msg});
    }
    for (auto& p : reader.problems) result.problems.push_back(std::move(p));
    if (result.problems.size() > kMaxProblems) {
        const size_t more = result.problems.size() - kMaxProblems;
        result.problems.resize(kMaxProblems);
        result.problems.push_back(
            {{file, 0, 0}, "... and " + std::to_string(more) + " more problems"});
    }
    if (result.problems.empty()) result.spec = std::move(spec);
    return result;
}

}  // namespace

SpecLoadResult load_spec_text(std::string_view text, const std::string& file) {
    return load_texts({SpecText{file, std::string(text), true}});
}

SpecLoadResult load_spec_file(const std::string& path) {
    // -f given several times arrives as one value, the paths a line each (app/cmd_run.cpp).
    std::vector<std::string> paths;
    for (size_t from = 0; from <= path.size();) {
        const size_t nl = std::min(path.find('\n', from), path.size());
        paths.push_back(path.substr(from, nl - from));
        from = nl + 1;
    }
    if (paths.size() > kMaxSpecFiles)
        return {std::nullopt,
                {{{paths.front(), 0, 0},
                  "failed to read spec: -f is given " + std::to_string(paths.size()) +
                      " times; at most " + std::to_string(kMaxSpecFiles) + " files are read"}}};
    std::vector<SpecText> texts;
    SpecLoadResult failed;
    for (const auto& p : paths) {
        auto text = read_spec_text(p);
        if (text)
            texts.push_back(std::move(*text));
        else
            failed.problems.push_back(std::move(text.error()));
    }
    if (!failed.problems.empty()) return failed;
    SpecLoadResult result = load_texts(texts);
    // A file's relative paths mean its folder; stdin's and a pipe's, the current one.
    if (result.spec)
        for (const auto& t : texts)
            if (t.file == result.spec->path && !t.here)
                resolve_relative_paths(*result.spec,
                                       std::filesystem::path(result.spec->path).parent_path());
    return result;
}

std::string default_spec_path(const std::string& flag_value) {
    if (flag_value.find('\n') != std::string::npos) return flag_value;  // several -f
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

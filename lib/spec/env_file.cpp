#include "spec/env_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "util/atomic_file.hpp"

namespace stash_hook {

expected<EnvPairs, std::string> parse_env_file(std::string_view text) {
    EnvPairs env;
    size_t i = 0;
    int line = 1;
    const size_t n = text.size();
    auto fail = [&](const std::string& why) {
        return unexpected("line " + std::to_string(line) + ": " + why);
    };
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    while (i < n) {
        while (i < n && blank(text[i])) ++i;
        if (i == n) break;
        if (text[i] == '\n' || text[i] == '#' || text[i] == ';') {
            while (i < n && text[i] != '\n') ++i;
            ++i, ++line;
            continue;
        }
        const size_t key_start = i;
        while (i < n && text[i] != '=' && text[i] != '\n') ++i;
        std::string key(text.substr(key_start, i - key_start));
        while (!key.empty() && blank(key.back())) key.pop_back();
        if (i == n || text[i] == '\n') return fail("expected KEY=VALUE, not \"" + key + "\"");
        if (key.starts_with("export ") || key.starts_with("export\t"))
            return fail("write KEY=VALUE without export (systemd's EnvironmentFile= syntax)");
        if (auto why = env_name_problem(key); !why.empty()) return fail(why);
        ++i;  // '='
        while (i < n && blank(text[i])) ++i;
        std::string value;
        size_t kept = 0;  // trailing blanks after this are dropped (those of unquoted text)
        const int value_line = line;
        while (i < n && text[i] != '\n') {
            const char c = text[i];
            if (c == '"' || c == '\'') {
                for (++i; i < n && text[i] != c; ++i) {
                    if (text[i] == '\n') ++line;
                    if (c == '"' && text[i] == '\\' && i + 1 < n) {
                        const char e = text[++i];
                        if (e == '\n')
                            ++line;
                        else if (e == '"' || e == '\\' || e == '$' || e == '`')
                            value += e;
                        else
                            value += std::string{'\\', e};
                        continue;
                    }
                    value += text[i];
                }
                if (i == n) {
                    line = value_line;
                    return fail(std::string("unterminated ") + (c == '"' ? "double" : "single") +
                                " quote");
                }
                ++i;
                kept = value.size();
            } else if (c == '\\' && i + 1 < n) {
                if (text[i + 1] == '\n')
                    ++line;
                else
                    value += text[i + 1];
                i += 2;
                kept = value.size();
            } else {
                value += c;
                ++i;
            }
        }
        while (value.size() > kept && blank(value.back())) value.pop_back();
        set_env_pair(env, key, value);
    }
    return env;
}

expected<EnvPairs, std::string> read_env_file(const std::string& path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return unexpected(std::string(std::strerror(errno)));
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return unexpected(std::string("it is ") + file_kind(st.st_mode) + ", not a regular file");
    }
    auto text = read_at_most(fd, kMaxEnvFileBytes);
    close(fd);
    if (!text) return unexpected(std::string(std::strerror(text.error())));
    if (text->size() > kMaxEnvFileBytes)
        return unexpected("it is larger than " + std::to_string(kMaxEnvFileBytes) +
                          " bytes, the most an envFile may be");
    return parse_env_file(*text);
}

void set_env_pair(EnvPairs& env, const std::string& name, const std::string& value) {
    for (auto& [k, v] : env)
        if (k == name) {
            v = value;
            return;
        }
    env.emplace_back(name, value);
}

std::string env_name_problem(const std::string& name) {
    bool valid = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
    for (char c : name) valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!valid)
        return "\"" + name + "\" is not a valid environment variable name (letters, digits and _)";
    if (name.starts_with("STASH_HOOK_")) return name + " is set by stash-hook, not by the spec";
    return "";
}

void apply_environment(const Spec& spec) {
    for (const auto& [name, value] : spec.env) setenv(name.c_str(), value.c_str(), 1);
}

}  // namespace stash_hook

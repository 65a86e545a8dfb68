#pragma once
// A checked reader over a yaml-cpp tree: every value is read through it, and every
// problem is collected with its file:line:column instead of stopping at the first.
// It knows YAML and our value rules (names, durations, ports, limits), not the spec's
// keys: spec_reader (stash-hook's format) and stash_manifest build on it.

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spec/spec.hpp"
#include "util/duration.hpp"
#include "util/edit_distance.hpp"

namespace stash_hook {

/// One problem found in a spec: where, and what to do about it.
struct SpecProblem {
    SourceLocation where;
    std::string message;
    std::string str() const;  // "file:line:column: message"
};

/// A spec is configuration, not data: at most this many bytes are read, and at most this
/// many values (yaml-cpp takes about 500 bytes a node, so the node count bounds its
/// memory; man page, LIMITS).
inline constexpr size_t kMaxSpecBytes = 1u << 20;
inline constexpr size_t kMaxSpecNodes = 50'000;

/// The YAML documents of `text` (values counted over all), or the problems that stop it being read:
/// too large, not UTF-8, too many values, invalid or too deeply nested YAML, empty.
struct YamlDocument {
    YAML::Node root;
    std::vector<YAML::Node> documents;  // every non-empty document, root first (`---` apart)
    std::vector<SpecProblem> problems;
};
YamlDocument parse_yaml_document(std::string_view text, const std::string& file);

/// `map[key]` for a const map, without yaml-cpp's cost: its operator[] converts every
/// key it passes to a new string and formats a missing key through a stringstream
/// (about 4,000 instructions a lookup, most of a spec's reading time). The same
/// result: the value of the first such key, an invalid node when there is none, and
/// yaml-cpp's own answer (or exception) when `map` is not a map.
YAML::Node field(const YAML::Node& map, std::string_view key);

/// Resolves a port: a number 1-65535 or a service name from /etc/services.
std::optional<int> resolve_port(std::string_view text);

class YamlReader {
  public:
    explicit YamlReader(std::string file) : file_(std::move(file)) {}

    std::vector<SpecProblem> problems;

    SourceLocation at(const YAML::Node& node) const;
    void problem(const YAML::Node& node, std::string message);

    /// Checks that `node` is a map whose keys are all in `allowed` ("did you mean" for
    /// the others). Returns false if it is not a map at all.
    bool check_map(const YAML::Node& node, const std::string& what,
                   const std::vector<std::string_view>& allowed);
    /// Reports `what` as missing from `map` unless it has `key`.
    void require(const YAML::Node& map, std::string_view key, const std::string& what);

    std::optional<std::string> scalar(const YAML::Node& node, const std::string& what);
    std::optional<std::string> string_value(const YAML::Node& node, const std::string& what,
                                            bool allow_empty = true);
    /// A name that becomes part of the session's name and environment.
    std::optional<std::string> name_value(const YAML::Node& node, const std::string& what,
                                          bool allow_empty = false);
    std::optional<bool> bool_value(const YAML::Node& node, const std::string& what);
    std::optional<long long> int_value(const YAML::Node& node, const std::string& what,
                                       long long min, long long max);
    std::optional<Duration> duration_value(const YAML::Node& node, const std::string& what,
                                           bool allow_zero);
    std::optional<std::vector<std::string>> string_list(const YAML::Node& node,
                                                        const std::string& what);
    std::optional<int> port_value(const YAML::Node& node, const std::string& what);

    template <typename Enum>
    std::optional<Enum> enum_value(const YAML::Node& node, const std::string& what,
                                   const std::vector<std::pair<std::string_view, Enum>>& values) {
        auto s = scalar(node, what);
        if (!s) return std::nullopt;
        std::vector<std::string_view> names;
        for (const auto& [name, value] : values) {
            if (name == *s) return value;
            names.push_back(name);
        }
        std::string msg = what + " must be " + one_of(names) + ", not " + quote(*s);
        if (auto guess = closest_match(*s, names)) msg += "; did you mean " + quote(*guess) + "?";
        problem(node, msg);
        return std::nullopt;
    }

    static std::string quote(std::string_view s);
    /// "a, b or c"
    static std::string one_of(const std::vector<std::string_view>& words);

    const std::string& file() const { return file_; }

  private:
    std::string file_;
};

}  // namespace stash_hook

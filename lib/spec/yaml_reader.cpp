#include "spec/yaml_reader.hpp"

#include <netdb.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <charconv>
#include <cstdio>
#include <set>
#include <sstream>

#include "util/utf8.hpp"

namespace stash_hook {

std::string SpecProblem::str() const { return where.str() + ": " + message; }

namespace {

constexpr size_t kMaxScalarBytes = 1u << 20;
constexpr size_t kMaxNameBytes = 253;  // a Kubernetes object name's limit

/// Counts the first document's nodes with yaml-cpp's event parser, which builds no
/// tree, and stops past the limit: a long list is refused before it costs memory. It is
/// also what ends yaml-cpp 0.7's endless parse of some short texts (",|:a>" yields
/// value after value), so no bound from a text's size can replace it.
class NodeCounter : public YAML::EventHandler {
  public:
    struct TooMany {
        YAML::Mark mark;
    };
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { add(mark); }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { add(mark); }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  const std::string&) override {
        add(mark);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        add(mark);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
        add(mark);
    }
    void OnMapEnd() override {}

  private:
    void add(const YAML::Mark& mark) {
        if (++count_ > kMaxSpecNodes) throw TooMany{mark};
    }
    size_t count_ = 0;
};

/// The position of the first byte that is not valid UTF-8, if any.
std::optional<size_t> invalid_utf8_at(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const size_t len = utf8_sequence_length(s, i);
        if (len == 0) return i;
        i += len;
    }
    return std::nullopt;
}

SourceLocation location_of(std::string_view text, size_t pos, const std::string& file) {
    int line = 1, column = 1;
    for (size_t i = 0; i < pos; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {file, line, column};
}

}  // namespace

YAML::Node field(const YAML::Node& map, std::string_view key) {
    if (!map.IsMap()) return map[std::string(key)];
    for (const auto& kv : map)
        if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
    static const YAML::Node missing = [] {  // yaml-cpp's invalid node, made once
        const YAML::Node empty(YAML::NodeType::Map);
        return empty["(missing)"];
    }();
    return missing;
}

std::optional<int> resolve_port(std::string_view text) {
    if (text.empty()) return std::nullopt;
    int port = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (ec == std::errc() && ptr == text.data() + text.size())
        return port >= 1 && port <= 65535 ? std::optional<int>(port) : std::nullopt;
    const std::string name(text);
    if (const servent* s = getservbyname(name.c_str(), "tcp"))
        return ntohs(static_cast<uint16_t>(s->s_port));
    return std::nullopt;
}

YamlDocument parse_yaml_document(std::string_view text, const std::string& file) {
    YamlDocument doc;
    auto fail = [&](SourceLocation where, std::string message) {
        doc.problems.push_back({std::move(where), std::move(message)});
        return std::move(doc);
    };
    if (text.size() > kMaxSpecBytes)
        return fail({file, 0, 0}, "the spec is " + std::to_string(text.size()) +
                                      " bytes; at most " + std::to_string(kMaxSpecBytes) +
                                      " are read");
    if (auto bad = invalid_utf8_at(text)) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(text[*bad]));
        return fail(location_of(text, *bad, file),
                    std::string("invalid UTF-8 (byte ") + hex + "): save the spec as UTF-8");
    }
    const std::string copy(text);
    try {
        std::istringstream in(copy);
        YAML::Parser parser(in);
        NodeCounter counter;
        while (parser.HandleNextDocument(counter)) {
        }
    } catch (const NodeCounter::TooMany& e) {
        return fail({file, e.mark.line + 1, e.mark.column + 1},
                    "the spec has more than " + std::to_string(kMaxSpecNodes) +
                        " values (scalars, lists and mappings); a spec is configuration, not data");
    } catch (const YAML::Exception&) {
        // Reported below, where the tree is built, with the same words as always.
    }
    try {
        for (auto& d : YAML::LoadAll(copy))
            if (d && !d.IsNull()) doc.documents.push_back(std::move(d));
        if (!doc.documents.empty()) doc.root = doc.documents.front();
    } catch (const YAML::DeepRecursion& e) {
        return fail({file, e.mark.line + 1, e.mark.column + 1},
                    "invalid YAML: nested too deeply (more than yaml-cpp's limit)");
    } catch (const YAML::Exception& e) {
        return fail({file, e.mark.is_null() ? 0 : e.mark.line + 1,
                     e.mark.is_null() ? 0 : e.mark.column + 1},
                    "invalid YAML: " + e.msg);
    }
    if (!doc.root || doc.root.IsNull()) return fail({file, 0, 0}, "the spec is empty");
    return doc;
}

std::string YamlReader::quote(std::string_view s) {
    if (s.size() > 80) return "\"" + std::string(s.substr(0, 77)) + "...\"";
    return "\"" + std::string(s) + "\"";
}

std::string YamlReader::one_of(const std::vector<std::string_view>& words) {
    std::string s;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0) s += i + 1 == words.size() ? " or " : ", ";
        s += words[i];
    }
    return s;
}

SourceLocation YamlReader::at(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return {file_, 0, 0};
    return {file_, mark.line + 1, mark.column + 1};
}

void YamlReader::problem(const YAML::Node& node, std::string message) {
    problems.push_back({at(node), std::move(message)});
}

/// Checks that `node` is a map whose keys are all in `allowed`. Returns false if
/// it is not a map at all.
bool YamlReader::check_map(const YAML::Node& node, const std::string& what,
                           const std::vector<std::string_view>& allowed) {
    if (!node.IsMap()) {
        problem(node, what + " must be a mapping of keys to values");
        return false;
    }
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node key = it->first;
        if (!key.IsScalar()) {
            problem(key, "keys in " + what + " must be plain names");
            continue;
        }
        const std::string& k = key.Scalar();
        if (!seen.insert(k).second) problem(key, "duplicate key " + quote(k) + " in " + what);
        bool known = false;
        for (auto a : allowed) known = known || a == k;
        if (known) continue;
        std::string msg = "unknown key " + quote(k) + " in " + what;
        if (auto guess = closest_match(k, allowed))
            msg += "; did you mean " + quote(*guess) + "?";
        else
            msg += " (allowed: " + one_of(allowed) + ")";
        problem(key, msg);
    }
    return true;
}

std::optional<std::string> YamlReader::scalar(const YAML::Node& node, const std::string& what) {
    if (!node.IsScalar()) {
        problem(node, what + " must be a single value, not a " +
                          (node.IsMap()        ? "mapping"
                           : node.IsSequence() ? "list"
                                               : "null"));
        return std::nullopt;
    }
    if (node.Scalar().size() > kMaxScalarBytes) {
        problem(node, what + " is " + std::to_string(node.Scalar().size()) +
                          " bytes long; at most " + std::to_string(kMaxScalarBytes) +
                          " are allowed");
        return std::nullopt;
    }
    return node.Scalar();
}

/// A name that becomes part of the session's name and environment.
std::optional<std::string> YamlReader::name_value(const YAML::Node& node, const std::string& what,
                                                  bool allow_empty) {
    auto s = string_value(node, what, allow_empty);
    if (!s) return s;
    if (s->size() > kMaxNameBytes) {
        problem(node, what + " is " + std::to_string(s->size()) + " characters long; at most " +
                          std::to_string(kMaxNameBytes) + " are allowed");
        return std::nullopt;
    }
    for (unsigned char c : *s) {
        if (c < 0x20 || c == '/' || c == 0x7f) {
            problem(node, what + " " + quote(*s) + " must not contain '/' or control characters");
            return std::nullopt;
        }
    }
    return s;
}

std::optional<std::string> YamlReader::string_value(const YAML::Node& node, const std::string& what,
                                                    bool allow_empty) {
    auto s = scalar(node, what);
    if (s && !allow_empty && s->empty()) {
        problem(node, what + " must not be empty");
        return std::nullopt;
    }
    return s;
}

std::optional<bool> YamlReader::bool_value(const YAML::Node& node, const std::string& what) {
    auto s = scalar(node, what);
    if (!s) return std::nullopt;
    if (*s == "true" || *s == "True" || *s == "TRUE") return true;
    if (*s == "false" || *s == "False" || *s == "FALSE") return false;
    problem(node, what + " must be true or false, not " + quote(*s));
    return std::nullopt;
}

std::optional<long long> YamlReader::int_value(const YAML::Node& node, const std::string& what,
                                               long long min, long long max) {
    auto s = scalar(node, what);
    if (!s) return std::nullopt;
    long long v = 0;
    auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec == std::errc::result_out_of_range) {
        problem(node, what + " " + *s + " is out of range (" + std::to_string(min) + "-" +
                          std::to_string(max) + ")");
        return std::nullopt;
    }
    if (ec != std::errc() || ptr != s->data() + s->size()) {
        problem(node, what + " must be a whole number, not " + quote(*s));
        return std::nullopt;
    }
    if (v < min || v > max) {
        problem(node, what + " " + *s + " is out of range (" + std::to_string(min) + "-" +
                          std::to_string(max) + ")");
        return std::nullopt;
    }
    return v;
}

std::optional<Duration> YamlReader::duration_value(const YAML::Node& node, const std::string& what,
                                                   bool allow_zero) {
    auto s = scalar(node, what);
    if (!s) return std::nullopt;
    auto d = parse_duration(*s);
    if (!d) {
        problem(node, what + ": " + d.error() +
                          "; durations use Go syntax such as 500ms, 30s, 1m30s, 2h");
        return std::nullopt;
    }
    if (d->count() < 0 || (!allow_zero && d->count() == 0)) {
        problem(node, what + " must be " + (allow_zero ? "zero or more" : "more than zero") +
                          ", not " + quote(*s));
        return std::nullopt;
    }
    return *d;
}

std::optional<std::vector<std::string>> YamlReader::string_list(const YAML::Node& node,
                                                                const std::string& what) {
    if (!node.IsSequence()) {
        problem(node, what + " must be a list of strings, e.g. [sh, -c, \"echo hi\"]");
        return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (const auto& item : node) {
        auto s = scalar(item, what + " element");
        if (s && s->find('\0') != std::string::npos) {
            // execve would end the argument there and run something else.
            problem(item, what + " element must not contain a NUL byte");
            s.reset();
        }
        if (s)
            out.push_back(*s);
        else
            ok = false;
    }
    if (ok && out.empty()) {
        problem(node, what + " must not be empty");
        return std::nullopt;
    }
    if (!ok) return std::nullopt;
    return out;
}

std::optional<int> YamlReader::port_value(const YAML::Node& node, const std::string& what) {
    auto s = scalar(node, what);
    if (!s) return std::nullopt;
    if (!s->empty() && std::isdigit(static_cast<unsigned char>((*s)[0])))
        return static_cast<std::optional<int>>(int_value(node, what, 1, 65535));
    if (auto port = resolve_port(*s)) return port;
    problem(node, what + " " + quote(*s) +
                      " is neither a number 1-65535 nor a service name in /etc/services");
    return std::nullopt;
}

void YamlReader::require(const YAML::Node& map, std::string_view key, const std::string& what) {
    if (!map[std::string(key)]) problem(map, what + " is missing required key " + quote(key));
}

}  // namespace stash_hook

// Sprig's network.go (getHostByName) and url.go (urlParse, urlJoin, with net/url's
// parsing and escaping).
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <random>

#include "template/ast.hpp"
#include "template/functions.hpp"
#include "template/go_struct.hpp"

namespace stash_hook::tmpl {

namespace {

/// net.LookupHost's addresses, one at random; none panics in rand.Intn, as Sprig's does.
/// The lookup is the system resolver's (getaddrinfo), bounded by its own timeouts.
Value fn_get_host_by_name(Call& c) {
    const std::string& name = c.str(0);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    std::vector<std::string> addresses;
    if (!name.empty() && name.find('\0') == std::string::npos &&
        getaddrinfo(name.c_str(), nullptr, &hints, &found) == 0) {
        std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, freeaddrinfo);
        for (const addrinfo* a = found; a; a = a->ai_next) {
            char text[INET6_ADDRSTRLEN] = {};
            const void* where =
                a->ai_family == AF_INET
                    ? static_cast<const void*>(
                          &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr)
                    : static_cast<const void*>(
                          &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr);
            if ((a->ai_family == AF_INET || a->ai_family == AF_INET6) &&
                inet_ntop(a->ai_family, where, text, sizeof text))
                addresses.emplace_back(text);
        }
    }
    if (addresses.empty()) c.fail("invalid argument to Intn");
    static thread_local std::mt19937_64 random{std::random_device{}()};
    return addresses[random() % addresses.size()];
}

// net/url's escaping (url.go: shouldEscape, escape, unescape), for the modes url.go uses.
enum class Mode { Path, Host, Zone, UserPassword, Fragment };

bool should_escape(unsigned char c, Mode mode) {
    if (std::isalnum(c)) return false;
    if (mode == Mode::Host || mode == Mode::Zone) {
        if (std::string_view("!$&'()*+,;=:[]<>\"").find(static_cast<char>(c)) !=
            std::string_view::npos)
            return false;
    }
    if (c == '-' || c == '_' || c == '.' || c == '~') return false;
    if (std::string_view("$&+,/:;=?@").find(static_cast<char>(c)) != std::string_view::npos) {
        switch (mode) {
            case Mode::Path:
                return c == '?';
            case Mode::UserPassword:
                return c == '@' || c == '/' || c == '?' || c == ':';
            case Mode::Fragment:
                return false;
            default:
                break;
        }
    }
    if (mode == Mode::Fragment && (c == '!' || c == '(' || c == ')' || c == '*')) return false;
    return true;
}

std::string url_escape(std::string_view s, Mode mode) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (should_escape(c, mode)) {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        } else {
            out += ch;
        }
    }
    return out;
}

int unhex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// url.go's unescape, or nullopt where it reports an error.
std::optional<std::string> url_unescape(std::string_view s, Mode mode) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '%') {
            if (i + 2 >= s.size() || unhex(s[i + 1]) < 0 || unhex(s[i + 2]) < 0)
                return std::nullopt;
            const auto v = static_cast<unsigned char>(unhex(s[i + 1]) << 4 | unhex(s[i + 2]));
            if (mode == Mode::Host && unhex(s[i + 1]) < 8 && s.substr(i, 3) != "%25")
                return std::nullopt;
            if (mode == Mode::Zone && s.substr(i, 3) != "%25" && v != ' ' &&
                should_escape(v, Mode::Host))
                return std::nullopt;
            out += static_cast<char>(v);
            i += 2;
        } else {
            if ((mode == Mode::Host || mode == Mode::Zone) && c < 0x80 && should_escape(c, mode))
                return std::nullopt;
            out += s[i];
        }
    }
    return out;
}

bool valid_optional_port(std::string_view port) {
    if (port.empty()) return true;
    if (port[0] != ':') return false;
    return port.find_first_not_of("0123456789", 1) == std::string_view::npos;
}

std::optional<std::string> parse_host(std::string_view host) {
    if (!host.empty() && host[0] == '[') {
        const size_t close = host.rfind(']');
        if (close == std::string_view::npos || !valid_optional_port(host.substr(close + 1)))
            return std::nullopt;
        if (const size_t zone = host.substr(0, close).find("%25"); zone != std::string_view::npos) {
            auto a = url_unescape(host.substr(0, zone), Mode::Host);
            auto b = url_unescape(host.substr(zone, close - zone), Mode::Zone);
            auto c = url_unescape(host.substr(close), Mode::Host);
            if (!a || !b || !c) return std::nullopt;
            return *a + *b + *c;
        }
    } else if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) {
        if (!valid_optional_port(host.substr(colon))) return std::nullopt;
    }
    return url_unescape(host, Mode::Host);
}

struct Url {
    std::string scheme, opaque, user, host, path, raw_path, query, fragment, raw_fragment;
    bool has_user = false, omit_host = false, force_query = false;
};

/// The user info as Userinfo.String() writes it: escaped, ":password" where one is set.
std::optional<std::string> parse_userinfo(std::string_view info) {
    for (char ch : info)
        if (!std::isalnum(static_cast<unsigned char>(ch)) &&
            std::string_view("-._:~!$&'()*+,;=%@").find(ch) == std::string_view::npos)
            return std::nullopt;
    const size_t colon = info.find(':');
    auto name = url_unescape(info.substr(0, colon), Mode::UserPassword);
    if (!name) return std::nullopt;
    std::string out = url_escape(*name, Mode::UserPassword);
    if (colon != std::string_view::npos) {
        auto password = url_unescape(info.substr(colon + 1), Mode::UserPassword);
        if (!password) return std::nullopt;
        out += ":" + url_escape(*password, Mode::UserPassword);
    }
    return out;
}

/// url.Parse, or nullopt where it fails.
std::optional<Url> parse_url(std::string_view raw) {
    Url u;
    const size_t hash = raw.find('#');
    std::string_view rest = raw.substr(0, hash);
    for (char ch : rest)
        if (static_cast<unsigned char>(ch) < ' ' || ch == 0x7f) return std::nullopt;
    if (rest == "*") {
        u.path = "*";
    } else {
        for (size_t i = 0; i < rest.size(); ++i) {  // getScheme
            const char c = rest[i];
            if (std::isalpha(static_cast<unsigned char>(c))) continue;
            if (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.') {
                if (i == 0) break;
                continue;
            }
            if (c == ':') {
                if (i == 0) return std::nullopt;
                for (char s : rest.substr(0, i))
                    u.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(s)));
                rest.remove_prefix(i + 1);
            }
            break;
        }
        if (!rest.empty() && rest.back() == '?' && std::count(rest.begin(), rest.end(), '?') == 1) {
            u.force_query = true;
            rest.remove_suffix(1);
        } else if (const size_t q = rest.find('?'); q != std::string_view::npos) {
            u.query = std::string(rest.substr(q + 1));
            rest = rest.substr(0, q);
        }
        bool done = false;
        if (rest.empty() || rest[0] != '/') {
            if (!u.scheme.empty()) {
                u.opaque = std::string(rest);
                done = true;
            } else if (rest.substr(0, rest.find('/')).find(':') != std::string_view::npos) {
                return std::nullopt;
            }
        }
        if (!done) {
            if ((!u.scheme.empty() || rest.substr(0, 3) != "///") && rest.substr(0, 2) == "//") {
                std::string_view authority = rest.substr(2);
                rest = {};
                if (const size_t slash = authority.find('/'); slash != std::string_view::npos) {
                    rest = authority.substr(slash);
                    authority = authority.substr(0, slash);
                }
                const size_t at = authority.rfind('@');
                auto host =
                    parse_host(at == std::string_view::npos ? authority : authority.substr(at + 1));
                if (!host) return std::nullopt;
                u.host = *host;
                if (at != std::string_view::npos) {
                    auto user = parse_userinfo(authority.substr(0, at));
                    if (!user) return std::nullopt;
                    u.user = *user;
                    u.has_user = true;
                }
            } else if (!u.scheme.empty() && !rest.empty() && rest[0] == '/') {
                u.omit_host = true;
            }
            auto path = url_unescape(rest, Mode::Path);
            if (!path) return std::nullopt;
            u.path = *path;
            if (url_escape(u.path, Mode::Path) != rest) u.raw_path = std::string(rest);
        }
    }
    if (hash != std::string_view::npos && hash + 1 < raw.size()) {
        const std::string_view f = raw.substr(hash + 1);
        auto fragment = url_unescape(f, Mode::Fragment);
        if (!fragment) return std::nullopt;
        u.fragment = *fragment;
        if (url_escape(u.fragment, Mode::Fragment) != f) u.raw_fragment = std::string(f);
    }
    return u;
}

/// EscapedPath and EscapedFragment: the raw form where it is a valid encoding of the value.
std::string escaped_form(const std::string& raw, const std::string& value, Mode mode) {
    if (!raw.empty()) {
        bool valid = true;
        for (char ch : raw)
            if (std::string_view("!$&'()*+,;=:@[]%").find(ch) == std::string_view::npos &&
                should_escape(static_cast<unsigned char>(ch), mode))
                valid = false;
        if (auto back = url_unescape(raw, mode); valid && back && *back == value) return raw;
    }
    if (mode == Mode::Path && value == "*") return "*";
    return url_escape(value, mode);
}

/// URL.String().
std::string url_string(const Url& u) {
    std::string b;
    if (!u.scheme.empty()) b += u.scheme + ":";
    if (!u.opaque.empty()) {
        b += u.opaque;
    } else {
        if ((!u.scheme.empty() || !u.host.empty() || u.has_user) &&
            !(u.omit_host && u.host.empty() && !u.has_user)) {
            if (!u.host.empty() || !u.path.empty() || u.has_user) b += "//";
            if (u.has_user) b += u.user + "@";
            if (!u.host.empty()) b += url_escape(u.host, Mode::Host);
        }
        const std::string path = escaped_form(u.raw_path, u.path, Mode::Path);
        if (!path.empty() && path[0] != '/' && !u.host.empty()) b += '/';
        if (b.empty() && path.substr(0, path.find('/')).find(':') != std::string::npos) b += "./";
        b += path;
    }
    if (u.force_query || !u.query.empty()) b += "?" + u.query;
    if (!u.fragment.empty()) b += "#" + escaped_form(u.raw_fragment, u.fragment, Mode::Fragment);
    return b;
}

/// urlParse: the URL's parts as a dict (url.go), or Sprig's panic.
Value fn_url_parse(Call& c) {
    const std::string& raw = c.str(0);
    auto u = parse_url(raw);
    if (!u) c.fail("unable to parse url: parse " + go_quote(raw.substr(0, raw.find('#'))));
    std::string_view hostname = u->host;  // Hostname(): the port and IPv6 brackets off
    if (const size_t colon = hostname.rfind(':');
        colon != std::string_view::npos && valid_optional_port(hostname.substr(colon)))
        hostname = hostname.substr(0, colon);
    if (hostname.size() >= 2 && hostname.front() == '[' && hostname.back() == ']')
        hostname = hostname.substr(1, hostname.size() - 2);
    return Value{{"scheme", u->scheme},     {"host", u->host},    {"hostname", hostname},
                 {"path", u->path},         {"query", u->query},  {"opaque", u->opaque},
                 {"fragment", u->fragment}, {"userinfo", u->user}};
}

/// urlJoin: a URL from such a dict; a key that is not a string panics, as Sprig's does.
Value fn_url_join(Call& c) {
    const Value& d = c.args[0];
    if (!d.is_object() || go_struct(d))
        c.fail("wrong type for value; expected map[string]interface {}; got " + type_name(d));
    auto get = [&](const char* key) {
        auto it = d.find(key);
        if (it == d.end()) return std::string();
        if (!it->is_string())
            c.fail(std::string("unable to parse ") + key + " key, must be of type string, but " +
                   type_name(*it) + " found");
        return it->get<std::string>();
    };
    Url u;
    u.scheme = get("scheme");
    u.host = get("host");
    u.path = get("path");
    u.query = get("query");
    u.opaque = get("opaque");
    u.fragment = get("fragment");
    if (const std::string info = get("userinfo"); !info.empty()) {
        auto parsed = parse_url("proto://" + info + "@host");
        if (!parsed) c.fail("unable to parse userinfo in dict");
        u.user = parsed->user;  // none where the info holds a '/' that ends the authority
        u.has_user = parsed->has_user;
    }
    return url_string(u);
}

constexpr Function kFunctions[] = {
    {"getHostByName", 1, 1, fn_get_host_by_name},
    {"urlParse", 1, 1, fn_url_parse},
    {"urlJoin", 1, 1, fn_url_join},
};

}  // namespace

std::span<const Function> network_functions() { return kFunctions; }

}  // namespace stash_hook::tmpl

#include "net/http_request.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "util/text.hpp"

namespace stash_hook {
namespace {

std::string query_escape(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else if (c == ' ') {
            out += '+';
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

const char* getenv_either(const char* upper, const char* low) {
    const char* v = std::getenv(upper);
    if (v == nullptr || *v == '\0') v = std::getenv(low);
    return (v != nullptr && *v != '\0') ? v : nullptr;
}

bool is_loopback(const std::string& host) {
    const std::string h = ascii_lower(host);
    return h == "localhost" || h.ends_with(".localhost") || h.rfind("127.", 0) == 0 || h == "::1" ||
           h == "[::1]";
}

bool no_proxy_matches(const std::string& host, int port, const std::string& list) {
    const std::string h = ascii_lower(host);
    size_t start = 0;
    while (start <= list.size()) {
        size_t end = list.find(',', start);
        if (end == std::string::npos) end = list.size();
        std::string entry = ascii_lower(list.substr(start, end - start));
        start = end + 1;
        entry.erase(0, entry.find_first_not_of(" \t"));
        entry.erase(entry.find_last_not_of(" \t") + 1);
        if (entry.empty()) continue;
        if (entry == "*") return true;
        if (auto colon = entry.rfind(':'); colon != std::string::npos &&
                                           entry.find(']') == std::string::npos &&
                                           entry.find(':') == colon) {
            if (entry.substr(colon + 1) != std::to_string(port)) continue;
            entry = entry.substr(0, colon);
        }
        if (entry.front() == '.') entry.erase(0, 1);
        if (h == entry || h.ends_with("." + entry)) return true;
    }
    return false;
}

}  // namespace

std::string HttpTarget::authority() const { return host + ":" + std::to_string(port); }

std::string encode_form(const std::vector<FormField>& form) {
    std::vector<const FormField*> sorted;
    for (const auto& f : form) sorted.push_back(&f);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const FormField* a, const FormField* b) { return a->key < b->key; });
    std::string out;
    for (const FormField* f : sorted) {
        for (const auto& v : f->values) {
            if (!out.empty()) out += '&';
            out += query_escape(f->key) + "=" + query_escape(v);
        }
    }
    return out;
}

expected<HttpTarget, std::string> resolve_location(const HttpTarget& current,
                                                   const std::string& location) {
    if (location.empty()) return unexpected<std::string>("empty Location");
    HttpTarget next = current;
    const std::string l = ascii_lower(location);
    std::string rest;
    if (l.rfind("http://", 0) == 0 || l.rfind("https://", 0) == 0) {
        next.https = l[4] == 's';
        rest = location.substr(next.https ? 8 : 7);
        next.port = next.https ? 443 : 80;
    } else if (location.rfind("//", 0) == 0) {
        rest = location.substr(2);
        next.port = next.https ? 443 : 80;
    } else {
        if (location.front() == '/') {
            next.path = location;
        } else {  // relative to the current path's folder
            std::string base = current.path.substr(0, current.path.find('?'));
            base = base.substr(0, base.rfind('/') + 1);
            next.path = base + location;
        }
        return next;
    }
    const size_t slash = rest.find_first_of("/?");
    std::string authority = rest.substr(0, slash);
    next.path = slash == std::string::npos ? "/" : rest.substr(slash);
    if (next.path.front() == '?') next.path = "/" + next.path;
    if (auto at = authority.rfind('@'); at != std::string::npos)
        authority = authority.substr(at + 1);
    if (authority.empty()) return unexpected<std::string>("no host in " + location);
    size_t colon = authority.rfind(':');
    if (authority.front() == '[') {  // [::1]:8080
        const size_t close = authority.find(']');
        if (close == std::string::npos)
            return unexpected<std::string>("unclosed [ in the host of " + location);
        next.host = authority.substr(1, close - 1);
        colon = authority.find(':', close);
    } else {
        next.host = authority.substr(0, colon);
    }
    if (colon != std::string::npos) {
        const std::string port = authority.substr(colon + 1);
        // Digits only, 1-65535: a larger number must not wrap around to another port.
        const bool digits =
            !port.empty() && port.size() <= 5 &&
            std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); });
        const int value = digits ? std::stoi(port) : 0;
        if (value < 1 || value > 65535)
            return unexpected<std::string>("invalid port \"" + port + "\" in " + location);
        next.port = value;
    }
    if (next.host.empty()) return unexpected<std::string>("no host in " + location);
    return next;
}

bool same_origin(const HttpTarget& a, const HttpTarget& b) {
    return a.https == b.https && a.port == b.port && ascii_lower(a.host) == ascii_lower(b.host);
}

expected<void, std::string> check_header(const std::string& name, const std::string& value) {
    // tchar of RFC 9110 section 5.6.2
    auto tchar = [](unsigned char c) {
        return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
                                      std::string_view::npos;
    };
    if (name.empty() || !std::all_of(name.begin(), name.end(), tchar)) {
        std::string shown = name;  // one line, whatever the name holds
        for (char& c : shown)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
        return unexpected<std::string>("header name \"" + shown +
                                       "\" is not a token (letters, digits, !#$%&'*+-.^_`|~)");
    }
    if (value.find_first_of("\r\n") != std::string::npos)
        return unexpected<std::string>("header " + name + ": value contains CR or LF");
    if (value.find('\0') != std::string::npos)
        return unexpected<std::string>("header " + name + ": value contains NUL");
    return {};
}

std::optional<ProxySettings> proxy_from_environment(const HttpTarget& target) {
    const char* value = target.https ? getenv_either("HTTPS_PROXY", "https_proxy")
                                     : getenv_either("HTTP_PROXY", "http_proxy");
    if (value == nullptr || is_loopback(target.host)) return std::nullopt;
    if (const char* no = getenv_either("NO_PROXY", "no_proxy");
        no != nullptr && no_proxy_matches(target.host, target.port, no))
        return std::nullopt;
    std::string url = value;
    if (url.find("://") == std::string::npos) url = "http://" + url;
    HttpTarget base{false, "", 80, "/"};
    auto parsed = resolve_location(base, url);
    if (!parsed) return std::nullopt;
    ProxySettings proxy{parsed->host, parsed->port, "", ""};
    // user:password@ is dropped by resolve_location; read it here.
    const size_t scheme_end = url.find("://") + 3;
    const size_t at = url.find('@', scheme_end);
    const size_t slash = url.find('/', scheme_end);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
        const std::string userinfo = url.substr(scheme_end, at - scheme_end);
        const size_t colon = userinfo.find(':');
        proxy.user = userinfo.substr(0, colon);
        if (colon != std::string::npos) proxy.password = userinfo.substr(colon + 1);
    }
    return proxy;
}

}  // namespace stash_hook

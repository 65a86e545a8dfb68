#include "util/secrets.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

#include "util/json_escape.hpp"

namespace stash_hook::secrets {
namespace {

std::mutex g_mutex;
std::vector<std::string> g_secrets;  // longest first, so a secret containing another goes first

std::string redact_url_passwords(std::string text) {
    size_t at = 0;
    while ((at = text.find("://", at)) != std::string::npos) {
        const size_t begin = at + 3;
        const size_t end = text.find_first_of("/?# \t\r\n\"'", begin);
        const size_t limit = end == std::string::npos ? text.size() : end;
        const size_t sign = text.rfind('@', limit - 1);
        if (sign != std::string::npos && sign >= begin && sign < limit) {
            const size_t colon = text.find(':', begin);
            if (colon != std::string::npos && colon < sign && sign - colon - 1 > 0 &&
                text.compare(colon + 1, sign - colon - 1, "***") != 0) {
                text.replace(colon + 1, sign - colon - 1, "***");
            }
        }
        at = begin;
    }
    return text;
}

std::string_view trimmed(std::string_view s) {
    const size_t begin = s.find_first_not_of(" \t\r\n\f\v");
    if (begin == std::string_view::npos) return {};
    return s.substr(begin, s.find_last_not_of(" \t\r\n\f\v") - begin + 1);
}

void add_locked(std::string_view value) {
    value = trimmed(value);
    if (value.size() < kMinLength) return;
    for (std::string spelling : {std::string(value), escaped(value, Escape::Json)})
        if (std::find(g_secrets.begin(), g_secrets.end(), spelling) == g_secrets.end())
            g_secrets.push_back(std::move(spelling));
}

std::string replace_secrets(std::string out) {
    std::lock_guard lock(g_mutex);
    for (const auto& secret : g_secrets)
        for (size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at + 3))
            out.replace(at, secret.size(), "***");
    return out;
}

}  // namespace

void add(std::string_view value) {
    std::lock_guard lock(g_mutex);
    add_locked(value);
    if (value.find('\n') != std::string_view::npos) {
        for (std::string_view rest = value; !rest.empty();) {
            const size_t nl = rest.find('\n');
            add_locked(rest.substr(0, nl));
            rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        }
    }
    std::stable_sort(
        g_secrets.begin(), g_secrets.end(),
        [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string redact(std::string_view text) {
    return redact_url_passwords(replace_secrets(std::string(text)));
}

std::string redact_cut_front(std::string_view text) {
    size_t piece = 0;
    {
        std::lock_guard lock(g_mutex);
        for (const auto& secret : g_secrets)
            for (size_t k = std::min(secret.size() - 1, text.size()); k > piece; --k)
                if (text.substr(0, k) == std::string_view(secret).substr(secret.size() - k)) {
                    piece = k;
                    break;
                }
    }
    if (piece == 0) return redact(text);
    return "***" + redact(text.substr(piece));
}

std::string redact_and_shorten(std::string_view text, size_t max_bytes) {
    std::string out = redact(text);
    if (out.size() > max_bytes) out = out.substr(0, max_bytes) + "...";
    return out;
}

void clear() {
    std::lock_guard lock(g_mutex);
    g_secrets.clear();
}

}  // namespace stash_hook::secrets

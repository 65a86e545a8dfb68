#include "util/secrets.hpp"

#include <algorithm>
#include <mutex>
#include <vector>

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

}  // namespace

void add(std::string value) {
    if (value.size() < kMinLength) return;
    std::lock_guard lock(g_mutex);
    if (std::find(g_secrets.begin(), g_secrets.end(), value) != g_secrets.end()) return;
    g_secrets.push_back(std::move(value));
    std::sort(g_secrets.begin(), g_secrets.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string redact(std::string_view text) {
    std::string out(text);
    {
        std::lock_guard lock(g_mutex);
        for (const auto& secret : g_secrets) {
            for (size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at + 3))
                out.replace(at, secret.size(), "***");
        }
    }
    return redact_url_passwords(std::move(out));
}

void clear() {
    std::lock_guard lock(g_mutex);
    g_secrets.clear();
}

}  // namespace stash_hook::secrets

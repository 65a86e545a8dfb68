// `monitor:` (man page, MONITORS): each service to ping becomes ordinary HTTP hooks at load
// time, a start ping first in the pre stage and the end pings last in the post stage, with
// the service's protocol, a short timeout, retries on transient failures only and
// onError: Continue unless the monitor is required. `plan`, templates, masking and the
// status file then treat them as any hook.

#include <algorithm>
#include <set>

#include "spec/hook_template.hpp"
#include "spec/spec_reader.hpp"

namespace stash_hook {

namespace {

const std::vector<std::string_view> kMonitorKeys = {
    "type",  "name",     "url",  "required",  "timeout", "retry", "start",   "headers",
    "title", "priority", "tags", "bodyLimit", "body",    "tls",   "pingKey", "slug"};
const std::vector<std::string_view> kMonitorTypes = {"healthchecks", "ntfy", "uptimeKuma",
                                                     "cronitor", "webhook"};

/// What a monitor says about a session, as template text: the body of the end pings (and of
/// every webhook unless it has its own). The one place to add to what monitors report.
constexpr std::string_view kMonitorMessage =
    "{{ .Name }} {{ .Status.Phase }} on {{ .Hostname }} after {{ .Status.Duration }}"
    "{{ with .Status.ExitCode }}, exit code {{ . }}{{ end }}"
    "{{ with .Status.Error }}\nerror: {{ . }}{{ end }}\n"
    "{{ with .Task.Output }}\noutput:\n{{ . }}\n{{ end }}";

/// The same in one line for a URL's query (Uptime Kuma's msg, Cronitor's message); spaces
/// as %20, since the HTTP client would send a "+" as %2B.
constexpr std::string_view kQueryMessage =
    "{{ printf \"%s %s\" .Name .Status.Phase | urlquery | replace \"+\" \"%20\" }}"
    "{{ with .Status.Error }}"
    "{{ printf \": %s\" . | trunc 1000 | urlquery | replace \"+\" \"%20\" }}"
    "{{ end }}";

/// The task's exit code for an exit-status endpoint, or "fail" when it has none to give.
constexpr std::string_view kExitStatus =
    "{{ with .Status.ExitCode }}{{ . }}{{ else }}fail{{ end }}";

/// Healthchecks' default ping body limit (PING_BODY_LIMIT, 100 kB).
constexpr size_t kHealthchecksBodyLimit = 100'000;

enum class Event { Start, Success, Failure };

struct ParsedUrl {
    std::string scheme;
    std::string host;
    int port = 0;
    std::string path;  // with its query; "/" at least
};

std::optional<ParsedUrl> parse_url(const std::string& url) {
    ParsedUrl u;
    size_t rest = 0;
    if (url.starts_with("https://")) {
        u.scheme = "HTTPS";
        u.port = 443;
        rest = 8;
    } else if (url.starts_with("http://")) {
        u.scheme = "HTTP";
        u.port = 80;
        rest = 7;
    } else {
        return std::nullopt;
    }
    const size_t slash = url.find_first_of("/?", rest);
    std::string authority = url.substr(rest, slash == std::string::npos ? slash : slash - rest);
    u.path = slash == std::string::npos ? "/" : url.substr(slash);
    if (u.path[0] == '?') u.path = "/" + u.path;
    size_t colon = authority.rfind(':');
    if (authority.starts_with('[')) {  // [::1]:8080
        const size_t close = authority.find(']');
        if (close == std::string::npos) return std::nullopt;
        colon = close + 1 < authority.size() && authority[close + 1] == ':' ? close + 1
                                                                            : std::string::npos;
        u.host = authority.substr(1, close - 1);
    } else {
        u.host = authority.substr(0, colon);
    }
    if (colon != std::string::npos) {
        const std::string port = authority.substr(colon + 1);
        if (port.empty() || port.size() > 5 ||
            port.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        u.port = std::stoi(port);
        if (u.port < 1 || u.port > 65535) return std::nullopt;
    }
    if (u.host.empty() || u.host.find_first_of("@ ") != std::string::npos) return std::nullopt;
    return u;
}

/// The path's segments, without its query.
std::vector<std::string> path_segments(const std::string& path) {
    std::vector<std::string> out;
    const std::string bare = path.substr(0, path.find('?'));
    size_t i = 0;
    while (i < bare.size()) {
        const size_t next = bare.find('/', i);
        const std::string seg = bare.substr(i, next == std::string::npos ? next : next - i);
        if (!seg.empty()) out.push_back(seg);
        if (next == std::string::npos) break;
        i = next + 1;
    }
    return out;
}

/// `path` with `query` ("a=b&c=d") added.
std::string with_query(const std::string& path, const std::string& query) {
    return path + (path.find('?') == std::string::npos ? "?" : "&") + query;
}

/// `path` (no query) with `/suffix` added, before any query.
std::string with_suffix(const std::string& path, const std::string& suffix) {
    const size_t q = path.find('?');
    std::string bare = path.substr(0, q);
    while (bare.size() > 1 && bare.back() == '/') bare.pop_back();
    return (bare == "/" ? "" : bare) + "/" + suffix +
           (q == std::string::npos ? "" : path.substr(q));
}

}  // namespace

void SpecReader::monitors(const YAML::Node& node, Spec& spec) {
    if (!node.IsSequence()) {
        problem(node,
                "monitor must be a list of services to ping, e.g. [{type: healthchecks, url: "
                "https://hc-ping.com/UUID}]");
        return;
    }
    std::vector<Hook> starts;
    std::vector<Hook> ends;
    std::set<std::string> names;
    size_t index = 0;
    for (const auto& m : node) {
        const std::string label = "monitor[" + std::to_string(index++) + "]";
        if (!check_map(m, label, kMonitorKeys)) continue;
        require(m, "type", label);
        if (!field(m, "type")) continue;
        const auto type_name = string_value(field(m, "type"), label + ".type", false);
        if (!type_name) continue;
        if (std::find(kMonitorTypes.begin(), kMonitorTypes.end(), *type_name) ==
            kMonitorTypes.end()) {
            problem(field(m, "type"), label + ".type must be " + one_of(kMonitorTypes) + ", not " +
                                          quote(*type_name));
            continue;
        }
        const std::string& type = *type_name;
        std::string name = type;
        if (auto n = field(m, "name"))
            name = string_value(n, label + ".name", false).value_or(name);
        if (!names.insert(name).second) {
            problem(m, "two monitors are named " + quote(name) + "; give each a unique name");
            continue;
        }
        const std::string what = "monitor " + quote(name);
        for (const char* key : {"name", "url", "pingKey", "slug", "title", "priority"})
            if (auto n = m[key]) not_a_template(n, what + " " + key);
        auto allowed_for = [&](const char* key, std::vector<std::string_view> types) {
            if (m[key] && std::find(types.begin(), types.end(), type) == types.end())
                problem(m[key], what + ": " + key + " applies to " + one_of(types) + " monitors");
        };
        allowed_for("pingKey", {"healthchecks"});
        allowed_for("slug", {"healthchecks"});
        allowed_for("bodyLimit", {"healthchecks", "webhook"});
        allowed_for("body", {"webhook"});
        allowed_for("title", {"ntfy"});
        allowed_for("priority", {"ntfy"});
        allowed_for("tags", {"ntfy"});

        // Where to send it, and what in the URL is a secret (a uuid, a key, a topic, a token).
        std::string url;
        if (auto n = field(m, "url")) url = string_value(n, what + " url", false).value_or("");
        std::vector<std::string> secret_parts;
        const bool ping_key = field(m, "pingKey") || field(m, "slug");
        if (ping_key) {
            require(m, "pingKey", what);
            require(m, "slug", what);
            const std::string key =
                field(m, "pingKey")
                    ? string_value(field(m, "pingKey"), what + " pingKey", false).value_or("")
                    : "";
            const std::string slug =
                field(m, "slug")
                    ? string_value(field(m, "slug"), what + " slug", false).value_or("")
                    : "";
            if (url.empty()) url = "https://hc-ping.com";
            while (url.ends_with('/')) url.pop_back();
            url += "/" + key + "/" + slug;
            if (!key.empty()) secret_parts.push_back(key);
        } else if (!field(m, "url")) {
            problem(m, what + " has no url: give the service's URL" +
                           (type == "healthchecks" ? std::string(" (or pingKey and slug)") : ""));
            continue;
        }
        auto parsed = parse_url(url);
        if (!parsed) {
            problem(field(m, "url") ? field(m, "url") : YAML::Node(m),
                    what + " url " + quote(url) + " is not an http:// or https:// URL with a host");
            continue;
        }
        const auto segments = path_segments(parsed->path);
        if (!ping_key) {
            if (type == "cronitor") {  // /p/API_KEY/MONITOR_KEY: the key, not the job's name
                if (segments.size() >= 2) secret_parts.push_back(segments[segments.size() - 2]);
            } else if (type == "webhook") {  // /services/T0/B0/TOKEN and the like
                for (const auto& seg : segments)
                    if (seg.size() >= 16 ||
                        (seg.size() >= 8 && seg.find_first_of("0123456789") != std::string::npos))
                        secret_parts.push_back(seg);
            } else if (!segments.empty()) {  // the uuid, the topic, the push token
                secret_parts.push_back(segments.back());
            }
            if (segments.empty())
                problem(field(m, "url"), what + " url " + quote(url) +
                                             " has no path: give the full URL with its " +
                                             (type == "ntfy" ? "topic" : "key or token"));
        }
        if (const size_t q = parsed->path.find('?'); q != std::string::npos) {
            std::string query = parsed->path.substr(q + 1);
            for (size_t i = 0; i < query.size();) {  // each value of the query is a secret
                const size_t amp = std::min(query.find('&', i), query.size());
                const size_t eq = query.find('=', i);
                if (eq < amp && eq + 1 < amp)
                    secret_parts.push_back(query.substr(eq + 1, amp - eq - 1));
                i = amp + 1;
            }
        }

        // The settings every hook of this monitor shares.
        Hook base;
        base.timeout = std::chrono::seconds(10);
        base.retry = {2, std::chrono::seconds(1), true};
        base.on_error = OnError::Continue;
        base.location = at(m);
        base.secrets = secret_parts;
        hook_settings(m, base, what);  // timeout, retry (onError is not a monitor key)
        if (auto n = field(m, "required"))
            if (bool_value(n, what + " required").value_or(false)) base.on_error = OnError::Fail;
        HttpAction http;
        http.scheme = parsed->scheme;
        http.host = parsed->host;
        http.port = parsed->port;
        http.path = parsed->path;
        if (auto n = field(m, "headers")) http_headers(n, what + " headers", http.headers);
        if (auto n = field(m, "tls")) {
            if (auto tls = tls_options(n, what + " tls")) http.tls = std::move(*tls);
        }
        if (auto n = field(m, "bodyLimit"))
            http.body_limit =
                static_cast<size_t>(int_value(n, what + " bodyLimit", 1, 10'000'000).value_or(0));
        else if (type == "healthchecks")
            http.body_limit = kHealthchecksBodyLimit;
        // Healthchecks and Cronitor pair a start with its end; the others have no start unless
        // asked (a webhook) or none at all (ntfy, Uptime Kuma: a push is a result).
        bool start = type == "healthchecks" || type == "cronitor";
        if (auto n = field(m, "start")) {
            if (type == "ntfy" || type == "uptimeKuma")
                problem(n, what + ": start applies to healthchecks, cronitor and webhook monitors");
            else
                start = bool_value(n, what + " start").value_or(start);
        }

        auto add = [&](Event event, HttpAction action) {
            Hook h = base;
            h.action = std::move(action);
            const char* suffix = event == Event::Start     ? "start"
                                 : event == Event::Success ? "success"
                                                           : "failure";
            h.name = "monitor " + name + " " + suffix;
            if (event == Event::Start) {
                h.stage = pre_stage(spec.kind);
                starts.push_back(std::move(h));
            } else {
                h.stage = post_stage(spec.kind);
                // A failure is reported once the session has no retry left (man page, MONITORS).
                h.policy = event == Event::Success ? ExecutionPolicy::OnSuccess
                                                   : ExecutionPolicy::OnFinalRetryFailure;
                ends.push_back(std::move(h));
            }
        };
        const std::string message(kMonitorMessage);
        if (type == "healthchecks") {  // healthchecks.io/docs/http_api/
            const std::string rid = "rid={{ .RunId }}";
            HttpAction ping = http;
            ping.path = with_query(with_suffix(http.path, "start"), rid);
            if (start) add(Event::Start, ping);
            ping = http;
            ping.post = true;
            ping.body = message;
            ping.path = with_query(http.path, rid);
            add(Event::Success, ping);
            ping.path = with_query(with_suffix(http.path, std::string(kExitStatus)), rid);
            add(Event::Failure, ping);
        } else if (type == "ntfy") {  // docs.ntfy.sh/publish/
            std::string title = "{{ .Name }} {{ .Status.Phase }}";
            if (auto n = field(m, "title"))
                title = string_value(n, what + " title").value_or(title);
            std::optional<std::string> priority;
            if (auto n = field(m, "priority")) {
                static const std::set<std::string> kPriorities = {
                    "1", "2", "3", "4", "5", "min", "low", "default", "high", "max", "urgent"};
                priority = string_value(n, what + " priority", false);
                if (priority && !kPriorities.contains(*priority))
                    problem(n, what +
                                   " priority must be 1 to 5 or min, low, default, high, max "
                                   "or urgent, not " +
                                   quote(*priority));
            }
            std::string tags;
            if (auto n = field(m, "tags"))
                for (const auto& t :
                     string_list(n, what + " tags").value_or(std::vector<std::string>{}))
                    tags += (tags.empty() ? "" : ",") + t;
            for (Event event : {Event::Success, Event::Failure}) {
                HttpAction post = http;
                post.post = true;
                post.body = message;
                post.headers.push_back({"Title", title});
                post.headers.push_back(
                    {"Priority", priority.value_or(event == Event::Success ? "default" : "high")});
                const std::string own =
                    event == Event::Success ? "white_check_mark" : "rotating_light";
                post.headers.push_back({"Tags", tags.empty() ? own : own + "," + tags});
                add(event, post);
            }
        } else if (type == "uptimeKuma") {  // Uptime Kuma's push monitor: /api/push/TOKEN
            for (Event event : {Event::Success, Event::Failure}) {
                HttpAction get = http;
                get.path = with_query(
                    http.path, std::string("status=") + (event == Event::Success ? "up" : "down") +
                                   "&msg=" + std::string(kQueryMessage) + "&ping=");
                add(event, get);
            }
        } else if (type == "cronitor") {  // Cronitor's telemetry API: /p/API_KEY/MONITOR_KEY
            const std::string common = "series={{ .RunId }}&host={{ .Hostname | urlquery }}";
            HttpAction get = http;
            get.path = with_query(http.path, "state=run&" + common);
            if (start) add(Event::Start, get);
            get.path =
                with_query(http.path, "state=complete&" + common +
                                          "&status_code=0&message=" + std::string(kQueryMessage));
            add(Event::Success, get);
            get.path = with_query(http.path, "state=fail&" + common +
                                                 "&status_code={{ .Status.ExitCode | default 1 }}" +
                                                 "&message=" + std::string(kQueryMessage));
            add(Event::Failure, get);
        } else {  // webhook: a POST of a templated body (examples/: Slack, Teams, Discord)
            HttpAction post = http;
            post.post = true;
            post.body = message;
            if (auto n = field(m, "body"))
                post.body = string_value(n, what + " body").value_or(message);
            if (start) add(Event::Start, post);
            add(Event::Success, post);
            add(Event::Failure, post);
        }
    }
    // Templates the user wrote (title, headers, body) are checked as a hook's are.
    for (auto& h : starts) check_templates(h, "hook " + quote(h.name));
    for (auto& h : ends) check_templates(h, "hook " + quote(h.name));
    auto& pre = spec.hooks[starts.empty() ? pre_stage(spec.kind) : starts.front().stage];
    pre.insert(pre.begin(), starts.begin(), starts.end());
    if (pre.empty()) spec.hooks.erase(pre_stage(spec.kind));
    auto& post = spec.hooks[post_stage(spec.kind)];
    post.insert(post.end(), ends.begin(), ends.end());
    if (post.empty()) spec.hooks.erase(post_stage(spec.kind));
}

}  // namespace stash_hook

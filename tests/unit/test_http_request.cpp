#include <doctest/doctest.h>

#include <cstdlib>

#include "net/http_request.hpp"

using namespace stash_hook;

TEST_CASE("forms encode as Go's url.Values: keys sorted, values in order") {
    std::vector<FormField> form = {{"z", {"1"}}, {"a b", {"x&y", "ü", ""}}, {"m", {"hello world"}}};
    CHECK(encode_form(form) == "a+b=x%26y&a+b=%C3%BC&a+b=&m=hello+world&z=1");
}

TEST_CASE("Location headers resolve against the current target") {
    HttpTarget cur{false, "api.local", 8080, "/v1/hooks/start?x=1"};
    SUBCASE("absolute path") {
        auto t = resolve_location(cur, "/other?y=2").value();
        CHECK(t.host == "api.local");
        CHECK(t.port == 8080);
        CHECK(t.path == "/other?y=2");
    }
    SUBCASE("relative path") {
        CHECK(resolve_location(cur, "done").value().path == "/v1/hooks/done");
    }
    SUBCASE("absolute URL with port") {
        auto t = resolve_location(cur, "https://Elsewhere.example:8443/p").value();
        CHECK(t.https);
        CHECK(t.host == "Elsewhere.example");
        CHECK(t.port == 8443);
        CHECK(t.path == "/p");
    }
    SUBCASE("absolute URL without path or port") {
        auto t = resolve_location(cur, "http://api.local").value();
        CHECK(t.port == 80);
        CHECK(t.path == "/");
    }
    SUBCASE("IPv6 literal") {
        auto t = resolve_location(cur, "http://[::1]:9000/x").value();
        CHECK(t.host == "::1");
        CHECK(t.port == 9000);
    }
    CHECK_FALSE(resolve_location(cur, "").has_value());
}

TEST_CASE("proxies come from the environment, except for NO_PROXY and loopback") {
    setenv("HTTP_PROXY", "http://user:secret@proxy.local:3128", 1);
    unsetenv("http_proxy");
    unsetenv("HTTPS_PROXY");
    unsetenv("https_proxy");
    setenv("NO_PROXY", "internal.example, .corp.example,db:5432", 1);
    HttpTarget t{false, "hooks.example", 80, "/"};
    auto p = proxy_from_environment(t);
    REQUIRE(p.has_value());
    CHECK(p->host == "proxy.local");
    CHECK(p->port == 3128);
    CHECK(p->user == "user");
    CHECK(p->password == "secret");
    CHECK_FALSE(proxy_from_environment({false, "internal.example", 80, "/"}).has_value());
    CHECK_FALSE(proxy_from_environment({false, "a.corp.example", 80, "/"}).has_value());
    CHECK_FALSE(proxy_from_environment({false, "db", 5432, "/"}).has_value());
    CHECK(proxy_from_environment({false, "db", 80, "/"}).has_value());
    CHECK_FALSE(proxy_from_environment({false, "127.0.0.1", 80, "/"}).has_value());
    CHECK_FALSE(proxy_from_environment({false, "localhost", 80, "/"}).has_value());
    CHECK_FALSE(
        proxy_from_environment({true, "hooks.example", 443, "/"}).has_value());  // no HTTPS_PROXY
    setenv("NO_PROXY", "*", 1);
    CHECK_FALSE(proxy_from_environment(t).has_value());
    unsetenv("HTTP_PROXY");
    unsetenv("NO_PROXY");
}

TEST_CASE("a Location port above 65535 is an error, not a wrap-around") {
    HttpTarget cur{false, "api.local", 8080, "/"};
    auto t = resolve_location(cur, "http://api.local:65616/x");
    REQUIRE_FALSE(t.has_value());
    CHECK(t.error().find("65616") != std::string::npos);
    CHECK_FALSE(resolve_location(cur, "http://api.local:0/").has_value());
    CHECK_FALSE(resolve_location(cur, "http://api.local:80x/").has_value());
    CHECK_FALSE(resolve_location(cur, "http://api.local:-1/").has_value());
    CHECK(resolve_location(cur, "http://api.local:65535/").value().port == 65535);
}

TEST_CASE(
    "a Location without a host is an error (fuzz_http_request found front() of an empty "
    "authority)") {
    HttpTarget cur{true, "api.local", 443, "/"};
    for (const char* location : {"https://", "http://user@", "//", "https://?q", "http:///path"}) {
        CAPTURE(location);
        auto t = resolve_location(cur, location);
        REQUIRE_FALSE(t.has_value());
        CHECK(t.error().rfind("no host in ", 0) == 0);
    }
}

TEST_CASE("redirects stay with the origin: scheme, host and port") {
    HttpTarget https{true, "Api.Local", 443, "/"};
    CHECK(same_origin(https, {true, "api.local", 443, "/other"}));
    CHECK_FALSE(
        same_origin(https, {false, "api.local", 443, "/"}));  // a downgrade on the same port
    CHECK_FALSE(same_origin(https, {true, "api.local", 8443, "/"}));
    CHECK_FALSE(same_origin(https, {true, "evil.local", 443, "/"}));
}

TEST_CASE("header names must be tokens and values must not hold CR, LF or NUL") {
    CHECK(check_header("X-Trace", "abc 123\t!").has_value());
    auto crlf = check_header("X-Note", "a\r\nX-Injected: 1");
    REQUIRE_FALSE(crlf.has_value());
    CHECK(crlf.error() == "header X-Note: value contains CR or LF");
    CHECK_FALSE(check_header("X-Note", "a\nb").has_value());
    CHECK_FALSE(check_header("X-Note", std::string("a\0b", 3)).has_value());
    CHECK_FALSE(check_header("Bad Name", "v").has_value());
    CHECK_FALSE(check_header("Bad\r\nName", "v").has_value());
    CHECK_FALSE(check_header("", "v").has_value());
}

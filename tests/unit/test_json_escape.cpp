#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "util/json_escape.hpp"

using stash_hook::Escape;
using stash_hook::escaped;

TEST_CASE("Escape::Json writes every ASCII byte as nlohmann::json's dump does") {
    for (int c = 0; c < 0x80; ++c) {
        const std::string s = std::string("a") + static_cast<char>(c) + "b";
        CAPTURE(c);
        CHECK("\"" + escaped(s, Escape::Json) + "\"" == nlohmann::json(s).dump());
    }
    CHECK(escaped("caf\xC3\xA9", Escape::Json) == "caf\xC3\xA9");
}

TEST_CASE("Escape::GoJson is Go's encoding/json: HTML-safe, bad bytes become U+FFFD") {
    CHECK(escaped("<a href=\"x\">&</a>", Escape::GoJson) ==
          "\\u003ca href=\\\"x\\\"\\u003e\\u0026\\u003c/a\\u003e");
    CHECK(escaped("\b\f\n\r\t\x01\x7f", Escape::GoJson) == "\\u0008\\u000c\\n\\r\\t\\u0001\x7f");
    CHECK(escaped("bad \xff \xE2\x80\xA8 \xE2\x80\xA9 \xC3\xA9", Escape::GoJson) ==
          "bad \\ufffd \\u2028 \\u2029 \xC3\xA9");
}

TEST_CASE("Escape::GoQuote is Go's strconv.Quote inside the quotes") {
    CHECK(escaped("\a\b\f\v\n\r\t\"\\", Escape::GoQuote) == "\\a\\b\\f\\v\\n\\r\\t\\\"\\\\");
    CHECK(escaped("\x01\x1f\x7f<&>", Escape::GoQuote) == "\\x01\\x1f\\x7f<&>");
    CHECK(escaped("\xC3\xA9", Escape::GoQuote) == "\xC3\xA9");
}

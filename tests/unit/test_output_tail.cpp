#include <doctest/doctest.h>

#include "util/output_tail.hpp"
#include "util/secrets.hpp"

using namespace stash_hook;

TEST_CASE("the output tail keeps everything while it fits") {
    OutputTail tail(8);
    tail.append("abc");
    tail.append("de");
    CHECK(tail.str() == "abcde");
    CHECK(tail.total() == 5);
    CHECK_FALSE(tail.truncated());
}

TEST_CASE("the output tail keeps only the last bytes, oldest first") {
    OutputTail tail(8);
    SUBCASE("small appends wrapping around") {
        for (char c = 'a'; c <= 'z'; ++c) tail.append(std::string(1, c));
        CHECK(tail.str() == "stuvwxyz");
    }
    SUBCASE("one append larger than the buffer") {
        tail.append("0123");
        tail.append("abcdefghijklmnop");
        CHECK(tail.str() == "ijklmnop");
    }
    SUBCASE("an append that straddles the end") {
        tail.append("0123456");
        tail.append("abcd");
        CHECK(tail.str() == "3456abcd");
    }
    CHECK(tail.truncated());
    CHECK(tail.str().size() == 8);
}

TEST_CASE("the output tail equals the last bytes of everything appended, for any split") {
    // The buffer grows while filling, then turns into a ring: every way of getting
    // there must agree with the plain model.
    for (size_t cap : {size_t{1}, size_t{7}, size_t{8}, size_t{64}}) {
        OutputTail tail(cap);
        std::string all;
        unsigned seed = 12345;
        for (int i = 0; i < 300; ++i) {
            seed = seed * 1103515245u + 12345u;
            const size_t n = (seed >> 16) % (2 * cap + 2);
            std::string piece;
            for (size_t j = 0; j < n; ++j) piece += static_cast<char>('a' + (all.size() + j) % 26);
            tail.append(piece);
            all += piece;
            const std::string expected = all.size() <= cap ? all : all.substr(all.size() - cap);
            REQUIRE(tail.str() == expected);
            REQUIRE(tail.truncated() == (all.size() > cap));
        }
    }
}

TEST_CASE("the output tail stays bounded however much is appended") {
    OutputTail tail(4096);
    const std::string chunk(65536, 'x');
    for (int i = 0; i < 1600; ++i) tail.append(chunk);  // 100 MiB
    tail.append("END");
    CHECK(tail.total() == 1600ull * 65536 + 3);
    CHECK(tail.str().size() == 4096);
    CHECK(tail.str().substr(4093) == "END");
    CHECK(tail.capacity() == 4096);
}

TEST_CASE("the piece of a secret that the tail's cut leaves is masked, and only then") {
    secrets::clear();
    secrets::add("  top-secret-value\n");  // trimmed
    OutputTail tail(16);
    SUBCASE("cut inside the secret") {
        tail.append("xx top-secret-value ok");  // keeps "-secret-value ok": the end of the secret
        CHECK(tail.str() == "*** ok");
    }
    SUBCASE("a whole secret in the tail") {
        tail.append("top-secret-value");
        CHECK(tail.str() == "***");
    }
    SUBCASE("nothing cut: the tail is as written") {
        tail.append("value ok");
        CHECK(tail.str() == "value ok");
    }
    secrets::clear();
}

TEST_CASE("a multi-line secret is registered whole, by line and as JSON spells it") {
    secrets::clear();
    secrets::add("-----BEGIN KEY-----\nAAAAline-one\r\nab\nBBBB\"quoted\"\n");
    CHECK(secrets::redact("AAAAline-one") == "***");
    CHECK(secrets::redact("x BBBB\"quoted\" y") == "x *** y");
    CHECK(secrets::redact("ab") == "ab");  // a line too short to be a secret of its own
    CHECK(secrets::redact(R"({"k": "BBBB\"quoted\""})") == R"({"k": "***"})");
    CHECK(secrets::redact(R"("-----BEGIN KEY-----\nAAAAline-one\r\nab\nBBBB\"quoted\"")") ==
          R"("***")");
    CHECK(secrets::redact_and_shorten("0123456789 AAAAline-one tail", 14) == "0123456789 ***...");
    secrets::clear();
}

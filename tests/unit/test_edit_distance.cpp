#include <doctest/doctest.h>

#include "util/edit_distance.hpp"

using namespace stash_hook;

TEST_CASE("edit distance counts insertions, deletions and substitutions") {
    CHECK(edit_distance("timeout", "timeout") == 0);
    CHECK(edit_distance("timout", "timeout") == 1);
    CHECK(edit_distance("tiemout", "timeout") == 1);  // a swap of neighbours
    CHECK(edit_distance("exce", "exec") == 1);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("Timeout", "timeout") == 0);
}

TEST_CASE("closest match suggests plausible typos only") {
    const std::vector<std::string_view> keys = {"timeout", "retry", "onError", "executionPolicy"};
    CHECK(closest_match("timout", keys).value() == "timeout");
    CHECK(closest_match("onerror", keys).value() == "onError");
    CHECK(closest_match("executionPolicyy", keys).value() == "executionPolicy");
    CHECK_FALSE(closest_match("banana", keys).has_value());
    CHECK_FALSE(closest_match("x", keys).has_value());
}

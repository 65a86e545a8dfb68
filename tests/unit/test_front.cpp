// The facts that have one home in util/: ASCII case mapping and Prometheus text.

#include <doctest/doctest.h>

#include "util/prometheus.hpp"
#include "util/text.hpp"

using namespace stash_hook;

TEST_CASE("ASCII case mapping is defined for every byte and changes only A-Z and a-z") {
    CHECK(ascii_lower("Content-Type") == "content-type");
    CHECK(ascii_upper("https") == "HTTPS");
    std::string all;
    for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
    const std::string lower = ascii_lower(all);
    const std::string upper = ascii_upper(all);
    for (int b = 0; b < 256; ++b) {
        CAPTURE(b);
        const bool is_upper = b >= 'A' && b <= 'Z', is_lower = b >= 'a' && b <= 'z';
        CHECK(static_cast<unsigned char>(lower[b]) == (is_upper ? b + 32 : b));
        CHECK(static_cast<unsigned char>(upper[b]) == (is_lower ? b - 32 : b));
    }
}

TEST_CASE("Prometheus text: one HELP and TYPE per family, in first-added order, labels escaped") {
    PrometheusText text;
    text.add("b_total", "Bs.", "phase=\"" + prometheus_label("a\"b\\c\nd") + "\"", 2, "counter");
    text.add("a", "As.", "", 1);
    text.add("b_total", "Bs.", "phase=\"x\"", 0.5, "counter");
    CHECK(text.str() ==
          "# HELP b_total Bs.\n# TYPE b_total counter\nb_total{phase=\"a\\\"b\\\\c\\nd\"} "
          "2\nb_total{phase=\"x\"} 0.5\n"
          "# HELP a As.\n# TYPE a gauge\na 1\n");
}

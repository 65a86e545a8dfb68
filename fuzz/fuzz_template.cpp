// Any bytes as a hook template: parse, check fields and render against the real
// data shape, and Go-JSON-encode the result, without crashing or hanging.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "spec/hook_template.hpp"
#include "template/template.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace stash_hook;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = tmpl::Template::parse(text);
    if (!parsed) return 0;
    (void)parsed->check_fields(template_schema());
    tmpl::Value sample = template_schema();
    sample["Status"]["Error"] = "quote \" backslash \\ newline \n <tag>";
    sample["Task"]["Command"] = {"restic", "backup", "/data"};
    // The step budget bounds the work; the deadline is what a hook's timeout is in
    // production, so that libFuzzer's -timeout=10 always holds.
    tmpl::RenderLimits limits;
    limits.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    auto rendered = parsed->render(sample, limits);
    if (rendered) (void)tmpl::go_json(*rendered);
    return 0;
}

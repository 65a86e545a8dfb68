// Any bytes as a spec: the loader must return problems or a spec, never crash, hang
// or blow up memory.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "spec/spec_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto result = stash_hook::load_spec_text(text, "fuzz.yaml");
    for (const auto& p : result.problems) (void)p.str();
    return 0;
}

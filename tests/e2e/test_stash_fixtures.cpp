// Every hook example of Stash's and KubeStash's docs (tests/fixtures/, sources in their
// README.md) read, planned and run as their operators would run them.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kStashFixtures = std::string(STASH_HOOK_FIXTURES) + "/stash";

std::vector<std::string> fixtures(const std::string& dir) {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

std::string indented(const std::string& text, const std::string& indent) {
    std::string out;
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string::npos) nl = text.size();
        out += indent + text.substr(start, nl - start) + "\n";
        start = nl + 1;
    }
    return out;
}

/// A fixture as a manifest: a whole manifest as it is; a fragment of spec (hooks: or one
/// stage) placed, unchanged, under a BackupConfiguration's (RestoreSession's) spec.
std::string manifest_text(const std::string& path) {
    const std::string text = test::read_file(path);
    if (fs::path(path).filename().string().rfind("fragment-", 0) != 0) return text;
    const bool restore = text.find("Restore:") != std::string::npos;
    std::string out = std::string("apiVersion: stash.appscode.com/v1beta1\nkind: ") +
                      (restore ? "RestoreSession" : "BackupConfiguration") +
                      "\nmetadata:\n  name: fragment\n  namespace: demo\nspec:\n"
                      "  target:\n    ref:\n      apiVersion: apps/v1\n      kind: Deployment\n      name: app\n";
    if (text.rfind("hooks:", 0) == 0) return out + indented(text, "  ");
    return out + "  hooks:\n" + indented(text, "    ");
}

}  // namespace

TEST_CASE("every Stash docs hook example validates and plans unchanged") {
    const auto files = fixtures(kStashFixtures);
    CHECK(files.size() >= 25);
    test::TempDir dir;
    for (const auto& file : files) {
        CAPTURE(file);
        const std::string spec = dir / fs::path(file).filename().string();
        test::write_file(spec, manifest_text(file));
        auto valid = test::run_cli({"validate", "-f", spec});
        CHECK_MESSAGE(valid.exit_code == 0, valid.err);
        auto plan = test::run_cli({"plan", "-f", spec});
        CHECK_MESSAGE(plan.exit_code == 0, plan.err);
        CHECK(plan.out.find("task") != std::string::npos);
    }
}

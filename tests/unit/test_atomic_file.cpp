#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "util/atomic_file.hpp"

using namespace stash_hook;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
}  // namespace

TEST_CASE("an atomic file replaces the target only on commit") {
    const fs::path dir = fs::temp_directory_path() / ("atomic-" + std::to_string(getpid()));
    fs::create_directories(dir);
    const auto target = (dir / "status.json").string();
    std::ofstream(target) << "old";
    {
        AtomicFile file(target);
        REQUIRE(file.ok());
        file.write("new content");
        CHECK(slurp(target) == "old");  // not yet
        REQUIRE(file.commit().has_value());
    }
    CHECK(slurp(target) == "new content");
    {
        AtomicFile discarded(target);
        discarded.write("never");
    }  // destroyed without commit
    CHECK(slurp(target) == "new content");
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) ==
          1);  // no temp left
    fs::remove_all(dir);
}

TEST_CASE("an atomic file in a missing folder reports why") {
    auto result = write_file_atomically("/nonexistent-folder-for-test/status.json", "x");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().find("No such file or directory") != std::string::npos);
}

// Exec hooks with containerName go through docker, podman or kubectl. Fake runtimes
// first on PATH record their argv and run the command, so the shapes are exact.

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "test_support.hpp"

using test::fill;
using test::run_cli;

namespace {

/// A fake runtime: appends its argv (one line, NUL-free) to {DIR}/argv and runs what
/// follows the container name (docker/podman) or "--" (kubectl).
void install_fake_runtimes(const test::TempDir& dir) {
    const std::string script = R"SH(#!/bin/sh
printf '%s' "$(basename "$0")" >> {DIR}/argv
for a in "$@"; do printf ' [%s]' "$a" >> {DIR}/argv; done
echo >> {DIR}/argv
if [ "$(basename "$0")" = kubectl ]; then
  while [ "$1" != "--" ]; do shift; done; shift
else
  shift 3
fi
exec "$@"
)SH";
    std::filesystem::create_directories(dir / "bin");
    for (const char* name : {"docker", "podman", "kubectl"})
        test::write_file(dir / ("bin/" + std::string(name)), fill(script, {{"DIR", dir.path()}}),
                         true);
}

}  // namespace

TEST_CASE("containerName runs exec hooks through docker, podman and kubectl with exact argv") {
    test::TempDir dir;
    install_fake_runtimes(dir);
    test::write_file(dir / "s.yaml", fill(R"(namespace: shop
pod: db-0
hooks:
  preBackup:
    - {name: in-container, containerName: postgres, exec: {command: [sh, -c, "echo inside $STASH_HOOK_STAGE"]}}
    - {name: on-host, exec: {command: [true]}}
)",
                                          {{"DIR", dir.path()}}));
    test::CliOptions opts;
    opts.env = {{"PATH", dir / "bin" + ":" + std::getenv("PATH")}};
    for (const char* runtime : {"docker", "podman", "kubectl"}) {
        CAPTURE(runtime);
        std::remove((dir / "argv").c_str());
        auto r = run_cli({"run", "-f", dir / "s.yaml", "--container-runtime", runtime,
                          "--status-file", dir / "st.json", "--", "true"},
                         opts);
        CHECK(r.exit_code == 0);
        const std::string rt = runtime;
        const std::string expected =
            rt == "kubectl"
                ? "kubectl [exec] [db-0] [-c] [postgres] [-i] [-n] [shop] [--] [sh] [-c] [echo "
                  "inside $STASH_HOOK_STAGE]\n"
                : rt + " [exec] [-i] [postgres] [sh] [-c] [echo inside $STASH_HOOK_STAGE]\n";
        CHECK(test::read_file(dir / "argv") == expected);
        // The output of the containerised command is captured like any exec hook's.
        CHECK(test::read_json(dir / "st.json")["hooks"][0]["output"] == "inside preBackup\n");
    }
}

TEST_CASE("containerRuntime in the spec, and its absence, are handled") {
    test::TempDir dir;
    install_fake_runtimes(dir);
    test::write_file(dir / "with.yaml",
                     "containerRuntime: podman\nhooks:\n  preBackup: {containerName: app, exec: "
                     "{command: [true]}}\n");
    test::write_file(dir / "without.yaml",
                     "hooks:\n  preBackup: {containerName: app, exec: {command: [true]}}\n");
    test::write_file(dir / "nopod.yaml",
                     "containerRuntime: kubectl\nhooks:\n  preBackup: {containerName: app, exec: "
                     "{command: [true]}}\n");
    test::CliOptions opts;
    opts.env = {{"PATH", dir / "bin" + ":" + std::getenv("PATH")}};
    CHECK(run_cli({"run", "-f", dir / "with.yaml", "--", "true"}, opts).exit_code == 0);
    CHECK(test::read_file(dir / "argv") == "podman [exec] [-i] [app] [true]\n");
    auto without = run_cli({"run", "-f", dir / "without.yaml", "--", "true"}, opts);
    CHECK(without.exit_code == 125);
    CHECK(without.err.find("has containerName app but no container runtime is set") !=
          std::string::npos);
    auto nopod = run_cli({"run", "-f", dir / "nopod.yaml", "--", "true"}, opts);
    CHECK(nopod.exit_code == 125);
    CHECK(nopod.err.find("needs pod:") != std::string::npos);
}

# The two commands of the quick start, and the ones behind them.
#   make demo           install what is missing, build, run a real restic backup with hooks
#   make test           install what is missing, build, run every test through CTest
#   make test-sanitize  the same suite built with AddressSanitizer and UBSan
#   make fuzz           build the libFuzzer targets with clang and run each FUZZ_SECONDS
#   make bench          Release build, then the side-by-side comparisons into docs/BENCHMARKS.md
#   make format-check   every C++ file in .clang-format's style (make format rewrites them)
#   make tidy           clang-tidy (.clang-tidy's checks) on the sources changed since .ci/tidy-clean
#   make tidy-all       clang-tidy on every source; on success records HEAD in .ci/tidy-clean

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# Debian packages the build, the tests and the demo need.
DEBS := cmake make g++ pkg-config ca-certificates procps netbase openssl dpkg-dev file man-db \
        python3 python3-yaml python3-jsonschema python3-prometheus-client zsh fish \
        libcli11-dev libyaml-cpp-dev libcpp-httplib-dev libspdlog-dev doctest-dev \
        nlohmann-json3-dev libssl-dev zlib1g-dev libbrotli-dev restic valgrind openssl \
        libre2-dev libutf8proc-dev
# Only `make test` needs these: robfig/cron for the cron oracle test, Go's Sprig for the
# template oracle test, faketime for serve's DST nights, lintian for the .deb, systemd
# (systemd-analyze) for the generated units.
TEST_DEBS := golang-go golang-github-robfig-cron-dev golang-github-masterminds-sprig-dev faketime lintian systemd
FUZZ_DEBS := clang-14 libclang-rt-14-dev
FUZZ_SECONDS ?= 60
FUZZ_SEED ?= 0
BENCH_DEBS := hyperfine borgbackup borgmatic time curl
# make format-check and make tidy: the style and the bug checks CI runs.
LINT_DEBS := clang-format-14 clang-tidy-14
CLANG_FORMAT ?= clang-format-14

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps configure build test demo package bench clean test-sanitize fuzz fuzz-deps install-debs \
        lint-deps format format-check tidy tidy-all

all: build

deps:
	@$(MAKE) --no-print-directory install-debs PACKAGES="$(DEBS)"

test-deps:
	@$(MAKE) --no-print-directory install-debs PACKAGES="$(DEBS) $(TEST_DEBS)"

fuzz-deps:
	@$(MAKE) --no-print-directory install-debs PACKAGES="$(DEBS) $(FUZZ_DEBS)"

install-debs:
	@missing=$$(for p in $(PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

configure: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_ARGS)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: test-deps
	@$(MAKE) --no-print-directory build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) $(CTEST_ARGS)

demo: build
	BUILD_DIR=$(BUILD_DIR) examples/demo/run-demo.sh

test-sanitize: deps
	cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DSTASH_HOOK_SANITIZE=address;undefined" $(CMAKE_ARGS)
	cmake --build build-sanitize -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir build-sanitize --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# Each fuzzer runs on a copy of its seed corpus (the tree's stays as committed);
# a crash stops with the input saved under build-fuzz/artifacts/. FUZZ_SEED=0 (the
# default) draws a new random seed each run; CI passes a fixed one so that a gate
# run is repeatable, and longer runs by hand explore further.
fuzz: fuzz-deps
	CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DSTASH_HOOK_FUZZ=ON -DSTASH_HOOK_BUILD_TESTS=OFF
	cmake --build build-fuzz -j $(JOBS) --target fuzz_spec_loader fuzz_template fuzz_http_request fuzz_schedule
	@mkdir -p build-fuzz/artifacts
	@for t in spec_loader template http_request schedule; do \
	  corpus=build-fuzz/corpus-$$t; rm -rf $$corpus; mkdir -p $$corpus; \
	  cp fuzz/corpus/$${t%_loader}/* $$corpus/; \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS)s"; \
	  build-fuzz/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -seed=$(FUZZ_SEED) -timeout=10 -rss_limit_mb=2048 \
	    -max_len=65536 -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/ $$corpus || exit 1; \
	done

lint-deps:
	@$(MAKE) --no-print-directory install-debs PACKAGES="$(LINT_DEBS)"

# Every C++ file of the tree in .clang-format's style: `make format` rewrites them,
# `make format-check` (CI) lists the ones that differ and fails.
format: lint-deps
	git ls-files '*.cpp' '*.hpp' | xargs $(CLANG_FORMAT) -i

format-check: lint-deps
	@bad=$$(git ls-files '*.cpp' '*.hpp' | while read -r f; do \
	  $(CLANG_FORMAT) --dry-run -Werror "$$f" >/dev/null 2>&1 || echo "$$f"; done); \
	if [ -n "$$bad" ]; then echo "not formatted (run make format):"; echo "$$bad"; exit 1; fi; \
	echo "format-check: every C++ file matches .clang-format"

# clang-tidy with .clang-tidy's checks. `make tidy` (CI) checks only the sources changed
# since the commit in .ci/tidy-clean, where the whole tree last passed, so CI stays bounded;
# `make tidy-all` checks every source (~25 minutes on 2 cores) and, on a clean tree, records
# HEAD there (commit the file). A per-file cache outside the clone skips what passed before.
tidy: lint-deps
	@$(MAKE) --no-print-directory build
	JOBS=$(JOBS) .ci/tidy $(BUILD_DIR) $$(cat .ci/tidy-clean 2>/dev/null)

tidy-all: lint-deps
	@$(MAKE) --no-print-directory build
	JOBS=$(JOBS) .ci/tidy $(BUILD_DIR)
	@if git diff --quiet HEAD -- lib app .clang-tidy; then git rev-parse HEAD > .ci/tidy-clean; \
	  echo "tidy-all: the whole tree passes; recorded $$(cat .ci/tidy-clean) in .ci/tidy-clean"; \
	else echo "tidy-all: passed with uncommitted changes in lib/ or app/: commit, then run again to record"; fi

package: build
	cd $(BUILD_DIR) && cpack -G DEB

bench:
	@$(MAKE) --no-print-directory install-debs PACKAGES="$(DEBS) $(BENCH_DEBS)"
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DSTASH_HOOK_BUILD_TESTS=OFF
	cmake --build build-bench -j $(JOBS) --target stash-hook stash-hook-demo-endpoint
	BENCH_BUILD_DIR=$(CURDIR)/build-bench bench/run.sh

clean:
	rm -rf $(BUILD_DIR) build-sanitize build-fuzz build-bench

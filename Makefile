# The two commands of the quick start, and the ones behind them.
#   make demo   install what is missing, build, run a real restic backup with hooks
#   make test   install what is missing, build, run every test through CTest

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# Debian packages the build, the tests and the demo need.
DEBS := cmake make g++ pkg-config ca-certificates procps netbase openssl \
        libcli11-dev libyaml-cpp-dev libcpp-httplib-dev libspdlog-dev doctest-dev \
        nlohmann-json3-dev libssl-dev zlib1g-dev libbrotli-dev restic

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps configure build test demo clean

all: build

deps:
	@missing=$$(for p in $(DEBS); do \
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

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) $(CTEST_ARGS)

demo: build
	BUILD_DIR=$(BUILD_DIR) examples/demo/run-demo.sh

clean:
	rm -rf $(BUILD_DIR)

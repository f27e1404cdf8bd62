# flametop — build, run, test. Needs Debian 12 (or similar) with the Swift toolchain on PATH,
# and root for eBPF. Missing apt packages are installed by `make deps`.

SWIFT ?= swift
APT_PACKAGES := pkg-config libbpf-dev libelf-dev libdw-dev libiberty-dev elfutils libncurses-dev tmux gcc g++ binutils libc6-dbg libcap2-bin util-linux openssl libdebuginfod-dev debuginfod curl zlib1g-dev protobuf-compiler golang-go rustc
BENCH_PACKAGES := linux-perf bpftrace time bc tmux
# `make release` copies the built binary to dist/: stripped, with its debug info in
# dist/flametop.debug, linked by .gnu_debuglink and the build-id (flametop still names its own frames).
RELEASE_BIN := dist/flametop

# Suites that load BPF programs or drive a terminal are named *SystemTests and run
# one at a time; everything else runs in parallel.
SYSTEM_TESTS := SystemTests

.PHONY: all deps build release run test unit-test system-test bench soak screenshots clean

all: build

deps:
	@missing=""; for p in $(APT_PACKAGES) $(EXTRA_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "swift not found: install the Swift toolchain (see README, Prerequisites)"; exit 1; }

build: deps
	$(SWIFT) build

# The release link is made twice when the function order changed: once to train
# on (scripts/order-functions.sh: `record` runs under callgrind, root only),
# once with the order it writes; the order of the last build is used for the first.
# SwiftPM does not know the script is an input of the link: the binary is removed
# so that the link is made again.
LINK_MAP := $(CURDIR)/.build/flametop.map
FUNCTION_ORDER := $(CURDIR)/.build/function-order.ld
RELEASE_BUILD = FLAMETOP_LINK_MAP=$(LINK_MAP) $(SWIFT) build -c release --static-swift-stdlib --product flametop

# The Swift runtime and Foundation are linked in statically: measured on the ground
# truth at 999 Hz, 4.5 MB less peak RSS and ~10 ms faster to start than with the
# toolchain's shared libraries (docs/BENCHMARKS.md).
release: EXTRA_PACKAGES += valgrind
release: deps
	$(if $(wildcard $(FUNCTION_ORDER)),FLAMETOP_FUNCTION_ORDER=$(FUNCTION_ORDER)) $(RELEASE_BUILD)
	@if bash scripts/order-functions.sh .build/release/flametop $(LINK_MAP) $(FUNCTION_ORDER).new; then \
	  if cmp -s $(FUNCTION_ORDER).new $(FUNCTION_ORDER); then rm $(FUNCTION_ORDER).new; \
	  else mv $(FUNCTION_ORDER).new $(FUNCTION_ORDER); echo "release: linking again, in the trained order"; \
	    rm -f .build/release/flametop; \
	    FLAMETOP_FUNCTION_ORDER=$(FUNCTION_ORDER) $(RELEASE_BUILD); fi; \
	else echo "release: functions keep the order they were linked in (the reason is above): about 2.4 MB more peak RSS"; fi
	@hot=$$(readelf -SW .build/release/flametop | awk '/\.text\.flametop_hot/ {for (i = 1; i < NF; i++) if ($$i == "PROGBITS") print $$(i + 3)}'); \
	  if [ -n "$$hot" ]; then echo "release: $$((0x$$hot / 1024)) KB of code in the trained order (.text.flametop_hot)"; fi
	@! nm .build/release/flametop | grep -q icudt || { echo "release: Foundation's ICU tables are linked in: a file of flametop's own imports Foundation instead of FoundationEssentials"; exit 1; }
	@mkdir -p dist
	objcopy --only-keep-debug .build/release/flametop dist/flametop.debug
	objcopy --strip-all --add-gnu-debuglink=dist/flametop.debug .build/release/flametop dist/flametop.new
	mv dist/flametop.new dist/flametop
	@ls -l dist/flametop dist/flametop.debug

run: release
	$(RELEASE_BIN) $(ARGS)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip $(SYSTEM_TESTS)
	$(SWIFT) test --skip-build --no-parallel --filter $(SYSTEM_TESTS)

bench: EXTRA_PACKAGES = $(BENCH_PACKAGES)
bench: release
	bash scripts/bench.sh

# 300 s x 1000 Hz x --all on busy cores with many distinct stacks: memory must plateau.
soak: release
	bash scripts/soak.sh

screenshots: EXTRA_PACKAGES = python3-pil fonts-dejavu-core
screenshots: release
	bash scripts/screenshots.sh

clean:
	$(SWIFT) package clean
	rm -rf dist

# Regenerates Sources/Service/Generated from proto/ (builds the protoc plugins once, slowly).
.PHONY: proto
proto:
	bash scripts/generate-proto.sh

# Firebreak: the two commands of the project are `make run` and `make test`.
SWIFT ?= swift
DEV_ACCESS_KEY ?= firebreak-dev-key

.PHONY: run test build bench embed-config deps test-deps verify-docker soak fuzz fuzz-build fuzz-smoke

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	$(SWIFT) build -c release --product firebreak

# Builds and runs the service on its embedded default (127.0.0.1:8080) with the development key.
run: build
	FIREBREAK_ACCESS_KEY=$${FIREBREAK_ACCESS_KEY:-$(DEV_ACCESS_KEY)} MALLOC_ARENA_MAX=$${MALLOC_ARENA_MAX:-2} .build/release/firebreak serve

# Installs what the tests need and runs every test, then the fuzz smoke (every libFuzzer target for 30 s) and
# docker/verify.sh; the exit code is non-zero when any fails. `make test VERIFY_DOCKER=0 FUZZ_SMOKE=0` leaves
# the container checks and the fuzz smoke out locally (CI runs them).
VERIFY_DOCKER ?= 1
FUZZ_SMOKE ?= 1
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	@if [ "$(FUZZ_SMOKE)" = 1 ]; then $(MAKE) fuzz-smoke; else echo "fuzz smoke skipped (FUZZ_SMOKE=0)"; fi
	@if [ "$(VERIFY_DOCKER)" = 1 ]; then bash docker/verify.sh; else echo "docker/verify.sh skipped (VERIFY_DOCKER=0)"; fi

# Proves docker/ (Dockerfile, ECS task definition, systemd unit) without a container engine: builds the
# image's binary as the Dockerfile does, assembles its file system in a debootstrap'd Debian root, runs it.
verify-docker: test-deps
	bash docker/verify.sh

# Release-built benchmarks; figures go to Benchmarks/results.json. The end-to-end benchmark runs the firebreak
# product of the same release build as a child process.
bench: deps
	$(SWIFT) build -c release --product firebreak-bench
	$(SWIFT) build -c release --product firebreak
	.build/release/firebreak-bench --output Benchmarks/results.json

# Regenerates the embedded copy of config/firebreak.yaml after it was edited.
embed-config:
	python3 scripts/embed-config.py

# 10 minutes of steady deliveries, resident memory sampled every 10 s (SOAK_SECONDS to change the length).
SOAK_SECONDS ?= 600
soak:
	bash scripts/soak.sh --seconds $(SOAK_SECONDS)

# libFuzzer targets (Fuzz/): builds the fuzzer binary, seeds the corpora, runs every target for FUZZ_SECONDS
# (FUZZ_TARGETS to pick some). Fails, naming the input, when a target crashes, hangs or runs out of memory.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

fuzz-build: deps
	$(SWIFT) build --product firebreak-fuzz --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address \
		-Xswiftc -DFIREBREAK_FUZZING --scratch-path .build-fuzz

fuzz: fuzz-build
	python3 Fuzz/seed.py .build-fuzz/corpus
	FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh $(FUZZ_TARGETS)

# The CI smoke: every target for 30 s.
fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=30

# Firebreak: the two commands of the project are `make run` and `make test`.
SWIFT ?= swift
DEV_ACCESS_KEY ?= firebreak-dev-key

.PHONY: run test build bench embed-config deps test-deps

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

build: deps
	$(SWIFT) build -c release --product firebreak

# Builds and runs the service on its embedded default (127.0.0.1:8080) with the development key.
run: build
	FIREBREAK_ACCESS_KEY=$${FIREBREAK_ACCESS_KEY:-$(DEV_ACCESS_KEY)} .build/release/firebreak serve

# Installs what the tests need and runs every test; the exit code is swift test's.
test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Release-built benchmarks; figures go to Benchmarks/results.json.
bench: deps
	$(SWIFT) build -c release --product firebreak-bench
	.build/release/firebreak-bench --output Benchmarks/results.json

# Regenerates the embedded copy of config/firebreak.yaml after it was edited.
embed-config:
	python3 scripts/embed-config.py

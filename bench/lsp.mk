# `make bench-lsp`: the language server's time from a change in an unsaved
# values buffer to its diagnostics, on the fixture chart (target: median
# <= 30 ms) and, when the shared public charts are present, on each of them.
# Included from the Makefile; uses bench.mk's release build.
#
#   make bench-lsp                         the fixture chart and the public charts, 200 changes each
#   make bench-lsp BENCH_LSP_CHANGES=50    fewer changes

BENCH_LSP_CHANGES ?= 200
BENCH_LSP_CHARTS  ?= $(wildcard ../shared/charts/*/Chart.yaml)

.PHONY: bench-lsp

bench-lsp: bench-build
	$(PYTHON) bench/lsp_bench.py --render-check $(BENCH_BIN) --changes $(BENCH_LSP_CHANGES)
	@for chart in $(dir $(BENCH_LSP_CHARTS)); do \
		$(PYTHON) bench/lsp_bench.py --render-check $(BENCH_BIN) --changes $(BENCH_LSP_CHANGES) --chart $$chart || exit 1; \
	done

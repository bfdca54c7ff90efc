# libFuzzer over the parse-and-check entry point (see fuzz/FuzzTarget.swift).
#
#   make fuzz SECONDS=N   build fuzz/.build/render-check-fuzz and run it for N seconds
#
# Seeds come from the fixtures (fuzz/seeds.sh -> fuzz/seeds/); inputs that
# reach new code go to fuzz/corpus/, crashes, leaks and timeouts to
# fuzz/artifacts/ (all gitignored). Each crash becomes a regression test in
# Tests/RobustnessTests/FuzzRegressionTests.swift. Replay one with
# `fuzz/.build/render-check-fuzz fuzz/artifacts/crash-...`.

SECONDS       ?= 60
FUZZ_BIN      := fuzz/.build/render-check-fuzz
FUZZ_SOURCES  := $(wildcard Sources/ManifestModel/*.swift Sources/ValuesAnchors/*.swift Sources/LayerContract/*.swift \
                 Sources/Reporting/*.swift Sources/LanguageServer/*.swift) \
                 fuzz/FuzzTarget.swift fuzz/build.sh
FUZZ_NICE     ?= nice -n 10
FUZZ_FLAGS    ?=
# One dictionary a run (libFuzzer takes one -dict); fuzz/jsonrpc.dict for the server.
FUZZ_DICT     ?= fuzz/yaml.dict

.PHONY: fuzz fuzz-build fuzz-seeds

$(FUZZ_BIN): $(FUZZ_SOURCES)
	@$(MAKE) --no-print-directory system-deps
	fuzz/build.sh

fuzz-build: $(FUZZ_BIN)

fuzz-seeds:
	@fuzz/seeds.sh

fuzz: $(FUZZ_BIN) fuzz-seeds
	@mkdir -p fuzz/corpus fuzz/artifacts
	LSAN_OPTIONS=suppressions=fuzz/lsan.supp:print_suppressions=0 \
		$(FUZZ_NICE) $(FUZZ_BIN) fuzz/corpus fuzz/seeds \
		-max_total_time=$(SECONDS) -rss_limit_mb=2048 -timeout=10 \
		-artifact_prefix=fuzz/artifacts/ -print_final_stats=1 -dict=$(FUZZ_DICT) $(FUZZ_FLAGS)

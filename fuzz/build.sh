#!/bin/sh
# Builds fuzz/.build/render-check-fuzz: libFuzzer + AddressSanitizer over the
# ManifestModel, ValuesAnchors, LayerContract, Reporting and LanguageServer
# sources (every library module that reads outside input), compiled straight
# from Sources/ with swiftc (no SwiftPM), one module each, then linked with
# the harness fuzz/FuzzTarget.swift and Debian's libyaml.
set -eu
cd "$(dirname "$0")/.."
REPO=$(pwd)
SWIFTC=${SWIFTC:-swiftc}
OUT=$REPO/${FUZZ_BUILD:-fuzz/.build}
# FUZZ_SOURCE_ROOT: build another checkout's Sources/ (e.g. a `git archive`
# snapshot) with this harness; default: this repository.
SRC=${FUZZ_SOURCE_ROOT:-$REPO}
mkdir -p "$OUT"
# FUZZ_OPT: -O for real fuzzing (default); the CI build test passes -Onone,
# which compiles several times faster on a small machine and still proves
# the harness builds against the current APIs.
OPT=${FUZZ_OPT:--O}
# -Onone with full -g makes the driver add a module-wrap job whose output
# collides with -o; line tables are all a sanitizer report needs.
case $OPT in -Onone) DEBUG=-gline-tables-only ;; *) DEBUG=-g ;; esac
FLAGS="-sanitize=fuzzer,address -parse-as-library -swift-version 6 $OPT $DEBUG -I $SRC/Sources/CYaml -I $SRC/Sources/CZlib -I $OUT"

module() {
    name=$1
    shift
    echo "fuzz: compiling $name"
    # shellcheck disable=SC2086
    "$SWIFTC" $FLAGS -wmo -c -module-name "$name" \
        -emit-module -emit-module-path "$OUT/$name.swiftmodule" \
        -o "$OUT/$name.o" "$@"
}

module ManifestModel "$SRC"/Sources/ManifestModel/*.swift
module ValuesAnchors "$SRC"/Sources/ValuesAnchors/*.swift
module LayerContract "$SRC"/Sources/LayerContract/*.swift
module Reporting "$SRC"/Sources/Reporting/*.swift
module LanguageServer "$SRC"/Sources/LanguageServer/*.swift

echo "fuzz: linking $OUT/render-check-fuzz"
# shellcheck disable=SC2086
"$SWIFTC" $FLAGS "$REPO/fuzz/FuzzTarget.swift" \
    "$OUT/ManifestModel.o" "$OUT/ValuesAnchors.o" "$OUT/LayerContract.o" \
    "$OUT/Reporting.o" "$OUT/LanguageServer.o" \
    -use-ld=lld -lyaml -lz -o "$OUT/render-check-fuzz"

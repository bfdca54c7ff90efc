#!/bin/sh
# Collects the seed corpus from the fixtures into fuzz/seeds/ (generated,
# not committed): every fixture chart, rendered stream, drift variant and
# stack manifest, the live snapshot, the contract and the allowlist.
set -eu
cd "$(dirname "$0")/.."
SEEDS=${FUZZ_SEEDS:-fuzz/seeds}
rm -rf "$SEEDS"
mkdir -p "$SEEDS"
{
    find charts-fixtures -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \)
    find Tests/ManifestModelTests/Fixtures -type f \( -name '*.yaml' -o -name '*.json' \) 2>/dev/null || true
    echo ops/inventory/layers.json
    echo ops/policy/layer-live-diff-allowlist.json
} | sort | while read -r file; do
    cp "$file" "$SEEDS/$(echo "$file" | tr '/' '_')"
done
echo "fuzz: $(ls "$SEEDS" | wc -l) seeds in $SEEDS"

#!/bin/sh
# Collects the seed corpus into fuzz/seeds/ (generated, not committed). The
# harness reads its first byte as the reader to use (fuzz/FuzzTarget.swift),
# so each file is written with the ASCII digit of every reader it suits:
#   0 rendered stream   fixtures' rendered streams, stack, charts' renders
#   1 values            every values.yaml (+ a few --set lines)
#   2 contract files    the contract, the allowlist, .render-check.yaml
#   3 measured          renders as a fake Helm would hand them back
#   4 language server   framed JSON-RPC messages
# Renders of ../shared/charts/* come from a real helm (RENDER_CHECK_HELM,
# .build-tools/bin/helm, helm on PATH, /opt/helm/bin/helm); none: skipped.
set -eu
cd "$(dirname "$0")/.."
SEEDS=${FUZZ_SEEDS:-fuzz/seeds}
rm -rf "$SEEDS"
mkdir -p "$SEEDS"

seed() { # seed <selector> <file>
    name=$(echo "$2" | tr '/' '_')
    { printf '%s' "$1"; cat "$2"; } > "$SEEDS/$1_$name"
}

find charts-fixtures -type f \( -name '*.yaml' -o -name '*.yml' \) -not -path '*/templates/*' | sort | while read -r file; do
    seed 0 "$file"
    seed 3 "$file"
done
find charts-fixtures Tests -name 'values*.yaml' -type f 2>/dev/null | sort | while read -r file; do
    seed 1 "$file"
    { printf '1'; cat "$file"; printf '\000a.b=1\nc[0]=x\nd={1,2}\ne\\.f=g'; } > "$SEEDS/1_set_$(echo "$file" | tr '/' '_')"
done
find Tests/ManifestModelTests/Fixtures -type f -name '*.yaml' 2>/dev/null | sort | while read -r file; do seed 0 "$file"; done
for file in ops/inventory/layers.json ops/policy/layer-live-diff-allowlist.json .render-check.yaml; do
    [ -f "$file" ] && seed 2 "$file"
done
find charts-fixtures Tests -name '.render-check.yaml' -type f 2>/dev/null | sort | while read -r file; do seed 2 "$file"; done

frame() { # frame <name> <body>
    printf '4Content-Length: %s\r\n\r\n%s' "$(printf '%s' "$2" | wc -c)" "$2" > "$SEEDS/4_$1"
}
frame open '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/x.yaml","languageId":"yaml","version":1,"text":"a: 1\n"}}}'
frame hover '{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///tmp/x.yaml"},"position":{"line":0,"character":1}}}'
frame shutdown '{"jsonrpc":"2.0","id":3,"method":"shutdown"}'

helm=${RENDER_CHECK_HELM:-}
[ -n "$helm" ] || { [ -x .build-tools/bin/helm ] && helm=.build-tools/bin/helm; } || true
[ -n "$helm" ] || helm=$(command -v helm 2>/dev/null || true)
[ -n "$helm" ] || { [ -x /opt/helm/bin/helm ] && helm=/opt/helm/bin/helm; } || true
if [ -n "$helm" ] && [ -d ../shared/charts ]; then
    # Its own scratch file: two `make fuzz` started together each write seeds.
    render=$(mktemp)
    for chart in ../shared/charts/*/; do
        name=$(basename "$chart")
        if "$helm" template "fuzz-$name" "$chart" --namespace fuzz > "$render" 2>/dev/null; then
            { printf '0'; cat "$render"; } > "$SEEDS/0_chart_$name"
            # Measured ownership: computed values, NUL, the render, NUL, the render truncated.
            { printf '3'; "$helm" show values "$chart" 2>/dev/null || true; printf '\000'; cat "$render"
              printf '\000'; head -c 4000 "$render"; } > "$SEEDS/3_chart_$name"
        else
            echo "fuzz: helm could not render $chart; no seed from it" >&2
        fi
    done
    rm -f "$render"
else
    echo "fuzz: no helm found; seeds from ../shared/charts skipped" >&2
fi
echo "fuzz: $(ls "$SEEDS" | wc -l) seeds in $SEEDS"

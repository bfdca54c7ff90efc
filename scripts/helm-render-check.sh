#!/bin/sh
# The Helm plugin's entry point: runs this checkout's render-check (the
# release build, else the debug build, else the one on PATH) and has it
# render with the Helm that runs the plugin.
set -eu
dir=${HELM_PLUGIN_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
for candidate in "$dir/.build/release/render-check" "$dir/.build/debug/render-check"; do
    if [ -x "$candidate" ]; then binary=$candidate; break; fi
done
if [ -z "${binary:-}" ]; then
    binary=$(command -v render-check || true)
fi
if [ -z "$binary" ]; then
    echo "helm render-check: no render-check binary: run \`make release\` in $dir, or put render-check on PATH" >&2
    exit 2
fi
if [ -n "${HELM_BIN:-}" ]; then
    RENDER_CHECK_HELM=$HELM_BIN
    export RENDER_CHECK_HELM
fi
exec "$binary" "$@"

#!/usr/bin/env python3
"""Time from a change to its diagnostics in `render-check lsp` (a benchmark
client, not a test): the server is started once, a values file is opened,
then edited N times in the unsaved buffer (the port toggled between the
contract's value and a drifted one, so every change changes the
diagnostics); each sample is the wall time from writing the didChange frame
to reading the publishDiagnostics that names its version. The debounce the
server waits for quiet is part of every sample.

  bench/lsp_bench.py --render-check .build/release/render-check            the fixture chart (this repository)
  bench/lsp_bench.py --render-check ... --chart ../shared/charts/traefik    a public chart, rendered once with helm

With --chart, the chart is rendered into a temporary workspace (never into
the chart folder) and checked against this repository's contract.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Server:
    def __init__(self, binary: str, debounce: int | None):
        self.process = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.debounce = debounce
        self.next_id = 1

    def send(self, message: dict):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self) -> dict:
        length = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit("the server closed its output")
            if line == b"\r\n":
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def request(self, method: str, params) -> dict:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id:
                return message

    def diagnostics(self, uri: str, version: int) -> list:
        while True:
            message = self.receive()
            params = message.get("params") or {}
            if message.get("method") == "textDocument/publishDiagnostics" and params.get("uri") == uri \
                    and params.get("version") == version:
                return params["diagnostics"]

    def stop(self):
        self.request("shutdown", None)
        self.send({"jsonrpc": "2.0", "method": "exit"})
        self.process.wait(timeout=10)


def helm() -> str:
    for candidate in [os.environ.get("RENDER_CHECK_HELM"), str(ROOT / ".build-tools/bin/helm"), shutil.which("helm"),
                      "/opt/helm/bin/helm"]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("no helm: set RENDER_CHECK_HELM")


def public_workspace(chart: Path) -> Path:
    """A temporary workspace for a public chart: its `helm template` output
    and a configuration naming the chart where it is (read only)."""
    workspace = Path(tempfile.mkdtemp(prefix="rc-lsp-bench-"))
    rendered = subprocess.run([helm(), "template", "bench", str(chart), "--namespace", "bench"],
                              capture_output=True, check=True).stdout
    (workspace / "rendered.yaml").write_bytes(rendered)
    (workspace / ".render-check.yaml").write_text(
        f"contract: {ROOT / 'ops/inventory/layers.json'}\n"
        f"inputs: [rendered.yaml]\nchart: {chart.resolve()}\nnamespace: bench\nrelease: bench\n", encoding="utf-8")
    return workspace


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--render-check", default=str(ROOT / ".build/release/render-check"))
    parser.add_argument("--chart", help="a public chart folder instead of the fixture chart")
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--debounce", type=int, help="the server's debounce in ms (default: the server's)")
    parser.add_argument("--json", help="also write the figures to this file")
    arguments = parser.parse_args()

    if arguments.chart:
        chart = Path(arguments.chart).resolve()
        workspace = public_workspace(chart)
        values = chart / "values.yaml"
    else:
        workspace, values = ROOT, ROOT / "charts-fixtures/bijux-atlas/values.yaml"
    text = values.read_text(encoding="utf-8")
    lines = text.split("\n")

    server = Server(arguments.render_check, arguments.debounce)
    options = {"debounceMilliseconds": arguments.debounce} if arguments.debounce is not None else None
    server.request("initialize", {"processId": os.getpid(), "rootUri": workspace.as_uri(), "capabilities": {},
                                  "initializationOptions": options})
    server.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    uri = values.as_uri()
    server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                 "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}})
    server.diagnostics(uri, 1)

    # The fixture's service port toggles between 8080 and 9090; a public
    # chart gets a comment line toggled at its end (the whole check runs either way).
    port = next((n for n, line in enumerate(lines) if line.strip() == "port: 8080"), None) if not arguments.chart else None
    samples = []
    counts = []
    for change in range(arguments.changes):
        version = change + 2
        if port is not None:
            column = lines[port].index("8080")
            new = "9090" if change % 2 == 0 else "8080"
            edit = {"range": {"start": {"line": port, "character": column}, "end": {"line": port, "character": column + 4}},
                    "text": new}
        else:
            end = len(lines) - 1
            edit = {"range": {"start": {"line": end, "character": 0}, "end": {"line": end, "character": len(lines[end]) if change % 2 else 0}},
                    "text": "# bench" if change % 2 == 0 else ""}
            lines[end] = "# bench" if change % 2 == 0 else ""
        started = time.perf_counter()
        server.send({"jsonrpc": "2.0", "method": "textDocument/didChange",
                     "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [edit]}})
        diagnostics = server.diagnostics(uri, version)
        samples.append((time.perf_counter() - started) * 1000)
        counts.append(len(diagnostics))
    server.stop()
    if port is not None and not (counts[0] > counts[1]):
        raise SystemExit(f"the drifted port gave no diagnostic ({counts[:2]}): the benchmark measured nothing")

    samples.sort()
    figures = {
        "chart": str(arguments.chart or "charts-fixtures/bijux-atlas"),
        "changes": arguments.changes,
        "debounce_ms": arguments.debounce,
        "median_ms": round(statistics.median(samples), 2),
        "p90_ms": round(samples[int(len(samples) * 0.9) - 1], 2),
        "min_ms": round(samples[0], 2),
        "max_ms": round(samples[-1], 2),
    }
    print(f"lsp change -> diagnostics, {figures['chart']}: median {figures['median_ms']} ms, p90 {figures['p90_ms']} ms, "
          f"min {figures['min_ms']} ms, max {figures['max_ms']} ms over {arguments.changes} changes "
          f"(debounce {arguments.debounce if arguments.debounce is not None else 'default'})")
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    if arguments.chart:
        shutil.rmtree(workspace, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

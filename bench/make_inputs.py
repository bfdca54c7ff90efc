#!/usr/bin/env python3
"""Benchmark inputs for `make bench`, generated from the fixture charts.

    make_inputs.py OUT_DIR [--sizes 50,500]

Writes OUT_DIR/fixture.yaml (the plain fixture: the rendered charts and the
stack manifests, one stream, for latency) and OUT_DIR/stream-<N>mb.yaml for
each size: the fixture once as it is (so the contract finds its Services and
the findings are the fixture's), then copy after copy with every resource
renamed -- metadata.name and the values of the app / app.kubernetes.io/name /
app.kubernetes.io/instance labels and selectors get a `-cNNNNNN` suffix -- so
each copy is a different set of Services and workloads the contract does not
name, in the namespace the contract expects. The text is the rendered text
(comments, quoting, `# Source:` lines), only the renamed values change.

Nothing here is committed: the files go into a gitignored folder, and are
rewritten only when missing or when this script changed.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# `  name: x` at the metadata level, and the labels that tie Services to pods.
_RENAME = re.compile(
    r'^(?P<lead>(?:  name|\s+app|\s+app\.kubernetes\.io/name|\s+app\.kubernetes\.io/instance):[ ]+)'
    r'(?P<quote>"?)(?P<value>[A-Za-z0-9][A-Za-z0-9._-]*)(?P=quote)[ ]*$'
)


def fixture_documents() -> list[str]:
    """The fixture streams in a stable order, each ending with a newline."""
    paths = sorted(glob.glob(os.path.join(ROOT, "charts-fixtures/rendered/*.yaml")))
    paths += sorted(glob.glob(os.path.join(ROOT, "charts-fixtures/stack/*.yaml")))
    if not paths:
        sys.exit("make_inputs.py: no charts-fixtures/rendered/*.yaml or charts-fixtures/stack/*.yaml")
    streams = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        if not text.endswith("\n"):
            text += "\n"
        if not text.startswith("---"):
            text = "---\n" + text
        streams.append(text)
    return streams


def renamed(text: str, suffix: str) -> str:
    lines = []
    for line in text.split("\n"):
        match = _RENAME.match(line)
        if match:
            quote = match.group("quote")
            line = f"{match.group('lead')}{quote}{match.group('value')}{suffix}{quote}"
        lines.append(line)
    return "\n".join(lines)


def write_stream(path: str, target_bytes: int, base: str) -> None:
    temporary = path + ".tmp"
    written = 0
    copy = 0
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(base)
        written += len(base.encode())
        while written < target_bytes:
            copy += 1
            chunk = renamed(base, f"-c{copy:06d}")
            handle.write(chunk)
            written += len(chunk.encode())
    os.replace(temporary, path)
    print(f"  {os.path.relpath(path)}: {written / 1e6:.1f} MB, fixture + {copy} renamed copies")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--sizes", default="50,500", help="stream sizes in MB, comma-separated")
    options = parser.parse_args()
    os.makedirs(options.out, exist_ok=True)
    base = "".join(fixture_documents())
    stamp = os.path.getmtime(__file__)
    fixture = os.path.join(options.out, "fixture.yaml")
    with open(fixture, "w", encoding="utf-8") as handle:
        handle.write(base)
    for size in (int(s) for s in options.sizes.split(",") if s):
        path = os.path.join(options.out, f"stream-{size}mb.yaml")
        if os.path.exists(path) and os.path.getmtime(path) >= stamp:
            continue
        write_stream(path, size * 1_000_000, base)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Shared paths and helpers for the Python fixture tests (run: python3 -m pytest Tests/python -q)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools"
FIXTURES = ROOT / "charts-fixtures"
CHART = FIXTURES / "bijux-atlas"
STACK_FILES = sorted((FIXTURES / "stack").glob("*.yaml"))
VARIANTS = sorted(p for p in (FIXTURES / "variants").iterdir() if (p / "variant.json").is_file())
CONTRACT = ROOT / "ops" / "inventory" / "layers.json"
ALLOWLIST = ROOT / "ops" / "policy" / "layer-live-diff-allowlist.json"

if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))


def run_tool(name: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(TOOLS / name), *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def load_json(path: Path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)

#!/usr/bin/env python3
"""Benchmark inputs for `make bench`: real renders, repeated as they are.

    make_inputs.py OUT_DIR [--sizes 50,500] [--charts ../shared/charts] [--helm PATH]

Writes into OUT_DIR (gitignored; nothing here is committed):

- renders/<chart>.yaml: `helm template rel <charts>/<chart> -n ns` for every
  chart folder under --charts (real Helm; skipped when no helm is found);
- fixture.yaml: the fixture charts' rendered output and the stack manifests,
  one stream (the latency rows);
- base.yaml: fixture.yaml followed by every render;
- stream-<N>mb.yaml: base.yaml repeated WITHOUT renaming until it reaches N MB,
  the way concatenated renders of many releases repeat the same Deployments
  and Services thousands of times;
- contract.json: the project's contract plus one component per rendered
  Service that has a selector (its name, selector and ports), so the
  contract's selectors match many of the repeated resources; the renders sit
  in namespace `ns`, which the contract does not expect, so every repeat of
  them also drifts.

Files are rewritten only when missing or older than this script.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def find_helm(explicit: str | None) -> str | None:
    for candidate in (explicit, os.environ.get("RENDER_CHECK_HELM"), os.path.join(ROOT, ".build-tools/bin/helm"),
                      shutil.which("helm"), "/opt/helm/bin/helm"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def stream_text(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if not text.endswith("\n"):
        text += "\n"
    if not text.startswith("---"):
        text = "---\n" + text
    return text


def fixture_streams() -> list[str]:
    paths = sorted(glob.glob(os.path.join(ROOT, "charts-fixtures/rendered/*.yaml")))
    paths += sorted(glob.glob(os.path.join(ROOT, "charts-fixtures/stack/*.yaml")))
    if not paths:
        sys.exit("make_inputs.py: no charts-fixtures/rendered/*.yaml or charts-fixtures/stack/*.yaml")
    return [stream_text(path) for path in paths]


def fresh(path: str, stamp: float) -> bool:
    return os.path.exists(path) and os.path.getmtime(path) >= stamp


def render_charts(out: str, charts: str, helm: str | None, stamp: float) -> list[str]:
    folder = os.path.join(out, "renders")
    os.makedirs(folder, exist_ok=True)
    texts = []
    for chart in sorted(glob.glob(os.path.join(charts, "*", "Chart.yaml"))):
        name = os.path.basename(os.path.dirname(chart))
        target = os.path.join(folder, f"{name}.yaml")
        if not fresh(target, stamp):
            if helm is None:
                continue
            result = subprocess.run([helm, "template", "rel", os.path.dirname(chart), "-n", "ns"],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                print(f"  skipped {name}: helm template failed: {result.stderr.strip()[:200]}")
                continue
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(result.stdout)
        texts.append(stream_text(target))
    return texts


def services(text: str) -> list[dict]:
    """The Services of a rendered stream with a selector (PyYAML, C loader when present)."""
    import yaml
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    found = []
    for document in yaml.load_all(text, Loader=loader):
        if isinstance(document, dict) and document.get("kind") == "Service":
            spec = document.get("spec") or {}
            selector = spec.get("selector") or {}
            name = (document.get("metadata") or {}).get("name")
            if name and selector and all(isinstance(v, str) for v in selector.values()):
                found.append({"name": name, "selector": selector, "ports": spec.get("ports") or []})
    return found


def write_contract(path: str, renders: list[str]) -> int:
    with open(os.path.join(ROOT, "ops/inventory/layers.json"), encoding="utf-8") as handle:
        contract = json.load(handle)
    added = 0
    for text in renders:
        for service in services(text):
            component = f"bench-{service['name']}"
            if component in contract["services"]:
                continue
            contract["services"][component] = {"service_name": service["name"], "selector": service["selector"]}
            ports = {}
            for port in service["ports"]:
                if isinstance(port.get("port"), int):
                    ports[port.get("name") or "service"] = port["port"]
            if len(ports) == 1:
                ports = {"service": next(iter(ports.values()))}
            if ports:
                contract["ports"][component] = ports
            added += 1
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(contract, handle, indent=2, sort_keys=True)
        handle.write("\n")
    return added


def write_stream(path: str, target_bytes: int, base: str) -> None:
    temporary = path + ".tmp"
    chunk = base.encode()
    copies = max(1, -(-target_bytes // len(chunk)))
    with open(temporary, "wb") as handle:
        for _ in range(copies):
            handle.write(chunk)
    os.replace(temporary, path)
    print(f"  {os.path.relpath(path)}: {copies * len(chunk) / 1e6:.1f} MB, base repeated {copies} times")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--sizes", default="50,500", help="stream sizes in MB, comma-separated")
    parser.add_argument("--charts", default=os.path.join(ROOT, "..", "shared", "charts"))
    parser.add_argument("--helm")
    options = parser.parse_args()
    os.makedirs(options.out, exist_ok=True)
    stamp = os.path.getmtime(__file__)
    fixture = "".join(fixture_streams())
    renders = render_charts(options.out, options.charts, find_helm(options.helm), stamp)
    base = fixture + "".join(renders)
    for name, text in (("fixture.yaml", fixture), ("base.yaml", base)):
        with open(os.path.join(options.out, name), "w", encoding="utf-8") as handle:
            handle.write(text)
    contract = os.path.join(options.out, "contract.json")
    if not fresh(contract, stamp):
        added = write_contract(contract, renders)
        print(f"  {os.path.relpath(contract)}: the project's contract + {added} rendered Services")
    for size in (int(s) for s in options.sizes.split(",") if s):
        path = os.path.join(options.out, f"stream-{size}mb.yaml")
        if fresh(path, stamp):
            continue
        write_stream(path, size * 1_000_000, base)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Measure how well `render-check blame` attributes rendered scalars to values keys.

    blame_accuracy.py --chart DIR --release NAME --namespace NS [-f FILE]...
                      [--render-check PATH] [--json OUT]
                      [--min-precision 0.95] [--min-recall 0.90] [--ground-truth]

Ground truth (Helm's own engine, through tools/helm_template.py):

* the chart's merged default values (helm-python-sdk ``Chart.merge_values``,
  then any ``-f`` files) are walked for scalar leaves, named like the spec's
  values anchors without the ``values.`` prefix: ``service.ports.http.port``,
  ``config.upstreams[0].host``; booleans and nulls are skipped;
* each leaf is perturbed on its own (int -> value + 1000 + i, kept a valid port
  number when it was one; float -> value + 1000.5 + i; string -> ``p<i>x``)
  through a one-leaf overlay values file (a list is overlaid whole, since Helm
  replaces lists), and the chart is rendered again; a render that fails is
  recorded as a render failure, not fatal;
* every render is parsed into scalar leaves keyed by (``# Source:`` text,
  ordinal of the document among those with the same source, path) with the
  spec's blame path syntax (dotted keys; ``[name=X]`` for a sequence item that
  is a mapping with a scalar ``name``, else ``[i]``); a block scalar is one
  leaf; values are compared as their YAML scalar text;
* a rendered leaf whose value changed, or which disappeared or appeared, is
  driven by the perturbed values leaf. Baseline leaves driven by at least one
  values leaf are the value-driven leaves.

Blame: ``<render-check> blame --chart DIR --release NAME --namespace NS [-f ...]
--format json <baseline file>`` (spec section 5). Its leaves are keyed the same
way: ``source`` is the ``# Source:`` text, ``path`` the blame path, and the
document ordinal is counted from the order of the leaves (a new document starts
when ``source`` changes or a path repeats).

Metrics:

* precision: among baseline leaves whose ``owner`` is layer ``values`` with an
  ``anchor`` ``values.<leaf>`` naming a successfully perturbed values leaf, the
  fraction whose leaf really drives the rendered leaf;
* recall: among value-driven baseline leaves, the fraction that blame
  attributes to one of their drivers, through ``owner.anchor`` (layer
  ``values``) or an entry of ``owner.controlled_by``.

Exit 0 when both reach the minimums, 1 when one does not, 2 on errors (baseline
render failed, render-check missing or failing, bad blame JSON).
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import helm_template  # noqa: E402

import helm_python  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BINARY = ROOT / ".build" / "debug" / "render-check"
MAX_PORT = 65535

PathParts = tuple  # of str (mapping key) and int (sequence index)
LeafKey = tuple  # (source, ordinal, path)


class ToolError(Exception):
    """Something that makes the measurement impossible (exit 2)."""


# --- values leaves ------------------------------------------------------------


def format_values_path(parts: Iterable[Any]) -> str:
    """``("config", "upstreams", 0, "host")`` -> ``config.upstreams[0].host``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def chart_values(chart_dir: str, value_files: Iterable[str] = ()) -> dict[str, Any]:
    """The chart's default values, coalesced by Helm, with the ``-f`` files merged over them."""
    user = helm_template.user_values(list(value_files))
    try:
        chart = helm_python.Chart.load(chart_dir)
    except helm_python.HelmError as error:
        raise ToolError(f"cannot load chart {chart_dir}: {error}") from error
    with chart:
        try:
            return chart.merge_values(user)
        except helm_python.HelmError as error:
            raise ToolError(f"cannot merge values of {chart_dir}: {error}") from error


def values_leaves(values: Any, prefix: PathParts = ()) -> list[tuple[PathParts, Any]]:
    """Every scalar leaf (booleans and nulls included) in document order."""
    if isinstance(values, dict):
        out = []
        for key, child in values.items():
            out += values_leaves(child, prefix + (str(key),))
        return out
    if isinstance(values, list):
        out = []
        for index, child in enumerate(values):
            out += values_leaves(child, prefix + (index,))
        return out
    return [(prefix, values)]


def perturb(value: Any, index: int) -> Any:
    """A distinct value of the same type; None for types that are not perturbed."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        candidate = value + 1000 + index
        if 0 < value <= MAX_PORT and candidate > MAX_PORT:  # keep a port a port
            candidate = 1024 + (value + 7 * index) % 60000
            if candidate == value:
                candidate += 1
        return candidate
    if isinstance(value, float):
        return value + 1000.5 + index
    if isinstance(value, str):
        return f"p{index}x"
    return None


def overlay_for(values: dict[str, Any], parts: PathParts, new: Any) -> dict[str, Any]:
    """A values overlay that sets just ``parts`` to ``new`` (lists are carried whole)."""
    first_index = next((i for i, part in enumerate(parts) if isinstance(part, int)), None)
    if first_index is None:
        head, tail_value = tuple(parts), new
    else:  # the values root is a mapping, so first_index > 0
        head = tuple(parts[:first_index])
        container: Any = values
        for part in head:
            container = container[part]
        tail_value = copy.deepcopy(container)
        target = tail_value
        for part in parts[first_index:-1]:
            target = target[part]
        target[parts[-1]] = new
    overlay: dict[str, Any] = {}
    cursor = overlay
    for part in head[:-1]:
        cursor = cursor.setdefault(part, {})
    cursor[head[-1]] = tail_value
    return overlay


# --- rendered leaves ----------------------------------------------------------


@dataclass
class Leaf:
    value: str
    line: int  # 1-based line of the scalar in the stream


@dataclass
class Document:
    source: str
    ordinal: int
    first_line: int  # 1-based, inclusive
    last_line: int


@dataclass
class Rendered:
    leaves: dict[LeafKey, Leaf] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)
    collisions: list[LeafKey] = field(default_factory=list)


def _item_segment(item: yaml.Node, index: int) -> str:
    if isinstance(item, yaml.MappingNode):
        for key, value in item.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "name":
                if isinstance(value, yaml.ScalarNode):
                    return f"[name={value.value}]"
                break
    return f"[{index}]"


def _walk(node: yaml.Node, path: str, out: dict[str, Leaf], collisions: list[str]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            _walk(value, f"{path}.{key.value}" if path else key.value, out, collisions)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + _item_segment(item, index), out, collisions)
    elif isinstance(node, yaml.ScalarNode):
        if path in out:
            collisions.append(path)
            return
        out[path] = Leaf(node.value, node.start_mark.line + 1)


def _is_empty(node: yaml.Node | None) -> bool:
    return node is None or (
        isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null" and node.value in ("", "~", "null")
    )


def parse_rendered(text: str) -> Rendered:
    """Scalar leaves of a `helm template` stream keyed by (source, ordinal, path)."""
    lines = text.splitlines()
    out = Rendered()
    ordinals: dict[str, int] = {}
    previous_end = 0  # 0-based line after the previous document
    for root in yaml.compose_all(text, Loader=yaml.CSafeLoader):
        if root is None:
            continue
        start, end = root.start_mark.line, root.end_mark.line
        source = ""
        for line in lines[previous_end : start + 1]:
            if line.startswith("# Source: "):
                source = line[len("# Source: ") :].strip()
        previous_end = max(end, start + 1)
        if _is_empty(root):
            continue
        ordinal = ordinals.get(source, 0)
        ordinals[source] = ordinal + 1
        out.documents.append(Document(source, ordinal, start + 1, end + 1))
        leaves: dict[str, Leaf] = {}
        collisions: list[str] = []
        _walk(root, "", leaves, collisions)
        for path, leaf in leaves.items():
            out.leaves[(source, ordinal, path)] = leaf
        out.collisions += [(source, ordinal, path) for path in collisions]
    return out


def key_text(key: LeafKey) -> str:
    source, ordinal, path = key
    return f"{source}#{ordinal} {path}"


# --- ground truth -------------------------------------------------------------


@dataclass
class ValuesLeaf:
    path: str
    value: Any
    perturbed: Any = None
    status: str = "skipped"  # perturbed | boolean | null | render-failed | unsupported
    error: str = ""
    drives: dict[LeafKey, str] = field(default_factory=dict)  # rendered key -> changed/disappeared/appeared


@dataclass
class GroundTruth:
    baseline_text: str
    baseline: Rendered
    leaves: list[ValuesLeaf]

    @property
    def perturbed(self) -> list[ValuesLeaf]:
        return [leaf for leaf in self.leaves if leaf.status == "perturbed"]

    @property
    def failures(self) -> list[ValuesLeaf]:
        return [leaf for leaf in self.leaves if leaf.status == "render-failed"]

    def drivers(self) -> dict[LeafKey, dict[str, str]]:
        """Rendered key (baseline or appeared) -> {values path: how}."""
        out: dict[LeafKey, dict[str, str]] = {}
        for leaf in self.perturbed:
            for key, how in leaf.drives.items():
                out.setdefault(key, {})[leaf.path] = how
        return out

    def value_driven(self) -> dict[LeafKey, dict[str, str]]:
        """Baseline leaves driven by at least one values leaf."""
        return {key: d for key, d in self.drivers().items() if key in self.baseline.leaves}


def ground_truth(
    chart_dir: str,
    release: str,
    namespace: str,
    value_files: Iterable[str] = (),
    *,
    progress: bool = False,
) -> GroundTruth:
    value_files = list(value_files)
    try:
        baseline_text = helm_template.template(chart_dir, release, namespace, value_files)
    except helm_template.RenderError as error:
        raise ToolError(f"baseline render of {chart_dir} failed: {error}") from error
    baseline = parse_rendered(baseline_text)
    values = chart_values(chart_dir, value_files)
    result = GroundTruth(baseline_text, baseline, [])
    with tempfile.TemporaryDirectory(prefix="blame-accuracy-") as workdir:
        overlay_path = os.path.join(workdir, "perturb.yaml")
        for index, (parts, value) in enumerate(values_leaves(values)):
            leaf = ValuesLeaf(format_values_path(parts), value)
            result.leaves.append(leaf)
            if isinstance(value, bool):
                leaf.status = "boolean"
                continue
            if value is None:
                leaf.status = "null"
                continue
            leaf.perturbed = perturb(value, index)
            if leaf.perturbed is None:
                leaf.status = "unsupported"
                continue
            with open(overlay_path, "w", encoding="utf-8") as handle:
                yaml.safe_dump(overlay_for(values, parts, leaf.perturbed), handle, sort_keys=False)
            try:
                text = helm_template.template(chart_dir, release, namespace, value_files + [overlay_path])
                rendered = parse_rendered(text)
            except (helm_template.RenderError, yaml.YAMLError) as error:
                leaf.status = "render-failed"
                leaf.error = " ".join(str(error).split())
                continue
            leaf.status = "perturbed"
            for key, base in baseline.leaves.items():
                now = rendered.leaves.get(key)
                if now is None:
                    leaf.drives[key] = "disappeared"
                elif now.value != base.value:
                    leaf.drives[key] = "changed"
            for key in rendered.leaves.keys() - baseline.leaves.keys():
                leaf.drives[key] = "appeared"
            if progress:
                sys.stderr.write(f"  {leaf.path}: {len(leaf.drives)} rendered leaves\n")
    return result


def print_ground_truth(truth: GroundTruth, out=sys.stdout) -> None:
    counts = _truth_counts(truth)
    out.write(
        f"ground truth: {counts['values_leaves']} values leaves, {counts['perturbed']} perturbed, "
        f"{counts['booleans']} booleans and {counts['nulls']} nulls skipped, {counts['render_failures']} render failures; "
        f"{counts['baseline_leaves']} rendered leaves, {counts['value_driven']} value-driven\n"
    )
    for leaf in truth.leaves:
        if leaf.status == "perturbed":
            out.write(f"  {leaf.path} = {leaf.value!r} -> {leaf.perturbed!r}: drives {len(leaf.drives)}\n")
            for key, how in sorted(leaf.drives.items(), key=lambda item: (key_text(item[0]), item[1])):
                out.write(f"      {how:<11} {key_text(key)}\n")
        elif leaf.status == "render-failed":
            out.write(f"  {leaf.path} = {leaf.value!r} -> {leaf.perturbed!r}: RENDER FAILED: {leaf.error}\n")
        else:
            out.write(f"  {leaf.path} = {leaf.value!r}: not perturbed ({leaf.status})\n")


def _truth_counts(truth: GroundTruth) -> dict[str, int]:
    return {
        "values_leaves": len(truth.leaves),
        "perturbed": len(truth.perturbed),
        "booleans": sum(leaf.status == "boolean" for leaf in truth.leaves),
        "nulls": sum(leaf.status == "null" for leaf in truth.leaves),
        "render_failures": len(truth.failures),
        "baseline_leaves": len(truth.baseline.leaves),
        "value_driven": len(truth.value_driven()),
    }


# --- blame --------------------------------------------------------------------


def _anchor_leaf(anchor: Any) -> str | None:
    """``values.a.b`` -> ``a.b``; accepts a string or an object with anchor/key/path."""
    if isinstance(anchor, dict):
        anchor = anchor.get("anchor") or anchor.get("key") or anchor.get("path")
    if not isinstance(anchor, str) or not anchor:
        return None
    anchor = anchor[len("values.") :] if anchor.startswith("values.") else anchor
    # render-check writes a key that holds a dot as ["a.b"]; the ground truth joins keys with dots.
    return re.sub(r'\["((?:[^"\\]|\\.)*)"\]', lambda m: "." + m.group(1).replace('\\"', '"'), anchor).lstrip(".")


def _covers(anchor: str, leaves: Any) -> bool:
    """An anchor names a leaf itself, or the subtree (map or list) that holds it."""
    return any(leaf == anchor or leaf.startswith(anchor + ".") or leaf.startswith(anchor + "[") for leaf in leaves)


@dataclass
class BlameLeaf:
    key: LeafKey
    value: Any
    layer: str
    anchor: str  # as printed
    owner_leaf: str | None  # values leaf named by the owner (layer values), without "values."
    controlled_by: list[str]
    line: Any


def run_blame(
    binary: str,
    chart_dir: str,
    release: str,
    namespace: str,
    rendered_file: str,
    value_files: Iterable[str] = (),
) -> dict[str, Any]:
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        raise ToolError(
            f"render-check binary not found at {binary} (build it with `swift build`, "
            "or point --render-check / $RENDER_CHECK_BIN at it)"
        )
    command = [binary, "blame", "--chart", chart_dir, "--release", release, "--namespace", namespace]
    for path in value_files:
        command += ["-f", path]
    command += ["--format", "json", rendered_file]
    try:
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ToolError(f"{' '.join(command)}: {error}") from error
    if result.returncode != 0:
        raise ToolError(
            f"{' '.join(command)} exited {result.returncode}:\n{result.stderr.strip()}\n{result.stdout[:2000]}"
        )
    try:
        document = json.loads(result.stdout)
    except ValueError as error:
        raise ToolError(f"render-check blame printed no JSON: {error}\n{result.stdout[:2000]}") from error
    if not isinstance(document, dict) or not isinstance(document.get("leaves"), list):
        raise ToolError("render-check blame JSON has no `leaves` list")
    if document.get("schema_version") != 1:
        raise ToolError(f"render-check blame JSON: schema_version {document.get('schema_version')!r}, expected 1")
    return document


def key_blame(document: dict[str, Any]) -> tuple[dict[LeafKey, BlameLeaf], list[str]]:
    """Blame leaves keyed like the ground truth; problems found on the way."""
    out: dict[LeafKey, BlameLeaf] = {}
    problems: list[str] = []
    ordinals: dict[str, int] = {}
    current_source: str | None = None
    seen_paths: set[str] = set()
    for index, raw in enumerate(document["leaves"]):
        if not isinstance(raw, dict) or not isinstance(raw.get("path"), str):
            problems.append(f"leaf {index}: no path")
            continue
        source = raw.get("source") if isinstance(raw.get("source"), str) else ""
        path = raw["path"]
        if source != current_source or path in seen_paths:  # a new document
            ordinals[source] = ordinals.get(source, -1) + 1
            current_source = source
            seen_paths = set()
        seen_paths.add(path)
        owner = raw.get("owner") if isinstance(raw.get("owner"), dict) else {}
        layer = owner.get("layer") if isinstance(owner.get("layer"), str) else ""
        anchor = owner.get("anchor") if isinstance(owner.get("anchor"), str) else ""
        controlled = owner.get("controlled_by") if isinstance(owner.get("controlled_by"), list) else []
        key = (source, ordinals[source], path)
        if key in out:
            problems.append(f"duplicate blame leaf {key_text(key)}")
            continue
        out[key] = BlameLeaf(
            key=key,
            value=raw.get("value"),
            layer=layer,
            anchor=anchor,
            owner_leaf=_anchor_leaf(anchor) if layer == "values" else None,
            controlled_by=[leaf for leaf in (_anchor_leaf(c) for c in controlled) if leaf],
            line=raw.get("line"),
        )
    return out, problems


# --- metrics ------------------------------------------------------------------


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _owner_text(blame: BlameLeaf | None) -> str:
    if blame is None:
        return "not listed by blame"
    text = f"owner {blame.layer or '?'} {blame.anchor or '-'}"
    if blame.controlled_by:
        text += f"; controlled_by {', '.join(blame.controlled_by)}"
    return text


def measure(truth: GroundTruth, blame: dict[LeafKey, BlameLeaf]) -> dict[str, Any]:
    perturbed = {leaf.path for leaf in truth.perturbed}
    drivers = truth.drivers()
    value_driven = truth.value_driven()
    baseline = truth.baseline.leaves

    attributed = correct = 0
    false_attributions = []
    unmeasured: dict[str, int] = {}
    for key, leaf in blame.items():
        if leaf.owner_leaf is None or key not in baseline:
            continue
        if not _covers(leaf.owner_leaf, perturbed):
            unmeasured[leaf.owner_leaf] = unmeasured.get(leaf.owner_leaf, 0) + 1
            continue
        attributed += 1
        driving = drivers.get(key, {})
        if _covers(leaf.owner_leaf, driving):
            correct += 1
        else:
            false_attributions.append(
                {
                    "leaf": key_text(key),
                    "value": baseline[key].value,
                    "line": baseline[key].line,
                    "anchor": f"values.{leaf.owner_leaf}",
                    "drivers": sorted(driving),
                }
            )

    hits = via_controlled = 0
    misses = []
    for key, driving in sorted(value_driven.items(), key=lambda item: key_text(item[0])):
        leaf = blame.get(key)
        if leaf is not None and leaf.owner_leaf is not None and _covers(leaf.owner_leaf, driving):
            hits += 1
        elif leaf is not None and any(_covers(c, driving) for c in leaf.controlled_by):
            hits += 1
            via_controlled += 1
        else:
            misses.append(
                {
                    "leaf": key_text(key),
                    "value": baseline[key].value,
                    "line": baseline[key].line,
                    "blame": _owner_text(leaf),
                    "drivers": {path: how for path, how in sorted(driving.items())},
                }
            )

    controlled_claims = controlled_right = 0
    for key, leaf in blame.items():
        for claim in leaf.controlled_by:
            if claim in perturbed and key in baseline:
                controlled_claims += 1
                controlled_right += claim in drivers.get(key, {})

    unknown = sorted(key_text(key) for key in blame.keys() - baseline.keys())
    unlisted = sorted(key_text(key) for key in baseline.keys() - blame.keys())
    return {
        **_truth_counts(truth),
        "blame_leaves": len(blame),
        "blame_leaves_not_in_render": unknown,
        "rendered_leaves_not_in_blame": unlisted,
        "attributed": attributed,
        "attributed_correct": correct,
        "precision": _ratio(correct, attributed),
        "recall_hits": hits,
        "recall_hits_via_controlled_by": via_controlled,
        "recall": _ratio(hits, len(value_driven)),
        "controlled_by_claims": controlled_claims,
        "controlled_by_correct": controlled_right,
        "controlled_by_precision": _ratio(controlled_right, controlled_claims),
        "unmeasured_owner_anchors": dict(sorted(unmeasured.items())),
        "false_attributions": false_attributions,
        "misses": misses,
    }


def _fmt(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio:.3f}"


def print_report(name: str, metrics: dict[str, Any], truth: GroundTruth, out=sys.stdout) -> None:
    m = metrics
    out.write(f"blame accuracy: {name}\n")
    out.write(
        f"  values leaves        {m['values_leaves']:5d}  (perturbed {m['perturbed']}, booleans {m['booleans']}, "
        f"nulls {m['nulls']}, render failures {m['render_failures']})\n"
    )
    out.write(f"  rendered leaves      {m['baseline_leaves']:5d}  (value-driven {m['value_driven']})\n")
    out.write(
        f"  blame leaves         {m['blame_leaves']:5d}  (not in render {len(m['blame_leaves_not_in_render'])}, "
        f"rendered leaves missing from blame {len(m['rendered_leaves_not_in_blame'])})\n"
    )
    out.write(f"  precision            {_fmt(m['precision']):>5}  ({m['attributed_correct']}/{m['attributed']} owner anchors on perturbed leaves drive the leaf)\n")
    out.write(
        f"  recall               {_fmt(m['recall']):>5}  ({m['recall_hits']}/{m['value_driven']} value-driven leaves attributed to a driver, "
        f"{m['recall_hits_via_controlled_by']} through controlled_by)\n"
    )
    out.write(
        f"  controlled_by        {_fmt(m['controlled_by_precision']):>5}  ({m['controlled_by_correct']}/{m['controlled_by_claims']} claims on perturbed leaves hold; not gated)\n"
    )
    for leaf in truth.failures:
        out.write(f"render failure: {leaf.path} = {leaf.perturbed!r}: {leaf.error}\n")
    for item in m["false_attributions"]:
        out.write(
            f"FALSE  {item['leaf']} = {item['value']!r} (line {item['line']}): {item['anchor']}; "
            f"drivers: {', '.join(item['drivers']) or 'none'}\n"
        )
    for item in m["misses"]:
        drivers = ", ".join(f"{path} ({how})" for path, how in item["drivers"].items())
        out.write(f"MISS   {item['leaf']} = {item['value']!r} (line {item['line']}): {item['blame']}; drivers: {drivers}\n")
    for text in m["blame_leaves_not_in_render"][:20]:
        out.write(f"UNKNOWN blame leaf not in the render: {text}\n")
    if m["unmeasured_owner_anchors"]:
        listed = ", ".join(f"{a} x{n}" for a, n in m["unmeasured_owner_anchors"].items())
        out.write(f"unmeasured owner anchors (not a perturbed leaf): {listed}\n")


def truth_json(truth: GroundTruth) -> dict[str, Any]:
    return {
        "values_leaves": [
            {
                "path": leaf.path,
                "value": leaf.value,
                "perturbed": leaf.perturbed,
                "status": leaf.status,
                **({"error": leaf.error} if leaf.error else {}),
                "drives": {key_text(key): how for key, how in sorted(leaf.drives.items(), key=lambda i: key_text(i[0]))},
            }
            for leaf in truth.leaves
        ],
        "value_driven": {
            key_text(key): dict(sorted(d.items()))
            for key, d in sorted(truth.value_driven().items(), key=lambda i: key_text(i[0]))
        },
    }


# --- command line -------------------------------------------------------------


def default_binary() -> str:
    return os.environ.get("RENDER_CHECK_BIN") or str(DEFAULT_BINARY)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chart", required=True)
    parser.add_argument("--release", required=True)
    parser.add_argument("--namespace", required=True)
    parser.add_argument("-f", "--values", action="append", default=[], metavar="FILE", help="values overlay (repeatable)")
    parser.add_argument("--render-check", default=None, help="render-check binary (default: $RENDER_CHECK_BIN or .build/debug/render-check)")
    parser.add_argument("--json", default=None, metavar="OUT", help="write the figures, misses and ground truth here")
    parser.add_argument("--min-precision", type=float, default=0.95)
    parser.add_argument("--min-recall", type=float, default=0.90)
    parser.add_argument("--ground-truth", action="store_true", help="print the ground truth only; do not run blame")
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args(argv)

    chart = os.path.abspath(options.chart)
    name = f"{os.path.basename(chart.rstrip('/'))} (release {options.release}, namespace {options.namespace})"
    document: dict[str, Any] = {
        "chart": options.chart,
        "release": options.release,
        "namespace": options.namespace,
        "values": options.values,
    }
    try:
        truth = ground_truth(chart, options.release, options.namespace, options.values, progress=options.verbose)
        if options.ground_truth:
            print_ground_truth(truth)
            document.update(counts=_truth_counts(truth), ground_truth=truth_json(truth))
            _write_json(options.json, document)
            return 0
        with tempfile.TemporaryDirectory(prefix="blame-accuracy-") as workdir:
            rendered = os.path.join(workdir, f"{os.path.basename(chart.rstrip('/'))}.yaml")
            with open(rendered, "w", encoding="utf-8") as handle:
                handle.write(truth.baseline_text)
            blame_doc = run_blame(
                options.render_check or default_binary(), chart, options.release, options.namespace, rendered, options.values
            )
    except ToolError as error:
        sys.stderr.write(f"blame_accuracy: {error}\n")
        document["error"] = str(error)
        _write_json(options.json, document)
        return 2

    blame, problems = key_blame(blame_doc)
    metrics = measure(truth, blame)
    print_report(name, metrics, truth)
    for problem in problems:
        sys.stdout.write(f"blame JSON: {problem}\n")
    failed = []
    for label, value, minimum in (
        ("precision", metrics["precision"], options.min_precision),
        ("recall", metrics["recall"], options.min_recall),
    ):
        if value is None or value < minimum:
            failed.append(f"{label} {_fmt(value)} < {minimum}")
    verdict = "FAIL: " + "; ".join(failed) if failed else "PASS"
    sys.stdout.write(f"{verdict} (min precision {options.min_precision}, min recall {options.min_recall})\n")
    document.update(
        metrics=metrics,
        blame_problems=problems,
        minimums={"precision": options.min_precision, "recall": options.min_recall},
        passed=not failed,
        ground_truth=truth_json(truth),
    )
    _write_json(options.json, document)
    return 1 if failed else 0


def _write_json(path: str | None, document: dict[str, Any]) -> None:
    if not path:
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2, sort_keys=True, default=str)
        handle.write("\n")


if __name__ == "__main__":
    sys.exit(main())

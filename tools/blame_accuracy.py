#!/usr/bin/env python3
"""Measure `render-check blame` ownership against the real Helm engine (spec section 5.2).

    blame_accuracy.py --chart DIR [--chart DIR]... [--release R] [--namespace NS] [-f FILE]...
    blame_accuracy.py --all-shared
        [--ownership static|exact|auto] [--render-check BIN] [--helm HELM]
        [--json OUT] [--min-precision P] [--min-recall R] [--no-truth-cache] [--workers 2] [--verbose]

Every render is the real helm binary (`--helm`, else $RENDER_CHECK_HELM, else
.build-tools/bin/helm, else `helm` on PATH, else /opt/helm/bin/helm).

Truth (section 5.2):
* merged values: Helm's own COMPUTED VALUES from `helm install REL CHART --dry-run=client
  --debug -n NS [-f ...]` (subchart values and `global` included);
* each scalar leaf that is not a boolean or null is changed alone (integers +7919, floats +0.5,
  strings with "pz" appended) through an overlay file (a list is given whole with the one element
  changed, since Helm replaces lists), rendered with `helm template REL CHART -n NS [-f ...] -f
  overlay`; a refused render leaves the key unmeasured. Renders run on `--workers` (2) processes;
* a rendered leaf is (`# Source:` text, ordinal of the document among that source's documents,
  path: dotted keys, `[name=X]` for a sequence item that is a mapping with a scalar `name`, else
  `[i]`). Only VALUE changes count; leaves that appear or disappear are existence, not counted.
  Leaves whose value differs between two identical base renders (rand, now) are excluded.
The truth is cached per digest (chart files, values files, release, namespace, helm version)
under .build-tools/truth-cache/ (`--no-truth-cache` skips it).

Claims: `owner.anchor` when `owner.layer` is "values", plus the first three `owner.controlled_by`.
A claim of a perturbed key is right when that key drives the leaf; of an unperturbable key
(boolean, null, empty list/map, refused) not counted; of a subtree (`values.config` for a leaf
inside) right if a key under it drives the leaf, wrong if only keys outside it do, else not
counted; of a key the merged values do not hold, wrong.
Precision = right claims / counted claims. Recall = value-driven leaves with a right claim /
value-driven leaves.

Blame runs as `<render-check> blame --chart DIR --release R --namespace NS [-f ...]
[--ownership MODE] --format json <baseline render>` with RENDER_CHECK_HELM set to a wrapper that
counts `helm template` runs, once with a fresh XDG_CACHE_HOME (cold), then again (warm).

Exit 0; 1 when a chart misses --min-precision/--min-recall; 2 on tool errors.
"""

from __future__ import annotations

import argparse
import bisect
import concurrent.futures
import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BINARY = ROOT / ".build" / "debug" / "render-check"
SHARED_CHARTS = ROOT.parent / "shared" / "charts"
TRUTH_CACHE = ROOT / ".build-tools" / "truth-cache"
FIXTURES = ROOT / "charts-fixtures"

INT_STEP = 7919
FLOAT_STEP = 0.5
STRING_SUFFIX = "pz"
TRUTH_FORMAT = 2  # bump when the truth's definition or its JSON changes
RENDER_TIMEOUT = 300

PathParts = tuple  # of str (mapping key) and int (sequence index)
LeafKey = tuple  # (source, ordinal, rendered path)


class ToolError(Exception):
    """Something that makes the measurement impossible (exit 2)."""


# --- values key names (render-check's ValuesPath syntax) ----------------------------------


def _needs_brackets(key: str) -> bool:
    return key == "" or any(ch in key for ch in '.[]"\\')


def format_key(parts: Iterable[Any]) -> str:
    """``("nodeSelector", "kubernetes.io/os")`` -> ``nodeSelector["kubernetes.io/os"]``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _needs_brackets(part):
            text += '["' + part.replace("\\", "\\\\").replace('"', '\\"') + '"]'
        else:
            text += ("." if text else "") + part
    return text


def anchor_name(parts: PathParts) -> str:
    """The name blame prints: ``values.a.b``, ``values.list[0].x``, ``values["a.b"]``."""
    text = format_key(parts)
    if not text:
        return "values"
    return "values" + text if text.startswith("[") else "values." + text


def parse_anchor(text: str) -> PathParts | None:
    """``values.a["b.c"][0]`` -> ``("a", "b.c", 0)``; None when it is not a values key name."""
    if text == "values":
        return ()
    if text.startswith("values."):
        rest = text[len("values.") :]
    elif text.startswith("values["):
        rest = text[len("values") :]
    else:
        return None
    if not rest:
        return None
    parts: list[Any] = []
    index, expect_key = 0, True
    while index < len(rest):
        ch = rest[index]
        if ch == "[":
            index += 1
            if index < len(rest) and rest[index] == '"':
                index += 1
                key, closed = "", False
                while index < len(rest):
                    nxt = rest[index]
                    index += 1
                    if nxt == "\\" and index < len(rest):
                        key += rest[index]
                        index += 1
                    elif nxt == '"':
                        closed = True
                        break
                    else:
                        key += nxt
                if not closed or index >= len(rest) or rest[index] != "]":
                    return None
                parts.append(key)
            else:
                end = rest.find("]", index)
                if end < 0 or not rest[index:end].isdigit():
                    return None
                parts.append(int(rest[index:end]))
                index = end
            index += 1
            expect_key = False
        elif ch == ".":
            if expect_key:
                return None
            index += 1
            expect_key = True
        else:
            if not expect_key:
                return None
            end = index
            while end < len(rest) and rest[end] not in ".[":
                end += 1
            parts.append(rest[index:end])
            index, expect_key = end, False
    return None if expect_key and parts else tuple(parts)


# --- helm ---------------------------------------------------------------------------------


def find_helm(explicit: str | None = None) -> str:
    for candidate in (explicit, os.environ.get("RENDER_CHECK_HELM"), str(ROOT / ".build-tools" / "bin" / "helm"),
                      shutil.which("helm"), "/opt/helm/bin/helm"):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise ToolError("no helm found (give --helm, set RENDER_CHECK_HELM, or run `make helm`)")


@dataclass(frozen=True)
class Helm:
    binary: str

    def run(self, arguments: list[str]) -> subprocess.CompletedProcess:
        try:
            return subprocess.run([self.binary, *arguments], capture_output=True, text=True,
                                  timeout=RENDER_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess([self.binary, *arguments], 124, "", f"timed out after {RENDER_TIMEOUT}s")
        except OSError as error:
            raise ToolError(f"cannot run {self.binary}: {error}") from error

    def version(self) -> str:
        result = self.run(["version", "--short"])
        if result.returncode != 0:
            raise ToolError(f"{self.binary} version failed: {result.stderr.strip()}")
        return result.stdout.strip()

    @staticmethod
    def _files(files: Iterable[str]) -> list[str]:
        out: list[str] = []
        for path in files:
            out += ["-f", path]
        return out

    def template(self, chart: str, release: str, namespace: str, files: Iterable[str]) -> subprocess.CompletedProcess:
        return self.run(["template", release, chart, "-n", namespace, *self._files(files)])

    def computed_values(self, chart: str, release: str, namespace: str, files: Iterable[str]) -> Any:
        result = self.run(["install", release, chart, "--dry-run=client", "--debug", "-n", namespace, *self._files(files)])
        if result.returncode != 0:
            raise ToolError(f"helm install --dry-run=client of {chart} failed: {result.stderr.strip()[-2000:]}")
        return parse_computed_values(result.stdout)


class _ValuesLoader(yaml.CSafeLoader):
    """Helm's values are JSON-like: a date-looking scalar is a string, not a timestamp."""


_ValuesLoader.yaml_implicit_resolvers = {
    first: [entry for entry in entries if entry[0] != "tag:yaml.org,2002:timestamp"]
    for first, entries in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


def parse_computed_values(stdout: str) -> dict[str, Any]:
    """The `COMPUTED VALUES:` section of `helm install --dry-run --debug`, up to HOOKS:/MANIFEST:."""
    lines = stdout.splitlines()
    try:
        start = lines.index("COMPUTED VALUES:") + 1
    except ValueError as error:
        raise ToolError("helm install --dry-run=client --debug printed no COMPUTED VALUES: section") from error
    end = next((i for i in range(start, len(lines)) if lines[i] in ("HOOKS:", "MANIFEST:")), len(lines))
    try:
        values = yaml.load("\n".join(lines[start:end]), Loader=_ValuesLoader)
    except yaml.YAMLError as error:
        raise ToolError(f"helm's COMPUTED VALUES are not YAML: {error}") from error
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise ToolError("helm's COMPUTED VALUES are not a mapping")
    return values


# --- rendered leaves ----------------------------------------------------------------------


@dataclass
class Document:
    source: str
    ordinal: int
    first_line: int  # 1-based, inclusive
    last_line: int


@dataclass
class Rendered:
    leaves: dict[LeafKey, tuple[str, int]] = field(default_factory=dict)  # key -> (value text, 1-based line)
    documents: list[Document] = field(default_factory=list)
    # Paths that name two scalars of one document (two list items with the same `name`): the
    # identity cannot tell them apart, so they are left out like unstable leaves.
    ambiguous: set[LeafKey] = field(default_factory=set)


def _item_segment(item: yaml.Node, index: int) -> str:
    if isinstance(item, yaml.MappingNode):
        for key, value in item.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "name":
                return f"[name={value.value}]" if isinstance(value, yaml.ScalarNode) else f"[{index}]"
    return f"[{index}]"


def _walk(node: yaml.Node, path: str, out: dict[str, tuple[str, int]], repeated: set[str]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                _walk(value, f"{path}.{key.value}" if path else key.value, out, repeated)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + _item_segment(item, index), out, repeated)
    elif isinstance(node, yaml.ScalarNode):
        if path in out:
            repeated.add(path)
        else:
            out[path] = (node.value, node.start_mark.line)


def _chunks(text: str) -> list[tuple[int, str]]:
    """The stream cut at its `---` lines: (0-based first line, text) per document."""
    out, start, current = [], 0, []
    for number, line in enumerate(text.split("\n")):
        if line.rstrip() == "---":
            out.append((start, "\n".join(current) + "\n"))
            start, current = number + 1, []
        else:
            current.append(line)
    out.append((start, "\n".join(current) + "\n"))
    return out


class DocumentMemo:
    """Leaves of a document's text, so the unchanged documents of a re-render are not parsed again.
    Once frozen (after the baseline), documents a perturbation changed are parsed but not kept, so
    memory stays that of the baseline however many renders are compared."""

    def __init__(self) -> None:
        self._parsed: dict[str, tuple[str, dict[str, tuple[str, int]], set[str], int] | None] = {}
        self.frozen = False

    def parse(self, chunk: str) -> tuple[str, dict[str, tuple[str, int]], set[str], int] | None:
        if chunk in self._parsed:
            return self._parsed[chunk]
        parsed = self._parse(chunk)
        if not self.frozen:
            self._parsed[chunk] = parsed
        return parsed

    @staticmethod
    def _parse(chunk: str) -> tuple[str, dict[str, tuple[str, int]], set[str], int] | None:
        source = ""
        for line in chunk.split("\n"):
            if line.startswith("# Source: "):
                source = line[len("# Source: ") :].strip()
                break
        root = yaml.compose(chunk, Loader=yaml.CSafeLoader)
        if root is None or (isinstance(root, yaml.ScalarNode) and root.tag.endswith(":null")):
            return None
        leaves: dict[str, tuple[str, int]] = {}
        repeated: set[str] = set()
        _walk(root, "", leaves, repeated)
        # Lines of the chunk the document spans (an end mark at a line's start ends the line before).
        spanned = root.end_mark.line + (1 if root.end_mark.column else 0)
        return source, leaves, repeated, spanned


def parse_rendered(text: str, memo: DocumentMemo | None = None) -> Rendered:
    """Scalar leaves of a `helm template` stream keyed by (source, ordinal, path)."""
    memo = memo or DocumentMemo()
    out = Rendered()
    ordinals: dict[str, int] = {}
    for first, chunk in _chunks(text):
        parsed = memo.parse(chunk)
        if parsed is None:
            continue
        source, leaves, repeated, last = parsed
        ordinal = ordinals.get(source, 0)
        ordinals[source] = ordinal + 1
        out.documents.append(Document(source, ordinal, first + 1, first + last))
        for path, (value, line) in leaves.items():
            out.leaves[(source, ordinal, path)] = (value, first + line + 1)
        out.ambiguous |= {(source, ordinal, path) for path in repeated}
    return out


def leaf_text(key: LeafKey) -> str:
    source, ordinal, path = key
    return f"{source}#{ordinal} {path}"


# --- truth --------------------------------------------------------------------------------


def values_leaves(values: Any, prefix: PathParts = ()) -> list[tuple[PathParts, Any]]:
    """Every leaf of the merged values in order: scalars, and empty lists/maps as leaves of their own."""
    if isinstance(values, dict) and values:
        out = []
        for key, child in values.items():
            out += values_leaves(child, prefix + (str(key),))
        return out
    if isinstance(values, list) and values:
        out = []
        for index, child in enumerate(values):
            out += values_leaves(child, prefix + (index,))
        return out
    return [(prefix, values)]


def perturb(value: Any) -> Any:
    """Section 5.2's change, or None for what is not perturbed (booleans, nulls, empty lists/maps)."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, int):
        return value + INT_STEP
    if isinstance(value, float):
        return value + FLOAT_STEP
    return str(value) + STRING_SUFFIX


def overlay_for(values: dict[str, Any], parts: PathParts, new: Any) -> dict[str, Any]:
    """A values overlay that sets just ``parts`` to ``new``; a list is carried whole (Helm replaces lists)."""
    first_index = next((i for i, part in enumerate(parts) if isinstance(part, int)), None)
    if first_index is None:
        head, tail = tuple(parts), new
    else:
        head = tuple(parts[:first_index])
        container: Any = values
        for part in head:
            container = container[part]
        tail = copy.deepcopy(container)
        target = tail
        for part in parts[first_index:-1]:
            target = target[part]
        target[parts[-1]] = new
    overlay: dict[str, Any] = {}
    cursor = overlay
    for part in head[:-1]:
        cursor = cursor.setdefault(part, {})
    cursor[head[-1]] = tail
    return overlay


def _keyed_copy(values: Any) -> Any:
    """The values with every mapping key a string, as Helm treats them."""
    if isinstance(values, dict):
        return {str(k): _keyed_copy(v) for k, v in values.items()}
    if isinstance(values, list):
        return [_keyed_copy(v) for v in values]
    return values


@dataclass
class ValuesKey:
    parts: PathParts
    status: str  # perturbed | boolean | null | empty | refused
    error: str = ""
    drives: list[LeafKey] = field(default_factory=list)  # baseline leaves whose value changed


@dataclass
class Truth:
    baseline_text: str
    baseline: Rendered
    unstable: set[LeafKey]
    keys: list[ValuesKey]
    interior: set[PathParts]  # mappings and lists of the merged values (subtree claims)
    renders: int = 0
    seconds: float = 0.0
    cached: bool = False

    @property
    def excluded(self) -> set[LeafKey]:
        """Leaves no score counts: unstable between identical renders, or ambiguous paths."""
        return self.unstable | self.baseline.ambiguous

    @property
    def perturbed(self) -> list[ValuesKey]:
        return [key for key in self.keys if key.status == "perturbed"]

    @property
    def unmeasured(self) -> list[ValuesKey]:
        return [key for key in self.keys if key.status == "refused"]

    def drivers(self) -> dict[LeafKey, set[PathParts]]:
        """Value-driven baseline leaves -> the keys whose change changes their value."""
        out: dict[LeafKey, set[PathParts]] = {}
        excluded = self.excluded
        for key in self.perturbed:
            for leaf in key.drives:
                if leaf not in excluded:
                    out.setdefault(leaf, set()).add(key.parts)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "format": TRUTH_FORMAT,
            "baseline_text": self.baseline_text,
            "unstable": sorted(list(k) for k in self.unstable),
            "interior": sorted((list(p) for p in self.interior), key=json.dumps),
            "keys": [{"parts": list(k.parts), "status": k.status, "error": k.error,
                      "drives": [list(d) for d in k.drives]} for k in self.keys],
            "renders": self.renders,
            "seconds": self.seconds,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Truth":
        if data.get("format") != TRUTH_FORMAT:
            raise ValueError("truth cache of another format")
        text = data["baseline_text"]
        return cls(
            baseline_text=text,
            baseline=parse_rendered(text),
            unstable={tuple(k) for k in data["unstable"]},
            interior={tuple(p) for p in data["interior"]},
            keys=[ValuesKey(tuple(k["parts"]), k["status"], k["error"], [tuple(d) for d in k["drives"]])
                  for k in data["keys"]],
            renders=data["renders"],
            seconds=data["seconds"],
            cached=True,
        )


def _interior(values: Any, prefix: PathParts = ()) -> set[PathParts]:
    out: set[PathParts] = set()
    if isinstance(values, dict):
        out.add(prefix)
        for key, child in values.items():
            out |= _interior(child, prefix + (str(key),))
    elif isinstance(values, list):
        out.add(prefix)
        for index, child in enumerate(values):
            out |= _interior(child, prefix + (index,))
    return out


def compute_truth(helm: Helm, chart: str, release: str, namespace: str, files: Iterable[str] = (),
                  *, workers: int = 2, progress: bool = False) -> Truth:
    files = list(files)
    started = time.monotonic()
    memo = DocumentMemo()

    def render(extra: list[str]) -> tuple[Rendered | None, str, str]:
        result = helm.template(chart, release, namespace, files + extra)
        if result.returncode != 0:
            return None, result.stdout, " ".join(result.stderr.split())[-500:]
        try:
            return parse_rendered(result.stdout, memo), result.stdout, ""
        except yaml.YAMLError as error:
            return None, result.stdout, f"the render is not YAML: {' '.join(str(error).split())}"

    first, baseline_text, error = render([])
    if first is None:
        raise ToolError(f"helm template of {chart} failed: {error}")
    second, _, error = render([])
    if second is None:
        raise ToolError(f"second helm template of {chart} failed: {error}")
    memo.frozen = True
    unstable = {key for key in first.leaves.keys() | second.leaves.keys()
                if first.leaves.get(key, (None,))[0] != second.leaves.get(key, (None,))[0]}
    excluded = unstable | first.ambiguous
    values = _keyed_copy(helm.computed_values(chart, release, namespace, files))
    keys: list[ValuesKey] = []
    jobs: list[tuple[ValuesKey, dict[str, Any]]] = []
    for parts, value in values_leaves(values):
        if not parts:
            continue  # empty values altogether
        if isinstance(value, bool):
            keys.append(ValuesKey(parts, "boolean"))
        elif value is None:
            keys.append(ValuesKey(parts, "null"))
        elif isinstance(value, (dict, list)):
            keys.append(ValuesKey(parts, "empty"))
        else:
            key = ValuesKey(parts, "pending")
            keys.append(key)
            jobs.append((key, overlay_for(values, parts, perturb(value))))

    with tempfile.TemporaryDirectory(prefix="blame-accuracy-") as workdir:
        def measure(job: tuple[int, ValuesKey, dict[str, Any]]) -> None:
            number, key, overlay = job
            path = os.path.join(workdir, f"perturb-{number}.yaml")
            with open(path, "w", encoding="utf-8") as handle:
                yaml.safe_dump(overlay, handle, sort_keys=False)
            rendered, _, failure = render([path])
            if rendered is None:
                key.status, key.error = "refused", failure
                return
            key.status = "perturbed"
            for leaf, (value, _) in first.leaves.items():
                now = rendered.leaves.get(leaf)
                if leaf not in excluded and now is not None and now[0] != value:
                    key.drives.append(leaf)
            if progress:
                sys.stderr.write(f"  {format_key(key.parts)}: {len(key.drives)} leaves\n")

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for _ in pool.map(measure, [(n, k, o) for n, (k, o) in enumerate(jobs)]):
                pass
    return Truth(baseline_text, first, unstable, keys, _interior(values), renders=2 + len(jobs),
                 seconds=round(time.monotonic() - started, 2))


def chart_digest(chart: str, release: str, namespace: str, files: Iterable[str], helm_version: str) -> str:
    digest = hashlib.sha256()
    for part in (f"truth-format {TRUTH_FORMAT}", f"steps {INT_STEP} {FLOAT_STEP} {STRING_SUFFIX}",
                 release, namespace, helm_version):
        digest.update(part.encode() + b"\0")
    for directory, folders, names in os.walk(chart):
        folders.sort()
        for name in sorted(names):
            path = os.path.join(directory, name)
            digest.update(os.path.relpath(path, chart).encode() + b"\0")
            with open(path, "rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
    for path in files:
        with open(path, "rb") as handle:
            digest.update(b"values\0" + hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()


def cached_truth(helm: Helm, chart: str, release: str, namespace: str, files: list[str], *,
                 cache_dir: Path | None, workers: int, progress: bool) -> Truth:
    if cache_dir is None:
        return compute_truth(helm, chart, release, namespace, files, workers=workers, progress=progress)
    digest = chart_digest(chart, release, namespace, files, helm.version())
    path = cache_dir / f"{digest}.json"
    try:
        with open(path, encoding="utf-8") as handle:
            return Truth.from_json(json.load(handle))
    except (OSError, ValueError, KeyError, TypeError):
        pass  # absent, corrupt or foreign: measured again
    truth = compute_truth(helm, chart, release, namespace, files, workers=workers, progress=progress)
    cache_dir.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".truth-", dir=cache_dir)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(truth.to_json(), out)
    os.replace(temporary, path)
    return truth


# --- claims and scoring -------------------------------------------------------------------


def blame_claims(document: dict[str, Any], truth: Truth) -> tuple[dict[LeafKey, list[str]], list[str]]:
    """Each blame leaf's claims (anchor of a values owner, then at most three controlled_by),
    keyed by the baseline leaf it sits on (found by its line, so document order does not matter)."""
    documents = truth.baseline.documents
    starts = [doc.first_line for doc in documents]
    claims: dict[LeafKey, list[str]] = {}
    problems: list[str] = []
    for index, raw in enumerate(document.get("leaves", [])):
        if not isinstance(raw, dict) or not isinstance(raw.get("path"), str) or not isinstance(raw.get("line"), int):
            problems.append(f"leaf {index}: no path or line")
            continue
        position = bisect.bisect_right(starts, raw["line"]) - 1
        if position < 0 or raw["line"] > documents[position].last_line:
            problems.append(f"leaf {index} at line {raw['line']}: in no rendered document")
            continue
        doc = documents[position]
        key = (doc.source, doc.ordinal, raw["path"])
        if key not in truth.baseline.leaves:
            problems.append(f"leaf {index}: {leaf_text(key)} is not a rendered scalar")
            continue
        if raw.get("source", doc.source) != doc.source:
            problems.append(f"leaf {index}: source {raw.get('source')!r}, the render says {doc.source!r}")
        owner = raw.get("owner") if isinstance(raw.get("owner"), dict) else {}
        found: list[str] = []
        if owner.get("layer") == "values" and isinstance(owner.get("anchor"), str) and owner["anchor"]:
            found.append(owner["anchor"])
        controlled = owner.get("controlled_by") if isinstance(owner.get("controlled_by"), list) else []
        for claim in [c for c in controlled if isinstance(c, str)][:3]:
            if claim not in found:
                found.append(claim)
        if key in claims:
            if key not in truth.baseline.ambiguous:
                problems.append(f"leaf {index}: {leaf_text(key)} listed twice")
            continue
        claims[key] = found
    return claims, problems


RIGHT, WRONG, UNCOUNTED = "right", "wrong", "not counted"


def judge(claim: str, drivers: set[PathParts], statuses: dict[PathParts, str], interior: set[PathParts]) -> str:
    """One claim on one leaf, by section 5.2's rules."""
    parts = parse_anchor(claim)
    if parts is None:
        return WRONG  # not a values key at all
    status = statuses.get(parts)
    if status == "perturbed":
        return RIGHT if parts in drivers else WRONG
    if status is not None:
        return UNCOUNTED  # boolean, null, empty list or map, refused
    if parts in interior:
        if any(d[: len(parts)] == parts for d in drivers):
            return RIGHT
        return WRONG if drivers else UNCOUNTED
    return WRONG  # the merged values do not hold it


@dataclass
class Score:
    keys_perturbed: int
    unmeasured: int
    value_driven: int
    right: int
    wrong: int
    uncounted: int
    recalled: int
    wrong_claims: list[dict[str, Any]]
    misses: list[dict[str, Any]]

    @property
    def precision(self) -> float | None:
        return self.right / (self.right + self.wrong) if self.right + self.wrong else None

    @property
    def recall(self) -> float | None:
        return self.recalled / self.value_driven if self.value_driven else None


def score(truth: Truth, claims: dict[LeafKey, list[str]]) -> Score:
    drivers = truth.drivers()
    statuses = {key.parts: key.status for key in truth.keys}
    right = wrong = uncounted = 0
    wrong_claims: list[dict[str, Any]] = []
    recalled_leaves: set[LeafKey] = set()
    excluded = truth.excluded
    for leaf, found in claims.items():
        if leaf in excluded:
            continue
        driving = drivers.get(leaf, set())
        for claim in found:
            verdict = judge(claim, driving, statuses, truth.interior)
            if verdict == RIGHT:
                right += 1
                recalled_leaves.add(leaf)
            elif verdict == WRONG:
                wrong += 1
                wrong_claims.append({"leaf": leaf_text(leaf), "claim": claim,
                                     "drivers": sorted(anchor_name(d) for d in driving)})
            else:
                uncounted += 1
    misses = [{"leaf": leaf_text(leaf), "value": truth.baseline.leaves[leaf][0],
               "claims": claims.get(leaf), "drivers": sorted(anchor_name(d) for d in driving)}
              for leaf, driving in sorted(drivers.items(), key=lambda item: leaf_text(item[0]))
              if leaf not in recalled_leaves]
    return Score(len(truth.perturbed), len(truth.unmeasured), len(drivers), right, wrong, uncounted,
                 len(recalled_leaves & drivers.keys()), wrong_claims, misses)


# --- blame --------------------------------------------------------------------------------

COUNTING_HELM = """#!/bin/sh
# Counts `helm template` runs for the accuracy harness, then runs the real helm.
for argument in "$@"; do
  if [ "$argument" = template ]; then echo template >> {count}; break; fi
done
exec {helm} "$@"
"""


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


@dataclass
class BlameRun:
    document: dict[str, Any]
    renders_cold: int
    renders_warm: int | None  # None: no warm run was asked for
    seconds_cold: float
    seconds_warm: float | None
    warm_differs: bool


def counting_helm(helm: Helm, workdir: str) -> tuple[str, str]:
    """A helm wrapper in ``workdir`` that appends a line to a count file per `template` run: (wrapper, count file)."""
    count = os.path.join(workdir, "helm-templates")
    wrapper = os.path.join(workdir, "helm")
    with open(wrapper, "w", encoding="utf-8") as handle:
        handle.write(COUNTING_HELM.format(count=_shell_quote(count), helm=_shell_quote(os.path.abspath(helm.binary))))
    os.chmod(wrapper, 0o755)
    return wrapper, count


def counted_renders(count: str) -> int:
    if not os.path.exists(count):
        return 0
    with open(count, encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def run_blame(binary: str, helm: Helm, chart: str, release: str, namespace: str, files: list[str],
              ownership: str | None, rendered_file: str, workdir: str, warm: bool = True) -> BlameRun:
    """Blame once with a fresh cache folder (cold) and, with ``warm``, once more on the same folder."""
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        raise ToolError(f"render-check binary not found at {binary} (build it with `swift build`, "
                        "or point --render-check / $RENDER_CHECK_BIN at it)")
    wrapper, count = counting_helm(helm, workdir)
    cache = os.path.join(workdir, "xdg-cache")
    os.mkdir(cache)
    command = [binary, "blame", "--chart", chart, "--release", release, "--namespace", namespace]
    for path in files:
        command += ["-f", path]
    if ownership:
        command += ["--ownership", ownership]
    command += ["--format", "json", rendered_file]
    environment = dict(os.environ, RENDER_CHECK_HELM=wrapper, XDG_CACHE_HOME=cache)

    def once() -> tuple[str, int, float]:
        if os.path.exists(count):
            os.unlink(count)
        started = time.monotonic()
        try:
            result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True,
                                    timeout=900, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ToolError(f"{' '.join(command)}: {error}") from error
        seconds = time.monotonic() - started
        if result.returncode != 0:
            raise ToolError(f"{' '.join(command)} exited {result.returncode}: {result.stderr.strip()[-2000:]}")
        return result.stdout, counted_renders(count), seconds

    cold_text, renders_cold, seconds_cold = once()
    warm_text, renders_warm, seconds_warm = once() if warm else (cold_text, None, None)
    try:
        document = json.loads(cold_text)
    except ValueError as error:
        raise ToolError(f"render-check blame printed no JSON: {error}") from error
    if not isinstance(document, dict) or document.get("schema_version") != 1 or not isinstance(document.get("leaves"), list):
        raise ToolError("render-check blame JSON is not {schema_version: 1, leaves: [...]}")
    return BlameRun(document, renders_cold, renders_warm, round(seconds_cold, 2),
                    None if seconds_warm is None else round(seconds_warm, 2), warm_text != cold_text)


# --- charts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartSpec:
    name: str
    path: str
    release: str
    namespace: str
    values: tuple[str, ...] = ()


def shared_specs(shared: Path = SHARED_CHARTS) -> list[ChartSpec]:
    """Every public chart of ../shared/charts, the umbrella over two of them, and the two fixture charts."""
    specs = []
    if shared.is_dir():
        specs += [ChartSpec(p.name, str(p), "demo", "demo") for p in sorted(shared.iterdir()) if (p / "Chart.yaml").is_file()]
        specs.append(ChartSpec("umbrella", str(FIXTURES / "umbrella"), "umb", "umb"))
    specs.append(ChartSpec("bijux-atlas", str(FIXTURES / "bijux-atlas"), "atlas-e2e", "atlas-e2e"))
    specs.append(ChartSpec("relay", str(FIXTURES / "relay"), "relay-e2e", "atlas-e2e"))
    return specs


def prepare_chart(chart: str, workdir: str, dependency_source: Path = SHARED_CHARTS) -> str:
    """The chart itself, or (when Chart.yaml names dependencies that charts/ lacks) a temporary copy
    with those dependencies copied in from ``dependency_source``, where `helm dependency build` puts them."""
    with open(os.path.join(chart, "Chart.yaml"), encoding="utf-8") as handle:
        metadata = yaml.safe_load(handle) or {}
    charts = os.path.join(chart, "charts")
    vendored = os.listdir(charts) if os.path.isdir(charts) else []
    missing = []
    for dependency in metadata.get("dependencies") or []:
        name = str(dependency.get("name", ""))
        if name not in vendored and not any(n.startswith(name + "-") and n.endswith(".tgz") for n in vendored):
            missing.append(name)
    if not missing:
        return chart
    target = os.path.join(workdir, os.path.basename(os.path.normpath(chart)))
    shutil.copytree(chart, target)
    for name in missing:
        source = dependency_source / name
        if not (source / "Chart.yaml").is_file():
            raise ToolError(f"{chart}: dependency {name} is not under charts/ nor in {dependency_source}")
        shutil.copytree(source, os.path.join(target, "charts", name))
    return target


@dataclass
class ChartResult:
    spec: ChartSpec
    mode: str
    truth: Truth | None = None
    score: Score | None = None
    blame: BlameRun | None = None
    problems: list[str] = field(default_factory=list)
    error: str = ""

    def row(self) -> dict[str, Any]:
        row: dict[str, Any] = {"chart": self.spec.name, "mode": self.mode}
        if self.error:
            return {**row, "error": self.error}
        assert self.truth and self.score and self.blame
        return {
            **row,
            "keys_perturbed": self.score.keys_perturbed,
            "unmeasured": self.score.unmeasured,
            "value_driven_leaves": self.score.value_driven,
            "precision": self.score.precision,
            "recall": self.score.recall,
            "right_claims": self.score.right,
            "wrong_claims": self.score.wrong,
            "uncounted_claims": self.score.uncounted,
            "recalled_leaves": self.score.recalled,
            "helm_renders_cold": self.blame.renders_cold,
            "helm_renders_warm": self.blame.renders_warm,
            "blame_seconds_cold": self.blame.seconds_cold,
            "blame_seconds_warm": self.blame.seconds_warm,
            "warm_output_differs": self.blame.warm_differs,
            "unstable_leaves": len(self.truth.unstable),
            "ambiguous_leaves": len(self.truth.baseline.ambiguous),
            "truth_renders": self.truth.renders,
            "truth_seconds": self.truth.seconds,
            "truth_cached": self.truth.cached,
            "blame_problems": self.problems,
            "wrong": self.score.wrong_claims,
            "misses": self.score.misses,
        }


def measure_chart(spec: ChartSpec, mode: str | None, *, binary: str, helm: Helm, cache_dir: Path | None,
                  workers: int = 2, progress: bool = False, warm: bool = True) -> ChartResult:
    result = ChartResult(spec, mode or "default")
    try:
        with tempfile.TemporaryDirectory(prefix="blame-accuracy-") as workdir:
            chart = prepare_chart(spec.path, workdir)
            files = [os.path.abspath(f) for f in spec.values]
            result.truth = cached_truth(helm, chart, spec.release, spec.namespace, files,
                                        cache_dir=cache_dir, workers=workers, progress=progress)
            rendered = os.path.join(workdir, f"{spec.name}.yaml")
            with open(rendered, "w", encoding="utf-8") as handle:
                handle.write(result.truth.baseline_text)
            blame_dir = os.path.join(workdir, "blame")
            os.mkdir(blame_dir)
            result.blame = run_blame(binary, helm, chart, spec.release, spec.namespace, files, mode, rendered, blame_dir,
                                     warm=warm)
        claims, result.problems = blame_claims(result.blame.document, result.truth)
        result.score = score(result.truth, claims)
    except ToolError as error:
        result.error = str(error)
    return result


# --- report -------------------------------------------------------------------------------

COLUMNS = ["chart", "mode", "keys perturbed", "unmeasured", "value-driven leaves", "precision", "recall",
           "helm renders cold/warm", "blame s cold/warm"]


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _or_dash(value: float | int | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def table(results: list[ChartResult]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    for r in results:
        if r.error:
            cells = [r.spec.name, r.mode, "error: " + " ".join(r.error.split())[:120]] + [""] * (len(COLUMNS) - 3)
        else:
            assert r.score and r.blame
            cells = [r.spec.name, r.mode, str(r.score.keys_perturbed), str(r.score.unmeasured), str(r.score.value_driven),
                     _ratio(r.score.precision), _ratio(r.score.recall),
                     f"{r.blame.renders_cold}/{_or_dash(r.blame.renders_warm)}",
                     f"{r.blame.seconds_cold:.2f}/{_or_dash(r.blame.seconds_warm)}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def details(result: ChartResult, limit: int = 25) -> str:
    if result.error or not result.score or not result.truth:
        return ""
    out = [f"{result.spec.name} ({result.mode}): claims right {result.score.right}, wrong {result.score.wrong}, "
           f"not counted {result.score.uncounted}; truth {result.truth.renders} renders in {result.truth.seconds}s"
           f"{' (cached)' if result.truth.cached else ''}; {len(result.truth.unstable)} unstable and "
           f"{len(result.truth.baseline.ambiguous)} ambiguous leaves excluded"]
    for key in result.truth.unmeasured[:limit]:
        out.append(f"  UNMEASURED {anchor_name(key.parts)}: {key.error[:200]}")
    for item in result.score.wrong_claims[:limit]:
        out.append(f"  WRONG {item['leaf']}: {item['claim']}; drivers {', '.join(item['drivers']) or 'none'}")
    for item in result.score.misses[:limit]:
        out.append(f"  MISS  {item['leaf']} = {item['value'][:60]!r}: claims {item['claims']}; drivers {', '.join(item['drivers'])}")
    for problem in result.problems[:limit]:
        out.append(f"  BLAME {problem}")
    return "\n".join(out) + "\n"


def default_binary() -> str:
    return os.environ.get("RENDER_CHECK_BIN") or str(DEFAULT_BINARY)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chart", action="append", default=[], help="a chart folder (repeatable)")
    parser.add_argument("--all-shared", action="store_true",
                        help="every chart of ../shared/charts, the umbrella and the two fixture charts")
    parser.add_argument("--release", default="demo", help="release for --chart (default demo)")
    parser.add_argument("--namespace", default="demo", help="namespace for --chart (default demo)")
    parser.add_argument("-f", "--values", action="append", default=[], metavar="FILE", help="values overlay for --chart")
    parser.add_argument("--ownership", choices=["static", "exact", "auto"], default=None,
                        help="passed to blame as --ownership (not passed when absent)")
    parser.add_argument("--render-check", default=None, help="binary (default $RENDER_CHECK_BIN or .build/debug/render-check)")
    parser.add_argument("--helm", default=None, help="helm binary for the truth")
    parser.add_argument("--json", default=None, metavar="OUT", help="write the rows (with misses and wrong claims) here")
    parser.add_argument("--min-precision", type=float, default=None)
    parser.add_argument("--min-recall", type=float, default=None)
    parser.add_argument("--no-truth-cache", action="store_true", help="measure the truth again instead of reading .build-tools/truth-cache")
    parser.add_argument("--workers", type=int, default=2, help="parallel perturbation renders (default 2)")
    parser.add_argument("--verbose", action="store_true", help="print unmeasured keys, wrong claims and misses")
    options = parser.parse_args(argv)

    specs = [ChartSpec(os.path.basename(os.path.normpath(c)), os.path.abspath(c), options.release, options.namespace,
                       tuple(options.values)) for c in options.chart]
    if options.all_shared:
        specs += shared_specs()
    if not specs:
        parser.error("give --chart DIR or --all-shared")
    try:
        helm = Helm(find_helm(options.helm))
    except ToolError as error:
        sys.stderr.write(f"blame_accuracy: {error}\n")
        return 2
    cache_dir = None if options.no_truth_cache else TRUTH_CACHE
    started = time.monotonic()
    results = []
    for spec in specs:
        result = measure_chart(spec, options.ownership, binary=options.render_check or default_binary(), helm=helm,
                               cache_dir=cache_dir, workers=options.workers, progress=options.verbose)
        results.append(result)
        if result.error:
            sys.stderr.write(f"blame_accuracy: {spec.name}: {result.error}\n")
        elif options.verbose:
            sys.stderr.write(details(result))
    sys.stdout.write(table(results))
    elapsed = time.monotonic() - started
    sys.stdout.write(f"harness wall time {elapsed:.1f}s, helm {helm.binary}\n")

    failed = []
    for r in results:
        if r.error or not r.score:
            continue
        for label, value, minimum in (("precision", r.score.precision, options.min_precision),
                                      ("recall", r.score.recall, options.min_recall)):
            if minimum is not None and (value is None or value < minimum):
                failed.append(f"{r.spec.name}: {label} {_ratio(value)} < {minimum}")
    for line in failed:
        sys.stdout.write(f"FAIL {line}\n")
    if options.json:
        Path(options.json).parent.mkdir(parents=True, exist_ok=True)
        with open(options.json, "w", encoding="utf-8") as handle:
            json.dump({"rows": [r.row() for r in results], "wall_seconds": round(elapsed, 1), "failed": failed},
                      handle, indent=2, sort_keys=True)
            handle.write("\n")
    if any(r.error for r in results):
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

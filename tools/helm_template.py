#!/usr/bin/env python3
"""`helm template` for machines without a helm binary, over helm-python-sdk.

    helm_template.py template RELEASE CHART [-n NS] [-f FILE]... [--set EXPR]...
    helm_template.py RELEASE CHART ...          (the word `template` is optional)

Helm's own engine renders the templates (``helm_python.Chart.render``, Helm v4
as a shared library); this script only does what the `helm template` command
does around the engine, the way Helm's Go code does it:

* values: ``-f`` files merged in order with Helm's ``mergeMaps`` (later wins,
  maps merge deeply, ``null`` overrides and then deletes the chart default when
  the engine coalesces), then ``--set-json``, ``--set``, ``--set-string``,
  ``--set-file``, ``--set-literal`` in Helm's order;
* output: ``releaseutil.SortManifests`` + ``renderResources`` + ``cmd/template``:
  NOTES.txt and ``_`` partials dropped, each file split with Helm's separator
  regex, documents sorted by kind install order (stable: template path, then
  order in the file), each printed as ``---\\n# Source: <path>\\n<doc>\\n``, the
  whole trimmed and terminated by one newline, then the hooks.

render-check runs this as ``RENDER_CHECK_HELM``; ``render_fixtures.py`` imports
:func:`template` so fixtures and the CLI share one code path.

Limitation: ``--set a[0]=x`` replaces a list from the values files instead of
patching its first element (Helm's ``strvals.ParseInto`` patches in place).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Any, Iterable, Sequence

import yaml

import helm_python

# pkg/release/v1/util/kind_sorter.go: InstallOrder (Helm v4).
INSTALL_ORDER = (
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
)
_ORDER = {kind: index for index, kind in enumerate(INSTALL_ORDER)}

HOOK_ANNOTATION = "helm.sh/hook"
HOOK_EVENTS = frozenset(
    {
        "pre-install",
        "post-install",
        "pre-delete",
        "post-delete",
        "pre-upgrade",
        "post-upgrade",
        "pre-rollback",
        "post-rollback",
        "test",
        "test-success",
    }
)

# Go's regexp `(?:^|\s*\n)---\s*`; RE2's \s is [\t\n\f\r ].
_SEPARATOR = re.compile(r"(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*")


class RenderError(Exception):
    """A chart that cannot be rendered; the message is what helm would print."""


# --- Go string helpers --------------------------------------------------------


def _go_space(char: str) -> bool:
    # unicode.IsSpace: Python's isspace() minus the ASCII information separators.
    return char.isspace() and char not in "\x1c\x1d\x1e\x1f"


def _trim_left(text: str) -> str:
    index = 0
    while index < len(text) and _go_space(text[index]):
        index += 1
    return text[index:]


def _trim(text: str) -> str:
    end = len(text)
    while end > 0 and _go_space(text[end - 1]):
        end -= 1
    return _trim_left(text[:end])


# --- values -------------------------------------------------------------------


def merge_maps(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Helm's ``mergeMaps`` (pkg/cli/values): later wins, maps merge deeply."""
    out = dict(base)
    for key, value in override.items():
        current = out.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            out[key] = merge_maps(current, value)
        else:
            out[key] = value
    return out


def _read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def read_values_file(path: str) -> dict[str, Any]:
    """One ``-f`` file, parsed the way Helm parses it."""
    try:
        text = _read_text(path)
    except OSError as error:
        raise RenderError(f"open {path}: {error.strerror or error}") from error
    try:
        return helm_python.values_from_yaml(text)
    except helm_python.HelmError as error:
        raise RenderError(f"failed to parse {path}: {error}") from error


def user_values(
    value_files: Sequence[str] = (),
    set_values: Sequence[str] = (),
    *,
    set_string: Sequence[str] = (),
    set_json: Sequence[str] = (),
    set_file: Sequence[str] = (),
    set_literal: Sequence[str] = (),
) -> dict[str, Any]:
    """The user-supplied values, merged in Helm's order (``values.Options.MergeValues``)."""
    base: dict[str, Any] = {}
    for path in value_files:
        base = merge_maps(base, read_values_file(path))
    try:
        for expression in set_json:
            stripped = expression.strip()
            if stripped.startswith("{"):
                try:
                    parsed = json.loads(stripped)
                except ValueError as error:
                    raise RenderError(f"failed parsing --set-json data {expression}: {error}") from error
                base = merge_maps(base, parsed)
            else:
                base = merge_maps(base, helm_python.parse_set_json(expression))
        for expression in set_values:
            base = merge_maps(base, helm_python.parse_set_string(expression))
        for expression in set_string:
            base = merge_maps(base, helm_python.parse_set_string_values(expression))
        for expression in set_file:
            base = merge_maps(base, helm_python.parse_set_file(expression))
        for expression in set_literal:
            base = merge_maps(base, helm_python.parse_set_literal(expression))
    except helm_python.HelmError as error:
        raise RenderError(f"failed parsing --set data: {error}") from error
    return base


# --- manifests ----------------------------------------------------------------


def split_manifests(content: str) -> list[str]:
    """``releaseutil.SplitManifests``: documents in file order, left-trimmed."""
    documents = []
    for document in _SEPARATOR.split(_trim_left(content)):
        if document == "":
            continue
        documents.append(_trim_left(document))
    return documents


def _head(document: str, path: str) -> tuple[str, dict[str, str] | None]:
    """The ``SimpleHead`` Helm unmarshals: kind and metadata.annotations."""
    try:
        data = yaml.load(document, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as error:
        raise RenderError(f"YAML parse error on {path}: {error}") from error
    if data is None:
        return "", None
    if not isinstance(data, dict):
        raise RenderError(
            f"YAML parse error on {path}: error unmarshaling JSON: "
            f"json: cannot unmarshal {type(data).__name__} into Go value of type util.SimpleHead"
        )
    kind = data.get("kind")
    if kind is None:
        kind = ""
    if not isinstance(kind, str):
        raise RenderError(f"YAML parse error on {path}: cannot unmarshal kind {kind!r} into a string")
    metadata = data.get("metadata")
    if metadata is None:
        return kind, None
    if not isinstance(metadata, dict):
        raise RenderError(f"YAML parse error on {path}: cannot unmarshal metadata into an object")
    annotations = metadata.get("annotations")
    if annotations is None:
        return kind, None
    if not isinstance(annotations, dict) or not all(
        isinstance(value, str) for value in annotations.values()
    ):
        raise RenderError(
            f"YAML parse error on {path}: cannot unmarshal metadata.annotations into map[string]string"
        )
    return kind, {str(key): value for key, value in annotations.items()}


def _kind_key(kind: str) -> tuple[int, str]:
    # lessByKind: known kinds by install order, unknown kinds last, alphabetically.
    if kind in _ORDER:
        return (0, f"{_ORDER[kind]:04d}")
    return (1, kind)


class Document:
    """One rendered document and the template it came from."""

    __slots__ = ("path", "kind", "content", "events")

    def __init__(self, path: str, kind: str, content: str, events: tuple[str, ...] = ()):
        self.path = path
        self.kind = kind
        self.content = content
        self.events = events

    def render(self) -> str:
        return f"---\n# Source: {self.path}\n{self.content}\n"


def sort_manifests(files: dict[str, str]) -> tuple[list[Document], list[Document]]:
    """``releaseutil.SortManifests``: (hooks, manifests), each sorted by kind."""
    hooks: list[Document] = []
    manifests: list[Document] = []
    for path in sorted(files):
        content = files[path]
        if os.path.basename(path).startswith("_") or path.endswith("NOTES.txt"):
            continue
        if _trim(content) == "":
            continue
        for document in split_manifests(content):
            kind, annotations = _head(document, path)
            if not annotations or HOOK_ANNOTATION not in annotations:
                manifests.append(Document(path, kind, document))
                continue
            events = tuple(
                event.strip().lower() for event in annotations[HOOK_ANNOTATION].split(",")
            )
            if any(event not in HOOK_EVENTS for event in events):
                continue  # Helm skips hooks of unknown types
            hooks.append(Document(path, kind, document, events))
    hooks.sort(key=lambda document: _kind_key(document.kind))
    manifests.sort(key=lambda document: _kind_key(document.kind))
    return hooks, manifests


# --- rendering ----------------------------------------------------------------


def render_files(
    chart_dir: str,
    release: str,
    namespace: str,
    values: dict[str, Any],
    *,
    is_upgrade: bool = False,
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Render with Helm's engine; returns ({template path: text}, crds)."""
    try:
        helm_python.validate_release_name(release)
    except helm_python.HelmError as error:
        raise RenderError(f"release name {release!r}: {error}") from error
    try:
        chart = helm_python.Chart.load(chart_dir)
    except helm_python.HelmError as error:
        raise RenderError(str(error)) from error
    with chart:
        try:
            if chart.schema is not None:
                chart.validate_schema(chart.merge_values(values))
            rendered = chart.render(
                values=values,
                name=release,
                namespace=namespace,
                revision=1,
                is_install=not is_upgrade,
                is_upgrade=is_upgrade,
            )
            crds = chart.crds
            name = chart.name
        except helm_python.HelmError as error:
            raise RenderError(str(error)) from error
    files = {}
    for path, text in rendered.items():
        path = path.replace("\\", "/")
        if not path.startswith(f"{name}/"):
            path = f"{name}/{path.lstrip('/')}"
        files[path] = text
    return files, crds


def template(
    chart_dir: str,
    release: str = "release-name",
    namespace: str = "default",
    value_files: Sequence[str] = (),
    set_values: Sequence[str] = (),
    *,
    set_string: Sequence[str] = (),
    set_json: Sequence[str] = (),
    set_file: Sequence[str] = (),
    set_literal: Sequence[str] = (),
    include_crds: bool = False,
    skip_tests: bool = False,
    no_hooks: bool = False,
    is_upgrade: bool = False,
) -> str:
    """The text `helm template RELEASE CHART -n NAMESPACE -f ... --set ...` prints."""
    values = user_values(
        value_files,
        set_values,
        set_string=set_string,
        set_json=set_json,
        set_file=set_file,
        set_literal=set_literal,
    )
    files, crds = render_files(chart_dir, release, namespace, values, is_upgrade=is_upgrade)
    hooks, manifests = sort_manifests(files)
    manifest = []
    if include_crds:
        for crd in crds:
            manifest.append(f"---\n# Source: {crd.get('filename') or crd.get('name')}\n{crd.get('data', '')}\n")
    manifest.extend(document.render() for document in manifests)
    out = [_trim("".join(manifest)), "\n"]
    if not no_hooks:
        for hook in hooks:
            if skip_tests and ("test" in hook.events or "test-success" in hook.events):
                continue
            out.append(hook.render())
    return "".join(out)


# --- command line -------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # helm prints `Error: ...` and exits 1
        self.print_usage(sys.stderr)
        sys.stderr.write(f"Error: {message}\n")
        raise SystemExit(1)


def _split_commas(values: Iterable[str]) -> list[str]:
    # Helm's -f flag is a list value that also splits on commas.
    return [part for value in values for part in value.split(",") if part != ""]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="helm_template.py",
        description="Render a chart like `helm template`, with Helm's engine from helm-python-sdk.",
    )
    parser.add_argument("args", nargs="*", metavar="[template] [NAME] CHART")
    parser.add_argument("-n", "--namespace", default=None, help="namespace (default: $HELM_NAMESPACE or default)")
    parser.add_argument("-f", "--values", action="append", default=[], metavar="FILE", help="values file (repeatable, comma-separated)")
    parser.add_argument("--set", action="append", default=[], metavar="EXPR")
    parser.add_argument("--set-string", action="append", default=[], metavar="EXPR")
    parser.add_argument("--set-json", action="append", default=[], metavar="EXPR")
    parser.add_argument("--set-file", action="append", default=[], metavar="EXPR")
    parser.add_argument("--set-literal", action="append", default=[], metavar="EXPR")
    parser.add_argument("--include-crds", action="store_true")
    parser.add_argument("--skip-tests", action="store_true")
    parser.add_argument("--no-hooks", action="store_true")
    parser.add_argument("--is-upgrade", action="store_true")
    # Accepted for command-line compatibility; they change nothing offline.
    parser.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dry-run", nargs="?", const="client", help=argparse.SUPPRESS)
    parser.add_argument("--kube-version", help=argparse.SUPPRESS)
    parser.add_argument("-a", "--api-versions", action="append", default=[], help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    options = parser.parse_intermixed_args(argv)
    positional = list(options.args)
    if len(positional) >= 2 and positional[0] == "template":
        positional = positional[1:]
    if not positional:
        parser.error("requires at least 1 arg(s), only received 0")
    if len(positional) > 2:
        parser.error(f"expected at most two arguments, unexpected arguments: {' '.join(positional[2:])}")
    release, chart = ("release-name", positional[0]) if len(positional) == 1 else positional
    namespace = options.namespace or os.environ.get("HELM_NAMESPACE") or "default"
    try:
        text = template(
            chart,
            release,
            namespace,
            _split_commas(options.values),
            options.set,
            set_string=options.set_string,
            set_json=options.set_json,
            set_file=options.set_file,
            set_literal=options.set_literal,
            include_crds=options.include_crds,
            skip_tests=options.skip_tests,
            no_hooks=options.no_hooks,
            is_upgrade=options.is_upgrade,
        )
    except RenderError as error:
        sys.stderr.write(f"Error: {error}\n")
        return 1
    try:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

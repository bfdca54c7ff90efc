"""Ownership accuracy of `render-check blame`, scored by tools/blame_accuracy.py (spec section 5.2)
against the real helm binary, on every public chart of ../shared/charts, an umbrella chart over two
of them, and the two fixture charts; plus the harness's own scoring rules on hand-built truths.

The chart cases need the render-check binary ($RENDER_CHECK_BIN, else .build/debug/render-check;
they fail without it) and a helm (skip without one); the public charts and the umbrella skip when
../shared/charts is absent. The truth is measured afresh in every session (set
BLAME_ACCURACY_TRUTH_CACHE=1 to reuse .build-tools/truth-cache locally). `pytest -s` prints the figures.
"""

from __future__ import annotations

import functools
import os
import subprocess
import textwrap
from pathlib import Path

import pytest

import blame_accuracy as ba
from conftest import ROOT

# --- thresholds: the one place to change them -------------------------------------------------
# Static floors sit a little below what the static reading reaches today (measured with
# `tools/blame_accuracy.py --all-shared --ownership static`), so a regression fails.
STATIC_FLOORS = {  # chart: (precision, recall); the target is 0.95 / 0.90 (issue 10)
    "metrics-server": (0.97, 0.97),
    "cert-manager": (0.97, 0.94),
    "keda": (0.96, 0.96),
    "vault": (0.95, 0.93),
    "traefik": (0.96, 0.91),
    "nginx": (0.97, 0.97),
    "redis": (0.95, 0.93),
    "umbrella": (0.97, 0.92),
    "bijux-atlas": (0.93, 0.97),
    "relay": (0.97, 0.92),
}
# Measured ownership's target is precision >= 0.99 and recall >= 0.98 on every chart (issue 10); the
# floors are what the engine reaches today (`tools/blame_accuracy.py --all-shared --ownership exact`),
# a little below, so that a regression fails: every chart is at the target (1.000 / 1.000 today).
EXACT_TARGET = (0.99, 0.98)
EXACT_FLOORS = {  # chart: (precision, recall)
    "metrics-server": EXACT_TARGET,
    "cert-manager": EXACT_TARGET,
    "keda": EXACT_TARGET,
    "vault": EXACT_TARGET,
    "traefik": EXACT_TARGET,
    "nginx": EXACT_TARGET,
    "redis": EXACT_TARGET,
    "umbrella": EXACT_TARGET,
    "bijux-atlas": EXACT_TARGET,
    "relay": EXACT_TARGET,
}
EXACT_MAX_RENDERS = 40
MODES = ("static", "exact")

SPECS = {spec.name: spec for spec in ba.shared_specs()}


def render_check_binary() -> str:
    return os.environ.get("RENDER_CHECK_BIN") or str(ROOT / ".build" / "debug" / "render-check")


@functools.lru_cache(maxsize=None)
def blame_help() -> str:
    binary = render_check_binary()
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        pytest.fail(f"render-check binary not found at {binary}: build it (`swift build`) or set RENDER_CHECK_BIN")
    return subprocess.run([binary, "blame", "--help"], capture_output=True, text=True, check=False).stdout


@pytest.fixture(scope="session")
def helm() -> ba.Helm:
    try:
        return ba.Helm(ba.find_helm())
    except ba.ToolError as error:
        pytest.skip(str(error))


@pytest.fixture(scope="session")
def truth_cache(tmp_path_factory) -> Path:
    """Per session, so the static and exact cases of a chart share one measured truth."""
    if os.environ.get("BLAME_ACCURACY_TRUTH_CACHE") == "1":
        return ba.TRUTH_CACHE
    return tmp_path_factory.mktemp("truth-cache")


def _case_id(case) -> str:
    return f"{case[0]}-{case[1]}"


CASES = [(name, mode) for name in STATIC_FLOORS for mode in MODES]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_blame_accuracy(case, helm, truth_cache):
    name, mode = case
    if name not in SPECS:
        pytest.skip(f"{name}: ../shared/charts is absent")
    has_flag = "--ownership" in blame_help()
    if mode == "exact" and not has_flag:
        pytest.skip("render-check blame has no --ownership yet (measured ownership not merged)")
    # Before --ownership exists, the binary's only reading is the static one.
    ownership = mode if has_flag else None
    # The warm run matters for the measured engine's cache; the static reading has none, so its
    # cases skip it (it would only double the slowest blame of the file).
    result = ba.measure_chart(SPECS[name], ownership, binary=render_check_binary(), helm=helm,
                              cache_dir=truth_cache, workers=2, warm=mode == "exact")
    assert not result.error, result.error
    print("\n" + ba.table([result]) + ba.details(result, limit=8))
    score, blame = result.score, result.blame
    assert score.keys_perturbed > 0 and score.value_driven > 0, "the truth measured nothing"
    assert result.problems == [], result.problems[:10]
    if mode == "static":
        floor_precision, floor_recall = STATIC_FLOORS[name]
        assert blame.renders_cold == 0, "the static reading ran helm"
        # No counted claim at all (precision n/a) only passes a floor of zero.
        assert (score.precision or 0.0) >= floor_precision, ba.details(result)
        assert (score.recall or 0.0) >= floor_recall, ba.details(result)
    else:
        assert not blame.warm_differs, "the warm blame printed other bytes than the cold one"
        assert blame.renders_warm == 0, "a warm measured blame still rendered"
        floor_precision, floor_recall = EXACT_FLOORS[name]
        assert 0 < blame.renders_cold <= EXACT_MAX_RENDERS, f"{blame.renders_cold} helm renders"
        assert score.precision is not None and score.precision >= floor_precision, ba.details(result)
        assert score.recall is not None and score.recall >= floor_recall, ba.details(result)


# --- the umbrella chart, assembled at run time ------------------------------------------------


@pytest.fixture(scope="module")
def umbrella(tmp_path_factory):
    if "umbrella" not in SPECS:
        pytest.skip("../shared/charts is absent")
    return ba.prepare_chart(SPECS["umbrella"].path, str(tmp_path_factory.mktemp("umbrella")))


def test_umbrella_is_assembled_without_copying_public_charts_into_the_repository(umbrella):
    assert not (ROOT / "charts-fixtures" / "umbrella" / "charts").exists()
    assert sorted(os.listdir(Path(umbrella) / "charts")) == ["metrics-server", "nginx"]
    assert (Path(umbrella) / "charts" / "nginx" / "charts" / "common" / "Chart.yaml").is_file(), "nginx's own library"


def test_umbrella_renders_subcharts_with_parent_overrides_and_global(umbrella, helm):
    result = helm.template(umbrella, "umb", "umb", [])
    assert result.returncode == 0, result.stderr
    rendered = ba.parse_rendered(result.stdout)
    sources = {doc.source for doc in rendered.documents}
    assert "umbrella/charts/metrics-server/templates/service.yaml" in sources
    assert "umbrella/charts/nginx/templates/svc.yaml" in sources
    leaves = {ba.leaf_text(key): value for key, (value, _) in rendered.leaves.items()}
    assert leaves["umbrella/charts/metrics-server/templates/service.yaml#0 spec.ports[name=https].port"] == "8443"
    assert leaves["umbrella/charts/nginx/templates/svc.yaml#0 spec.ports[name=http].port"] == "8080"
    image = "umbrella/charts/nginx/templates/deployment.yaml#0 spec.template.spec.containers[name=nginx].image"
    assert leaves[image].startswith("registry.example.internal/"), "global.imageRegistry reaches the subchart"

    values = helm.computed_values(umbrella, "umb", "umb", [])
    assert values["metrics-server"]["service"]["port"] == 8443
    assert values["nginx"]["service"]["ports"]["http"] == 8080
    assert values["global"]["imageRegistry"] == "registry.example.internal"
    assert "common" in values["nginx"], "the nested library chart's values are part of Helm's computed values"


# --- the truth on a tiny chart of the test's own -----------------------------------------------

TINY_VALUES = """\
port: 80
portName: http
label: demo
ratio: 1.5
tags: [a, b]
gate: "on"
strict: ok
enabled: true
nothing: null
extra: {}
nodeSelector:
  kubernetes.io/os: linux
"""

TINY_TEMPLATES = {
    "service.yaml": """\
        apiVersion: v1
        kind: Service
        metadata:
          name: {{ .Release.Name }}-{{ .Values.label }}
        spec:
          ports:
            - name: {{ .Values.portName }}
              port: {{ .Values.port }}
        """,
    "configmap.yaml": """\
        {{- if ne .Values.strict "ok" }}{{ fail "strict must be ok" }}{{ end }}
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: tiny
        data:
          ratio: {{ .Values.ratio | quote }}
          second: {{ index .Values.tags 1 | quote }}
          random: {{ randAlphaNum 12 | quote }}
          os: {{ index .Values.nodeSelector "kubernetes.io/os" | quote }}
          {{- if eq .Values.gate "on" }}
          gated: "yes"
          {{- end }}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: tiny-two
        data:
          label: {{ .Values.label | quote }}
        """,
}


@pytest.fixture(scope="module")
def tiny_chart(tmp_path_factory) -> str:
    chart = tmp_path_factory.mktemp("charts") / "tiny"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: tiny\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text(TINY_VALUES)
    for name, text in TINY_TEMPLATES.items():
        (chart / "templates" / name).write_text(textwrap.dedent(text))
    return str(chart)


@pytest.fixture(scope="module")
def tiny_truth(tiny_chart, helm) -> ba.Truth:
    return ba.compute_truth(helm, tiny_chart, "rel", "ns", workers=2)


SVC = "tiny/templates/service.yaml#0"
CM = "tiny/templates/configmap.yaml#0"
CM2 = "tiny/templates/configmap.yaml#1"


def test_truth_counts_value_changes_only(tiny_truth):
    drivers = {ba.leaf_text(leaf): sorted(ba.anchor_name(k) for k in keys) for leaf, keys in tiny_truth.drivers().items()}
    assert drivers == {
        f"{SVC} metadata.name": ["values.label"],
        f"{SVC} spec.ports[name=http].port": ["values.port"],
        f"{CM} data.ratio": ["values.ratio"],
        f"{CM} data.second": ["values.tags[1]"],
        f'{CM} data.os': ['values.nodeSelector["kubernetes.io/os"]'],
        f"{CM2} data.label": ["values.label"],
    }
    statuses = {ba.anchor_name(k.parts): k.status for k in tiny_truth.keys}
    assert statuses == {
        "values.port": "perturbed", "values.portName": "perturbed", "values.label": "perturbed",
        "values.ratio": "perturbed", "values.tags[0]": "perturbed", "values.tags[1]": "perturbed",
        "values.gate": "perturbed", "values.strict": "refused", "values.enabled": "boolean",
        "values.nothing": "null", "values.extra": "empty", 'values.nodeSelector["kubernetes.io/os"]': "perturbed",
    }
    # Renaming the port or closing the gate only makes leaves appear and disappear: existence.
    by_name = {ba.anchor_name(k.parts): k for k in tiny_truth.keys}
    assert by_name["values.portName"].drives == [] and by_name["values.gate"].drives == []
    assert "strict must be ok" in by_name["values.strict"].error
    # The random value differs between two identical renders and is left out.
    assert {ba.leaf_text(k) for k in tiny_truth.unstable} == {f"{CM} data.random"}
    # Each string got the suffix, each number its step, and one render per perturbable key plus two.
    assert tiny_truth.renders == 2 + 9


def test_truth_cache_round_trips(tiny_chart, tiny_truth, helm, tmp_path):
    first = ba.cached_truth(helm, tiny_chart, "rel", "ns", [], cache_dir=tmp_path, workers=2, progress=False)
    assert not first.cached and len(list(tmp_path.glob("*.json"))) == 1
    again = ba.cached_truth(helm, tiny_chart, "rel", "ns", [], cache_dir=tmp_path, workers=2, progress=False)
    assert again.cached and again.drivers() == first.drivers() == tiny_truth.drivers()
    assert again.unstable == first.unstable and again.interior == first.interior
    (Path(tiny_chart) / "values.yaml").write_text(TINY_VALUES.replace("port: 80", "port: 81"))
    try:
        changed = ba.cached_truth(helm, tiny_chart, "rel", "ns", [], cache_dir=tmp_path, workers=2, progress=False)
        assert not changed.cached, "a changed chart is measured again"
    finally:
        (Path(tiny_chart) / "values.yaml").write_text(TINY_VALUES)


def _blame_document(truth: ba.Truth, owners: dict[str, dict]) -> dict:
    leaves = []
    for key, (value, line) in truth.baseline.leaves.items():
        owner = owners.get(ba.leaf_text(key), {"layer": "chart-templates", "anchor": None, "controlled_by": []})
        leaves.append({"file": "r.yaml", "line": line, "column": 1, "source": key[0], "path": key[2],
                       "value": value, "owner": owner})
    return {"schema_version": 1, "leaves": list(reversed(leaves))}  # order must not matter


def values_owner(anchor, *controlled):
    return {"layer": "values", "anchor": anchor, "controlled_by": list(controlled)}


def test_scoring_on_the_tiny_truth(tiny_truth):
    owners = {
        f"{SVC} metadata.name": values_owner("values.label"),                       # right
        f"{SVC} spec.ports[name=http].port": values_owner("values.port", "values.portName"),  # right, wrong
        f"{SVC} spec.ports[name=http].name": values_owner("values.portName"),       # wrong: existence only
        f"{CM} data.ratio": values_owner("values.extra", "values.enabled", "values.strict"),  # 3 not counted
        f"{CM} data.second": values_owner("values.tags"),                           # subtree: right
        f"{CM} data.random": values_owner("values.label"),                          # unstable: ignored
        f"{CM} data.os": values_owner('values.nodeSelector["kubernetes.io/os"]'),   # right, bracket syntax
        f"{CM2} data.label": {"layer": "chart-templates", "anchor": None,
                              "controlled_by": ["values.nodeSelector", "values.absent", "values.tags[7]", "values.label"]},
    }
    claims, problems = ba.blame_claims(_blame_document(tiny_truth, owners), tiny_truth)
    assert problems == []
    result = ba.score(tiny_truth, claims)
    # CM2 data.label: subtree outside its driver (wrong), absent key (wrong), absent index (wrong);
    # the fourth controlled_by is beyond the three that count.
    assert (result.right, result.wrong, result.uncounted) == (4, 5, 3)
    assert result.precision == 4 / 9
    assert result.value_driven == 6 and result.recalled == 4
    assert [m["leaf"] for m in result.misses] == [f"{CM} data.ratio", f"{CM2} data.label"]


RULES_LEAF = ("c/templates/a.yaml", 0, "data.x")


def _rules_truth(drives: dict[tuple, list]) -> ba.Truth:
    keys = [ba.ValuesKey(parts, "perturbed", drives=leaves) for parts, leaves in drives.items()]
    keys += [ba.ValuesKey(("flag",), "boolean"), ba.ValuesKey(("none",), "null"),
             ba.ValuesKey(("empty",), "empty"), ba.ValuesKey(("guarded",), "refused")]
    interior = {(), ("config",), ("config", "inner"), ("image",), ("list",)}
    rendered = ba.Rendered({RULES_LEAF: ("v", 3)}, [ba.Document("c/templates/a.yaml", 0, 1, 5)])
    return ba.Truth("", rendered, set(), keys, interior)


@pytest.mark.parametrize(
    "claim, drivers, verdict",
    [
        ("values.config.host", [("config", "host")], ba.RIGHT),
        ("values.config.port", [("config", "host")], ba.WRONG),           # perturbed, drives something else
        ("values.config.port", [], ba.WRONG),                              # perturbed, the leaf is literal
        ("values.config", [("config", "inner", "a")], ba.RIGHT),           # subtree holding a driver
        ("values.config", [("image", "tag")], ba.WRONG),                  # subtree, only outside keys drive
        ("values.config", [], ba.UNCOUNTED),                               # subtree, nothing drives the leaf
        ("values.list", [("list", 0, "x")], ba.RIGHT),
        ("values.flag", [("config", "host")], ba.UNCOUNTED),               # boolean
        ("values.none", [("config", "host")], ba.UNCOUNTED),               # null
        ("values.empty", [("config", "host")], ba.UNCOUNTED),              # empty map
        ("values.guarded", [("config", "host")], ba.UNCOUNTED),            # refused by the chart
        ("values.missing", [("config", "host")], ba.WRONG),                # not in the merged values
        ("values.config.host.deeper", [("config", "host")], ba.WRONG),    # below a scalar: not held
        ("Chart.yaml", [("config", "host")], ba.WRONG),                    # not a values key
    ],
)
def test_claim_rules(claim, drivers, verdict):
    everything = {("config", "host"): [], ("config", "port"): [], ("config", "inner", "a"): [],
                  ("image", "tag"): [], ("list", 0, "x"): []}
    for parts in drivers:
        everything[parts] = [RULES_LEAF]
    truth = _rules_truth(everything)
    statuses = {key.parts: key.status for key in truth.keys}
    assert ba.judge(claim, truth.drivers().get(RULES_LEAF, set()), statuses, truth.interior) == verdict


def test_precision_and_recall_from_claims():
    truth = _rules_truth({("config", "host"): [RULES_LEAF], ("image", "tag"): []})
    assert ba.score(truth, {RULES_LEAF: ["values.flag"]}).precision is None  # nothing counted
    both = ba.score(truth, {RULES_LEAF: ["values.image.tag", "values.config.host"]})
    assert (both.precision, both.recall) == (0.5, 1.0), "one right claim is enough for recall"
    assert ba.score(truth, {}).recall == 0.0, "a leaf blame does not list is a miss"


def test_key_names_match_render_checks_syntax():
    for text, parts in [
        ("values.a.b", ("a", "b")),
        ("values.list[0].x", ("list", 0, "x")),
        ('values.nodeSelector["kubernetes.io/os"]', ("nodeSelector", "kubernetes.io/os")),
        ('values["a.b"].c', ("a.b", "c")),
        ('values.q["say \\"hi\\""]', ("q", 'say "hi"')),
    ]:
        assert ba.parse_anchor(text) == parts
        assert ba.anchor_name(parts) == text
    for bad in ("values.a..b", "values.a[x]", "values.", "service.port"):
        assert ba.parse_anchor(bad) is None


def test_perturbations_follow_the_spec():
    assert ba.perturb(80) == 80 + 7919 and ba.perturb(1.5) == 2.0 and ba.perturb("x") == "xpz"
    assert ba.perturb(True) is None and ba.perturb(None) is None and ba.perturb({}) is None
    values = {"a": {"b": [{"c": 1, "d": 2}, {"c": 3}]}, "e": 1}
    assert ba.overlay_for(values, ("a", "b", 1, "c"), 9) == {"a": {"b": [{"c": 1, "d": 2}, {"c": 9}]}}
    assert values["a"]["b"][1]["c"] == 3, "the merged values are not modified"


def test_computed_values_section_is_cut_at_hooks():
    stdout = "NAME: r\nUSER-SUPPLIED VALUES:\n{}\n\nCOMPUTED VALUES:\na:\n  b: 2024-01-02\nc: 1\n\nHOOKS:\nMANIFEST:\n---\nx: 1\n"
    assert ba.parse_computed_values(stdout) == {"a": {"b": "2024-01-02"}, "c": 1}
    with pytest.raises(ba.ToolError):
        ba.parse_computed_values("NAME: r\nMANIFEST:\n")


def test_a_missing_binary_is_a_tool_error(tiny_chart, tmp_path):
    from conftest import run_tool

    result = run_tool("blame_accuracy.py", "--chart", tiny_chart, "--release", "rel", "--namespace", "ns",
                      "--render-check", str(tmp_path / "nope"), "--no-truth-cache")
    assert result.returncode == 2
    assert "render-check binary not found" in result.stderr


def test_rendered_leaf_identity():
    stream = textwrap.dedent(
        """\
        ---
        # Source: c/templates/a.yaml
        kind: A
        spec:
          ports:
            - name: http
              port: 80
            - 7
          mounts:
            - name: scratch
              path: /a
            - name: scratch
              path: /b
          data: |
            x: 1
        ---
        # Source: c/templates/b.yaml
        metadata:
          labels:
            app.kubernetes.io/name: b
        ---
        # Source: c/templates/a.yaml
        kind: A2
        """
    )
    rendered = ba.parse_rendered(stream)
    assert {ba.leaf_text(k): v for k, (v, _) in rendered.leaves.items()} == {
        "c/templates/a.yaml#0 kind": "A",
        "c/templates/a.yaml#0 spec.ports[name=http].name": "http",
        "c/templates/a.yaml#0 spec.ports[name=http].port": "80",
        "c/templates/a.yaml#0 spec.ports[1]": "7",
        "c/templates/a.yaml#0 spec.mounts[name=scratch].name": "scratch",
        "c/templates/a.yaml#0 spec.mounts[name=scratch].path": "/a",
        "c/templates/a.yaml#0 spec.data": "x: 1\n",
        "c/templates/b.yaml#0 metadata.labels.app.kubernetes.io/name": "b",
        "c/templates/a.yaml#1 kind": "A2",
    }
    assert rendered.leaves[("c/templates/a.yaml", 0, "spec.ports[name=http].port")][1] == 7
    # Two items named alike: the identity cannot tell them apart, so the scores leave them out.
    assert {ba.leaf_text(k) for k in rendered.ambiguous} == {
        "c/templates/a.yaml#0 spec.mounts[name=scratch].name", "c/templates/a.yaml#0 spec.mounts[name=scratch].path"}
    assert [(d.source, d.ordinal, d.first_line, d.last_line) for d in rendered.documents] == [
        ("c/templates/a.yaml", 0, 2, 15), ("c/templates/b.yaml", 0, 17, 20), ("c/templates/a.yaml", 1, 22, 24)]


def test_the_counting_wrapper_counts_real_helm_template_runs(tiny_chart, helm, tmp_path):
    wrapper, count = ba.counting_helm(helm, str(tmp_path))
    assert ba.counted_renders(count) == 0
    direct = helm.template(tiny_chart, "rel", "ns", [])
    through = ba.Helm(wrapper).template(tiny_chart, "rel", "ns", [])
    assert through.returncode == 0, through.stderr
    assert ba.parse_rendered(through.stdout).leaves.keys() == ba.parse_rendered(direct.stdout).leaves.keys()
    ba.Helm(wrapper).template(tiny_chart, "rel", "ns", [])
    assert ba.Helm(wrapper).version() == helm.version()  # not a template run
    assert ba.counted_renders(count) == 2

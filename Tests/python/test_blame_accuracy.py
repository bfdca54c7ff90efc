"""Attribution quality of `render-check blame`, measured against Helm re-renders (tools/blame_accuracy.py).

The two `test_blame_meets_minimums` cases need the render-check binary
($RENDER_CHECK_BIN, else .build/debug/render-check) and fail without it; the
ground-truth tests need only helm-python-sdk. Run with `pytest -s` to see the figures.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap

import pytest

import blame_accuracy
from conftest import CHART, FIXTURES, ROOT, TOOLS, run_tool

NAMESPACE = "atlas-e2e"
CHARTS = {
    "bijux-atlas": (CHART, "atlas-e2e"),
    "relay": (FIXTURES / "relay", "relay-e2e"),
}
MIN_PRECISION = 0.95
MIN_RECALL = 0.90

SERVICE = "bijux-atlas/templates/service.yaml"
DEPLOYMENT = "bijux-atlas/templates/deployment.yaml"
CONTAINER = "spec.template.spec.containers[name=bijux-atlas]"


def render_check_binary() -> str:
    return os.environ.get("RENDER_CHECK_BIN") or str(ROOT / ".build" / "debug" / "render-check")


@pytest.fixture(scope="module")
def atlas_truth():
    return blame_accuracy.ground_truth(str(CHART), "atlas-e2e", NAMESPACE)


@pytest.fixture(scope="module")
def relay_truth():
    return blame_accuracy.ground_truth(str(FIXTURES / "relay"), "relay-e2e", NAMESPACE)


def drives(truth, path):
    (leaf,) = [leaf for leaf in truth.leaves if leaf.path == path]
    return {blame_accuracy.key_text(key): how for key, how in leaf.drives.items()}


# --- the real binary ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_blame_meets_minimums(name, tmp_path):
    binary = render_check_binary()
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        pytest.fail(
            f"render-check binary not found at {binary}: build it (`swift build`) or set RENDER_CHECK_BIN; "
            "blame accuracy cannot be measured without it"
        )
    chart, release = CHARTS[name]
    out = tmp_path / "accuracy.json"
    result = run_tool(
        "blame_accuracy.py",
        "--chart", str(chart), "--release", release, "--namespace", NAMESPACE,
        "--render-check", binary, "--json", str(out),
        "--min-precision", str(MIN_PRECISION), "--min-recall", str(MIN_RECALL),
    )
    print(f"\n{result.stdout}{result.stderr}")
    assert result.returncode in (0, 1), f"blame_accuracy could not measure {name} (exit {result.returncode}): {result.stderr}"
    metrics = json.loads(out.read_text())["metrics"]
    print(
        f"[blame accuracy] {name}: precision {metrics['precision']} ({metrics['attributed_correct']}/{metrics['attributed']}), "
        f"recall {metrics['recall']} ({metrics['recall_hits']}/{metrics['value_driven']})"
    )
    assert metrics["precision"] is not None and metrics["precision"] >= MIN_PRECISION, result.stdout
    assert metrics["recall"] is not None and metrics["recall"] >= MIN_RECALL, result.stdout
    assert result.returncode == 0


# --- ground truth (no binary) ---------------------------------------------------


def test_ground_truth_bijux_atlas(atlas_truth):
    truth = atlas_truth
    counts = blame_accuracy._truth_counts(truth)
    print(f"\n[ground truth] bijux-atlas: {counts}")
    assert counts == {
        "values_leaves": 22,
        "perturbed": 21,
        "booleans": 1,  # rollout.enabled
        "nulls": 0,
        "render_failures": 0,
        "baseline_leaves": 46,
        "value_driven": 25,
    }
    assert drives(truth, "service.port") == {f"{SERVICE}#0 spec.ports[name=http].port": "changed"}
    assert drives(truth, "server.port") == {
        f"{DEPLOYMENT}#0 {CONTAINER}.ports[name=http].containerPort": "changed",
        f"{DEPLOYMENT}#0 {CONTAINER}.env[name=ATLAS_PORT].value": "changed",
    }
    assert drives(truth, "image.tag") == {f"{DEPLOYMENT}#0 {CONTAINER}.image": "changed"}
    assert drives(truth, "replicaCount") == {f"{DEPLOYMENT}#0 spec.replicas": "changed"}
    assert drives(truth, "fullnameOverride") == {
        f"{SERVICE}#0 metadata.name": "changed",
        f"{DEPLOYMENT}#0 metadata.name": "changed",
    }
    name_override = drives(truth, "nameOverride")
    assert len(name_override) == 7
    assert name_override[f"{SERVICE}#0 spec.selector.app.kubernetes.io/name"] == "changed"
    # Renaming the port moves every leaf of the item: the old paths disappear, new ones appear.
    port_name = drives(truth, "service.portName")
    assert port_name[f"{SERVICE}#0 spec.ports[name=http].port"] == "disappeared"
    assert port_name[f"{SERVICE}#0 spec.ports[name=p20x].port"] == "appeared"
    # The rollout is disabled: its values drive nothing.
    for leaf in truth.leaves:
        if leaf.path.startswith("rollout.strategy"):
            assert leaf.status == "perturbed" and leaf.drives == {}
    # Literal template text and chart metadata are driven by no values leaf.
    value_driven = {blame_accuracy.key_text(k) for k in truth.value_driven()}
    assert f"{SERVICE}#0 apiVersion" not in value_driven
    assert f"{SERVICE}#0 metadata.labels.helm.sh/chart" not in value_driven
    assert f"{DEPLOYMENT}#0 {CONTAINER}.readinessProbe.httpGet.port" not in value_driven


def test_ground_truth_relay(relay_truth):
    truth = relay_truth
    counts = blame_accuracy._truth_counts(truth)
    print(f"\n[ground truth] relay: {counts}")
    assert counts["perturbed"] == 60 and counts["booleans"] == 8 and counts["value_driven"] == 63
    assert [leaf.path for leaf in truth.failures] == ["config.logFormat"], "the chart's fail guard"
    configmap = "relay/templates/configmap.yaml#0"
    # The block scalar config.yaml is one rendered leaf, driven by every (non-boolean) config leaf.
    block = truth.value_driven()[("relay/templates/configmap.yaml", 0, "data.config.yaml")]
    assert set(block) == {
        leaf.path for leaf in truth.perturbed if leaf.path.startswith("config.")
    }
    assert not any(k[2].startswith("data.config.yaml.") for k in truth.baseline.leaves)
    assert drives(truth, "config.logLevel") == {
        f"{configmap} data.LOG_LEVEL": "changed",
        f"{configmap} data.config.yaml": "changed",
        "relay/templates/deployment.yaml#0 spec.template.metadata.annotations.checksum/config": "changed",
    }
    assert drives(truth, "service.ports.http.port")["relay/templates/service.yaml#0 spec.ports[name=http].port"] == "changed"
    assert drives(truth, "service.ports.grpc.port") == {}, "the disabled port renders nothing"
    assert drives(truth, "service.ports.http.nodePort") == {}, "nodePort only for NodePort services"
    assert f"{configmap} data.PUBLIC_URL" in drives(truth, "publicUrl")


def test_ground_truth_paths_and_ordinals():
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
          data: |
            x: 1
            y: 2
        ---
        # Source: c/templates/b.yaml
        kind: B
        ---
        # Source: c/templates/a.yaml
        kind: A2
        list:
          - {name: {nested: true}, v: 1}
        """
    )
    rendered = blame_accuracy.parse_rendered(stream)
    assert {blame_accuracy.key_text(k): leaf.value for k, leaf in rendered.leaves.items()} == {
        "c/templates/a.yaml#0 kind": "A",
        "c/templates/a.yaml#0 spec.ports[name=http].name": "http",
        "c/templates/a.yaml#0 spec.ports[name=http].port": "80",
        "c/templates/a.yaml#0 spec.ports[1]": "7",
        "c/templates/a.yaml#0 spec.data": "x: 1\ny: 2\n",
        "c/templates/b.yaml#0 kind": "B",
        "c/templates/a.yaml#1 kind": "A2",
        "c/templates/a.yaml#1 list[0].name.nested": "true",
        "c/templates/a.yaml#1 list[0].v": "1",
    }
    assert rendered.leaves[("c/templates/a.yaml", 0, "spec.ports[name=http].port")].line == 7
    assert blame_accuracy.format_values_path(("config", "upstreams", 0, "host")) == "config.upstreams[0].host"
    values = {"a": {"b": [{"c": 1, "d": 2}, {"c": 3}]}, "e": 1}
    assert blame_accuracy.overlay_for(values, ("a", "b", 1, "c"), 9) == {"a": {"b": [{"c": 1, "d": 2}, {"c": 9}]}}
    assert values["a"]["b"][1]["c"] == 3, "the defaults are not modified"
    assert blame_accuracy.perturb(65000, 3) <= 65535
    assert blame_accuracy.perturb(True, 0) is None


FAKE_BLAME = """\
#!{python}
# A stand-in for `render-check blame --format json`, built from the ground truth itself.
import argparse, json, os, sys
sys.path.insert(0, {tools!r})
import blame_accuracy as ba
p = argparse.ArgumentParser()
p.add_argument("command"); p.add_argument("--chart"); p.add_argument("--release"); p.add_argument("--namespace")
p.add_argument("--format"); p.add_argument("-f", action="append", default=[]); p.add_argument("file")
a = p.parse_args()
assert a.command == "blame" and a.format == "json"
truth = ba.ground_truth(a.chart, a.release, a.namespace)
text = open(a.file).read()
assert text == truth.baseline_text
drivers = truth.value_driven()
mode = os.environ["FAKE_BLAME_MODE"]
leaves = []
for key, leaf in truth.baseline.leaves.items():
    source, _, path = key
    d = sorted(drivers.get(key, {{}}))
    owner = {{"layer": "chart-templates", "anchor": "", "controlled_by": []}}
    if d and mode == "perfect":
        owner = {{"layer": "values", "anchor": "values." + d[0], "controlled_by": ["values." + x for x in d[1:3]]}}
    elif d and mode == "controlled":
        owner["controlled_by"] = ["values." + x for x in d]
    elif d and mode == "wrong":
        owner = {{"layer": "values", "anchor": "values.replicaCount" if "replicaCount" not in d else "values.image.tag"}}
    leaves.append({{"file": a.file, "line": leaf.line, "column": 1, "source": source, "path": path,
                   "value": leaf.value, "owner": owner}})
print(json.dumps({{"schema_version": 1, "leaves": leaves}}))
"""


@pytest.fixture()
def fake_blame(tmp_path):
    path = tmp_path / "render-check"
    path.write_text(FAKE_BLAME.format(python=sys.executable, tools=str(TOOLS)))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.mark.parametrize(
    "mode, code, precision, recall",
    [("perfect", 0, 1.0, 1.0), ("controlled", 1, None, 1.0), ("wrong", 1, 0.0, 0.0)],
)
def test_ground_truth_scores_a_fake_blame(fake_blame, tmp_path, monkeypatch, mode, code, precision, recall):
    monkeypatch.setenv("FAKE_BLAME_MODE", mode)
    out = tmp_path / "accuracy.json"
    chart, release = CHARTS["bijux-atlas"]
    result = run_tool(
        "blame_accuracy.py", "--chart", str(chart), "--release", release, "--namespace", NAMESPACE,
        "--render-check", str(fake_blame), "--json", str(out),
    )
    assert result.returncode == code, result.stdout + result.stderr
    metrics = json.loads(out.read_text())["metrics"]
    assert metrics["precision"] == precision and metrics["recall"] == recall
    assert metrics["blame_leaves"] == metrics["baseline_leaves"] == 46
    assert metrics["blame_leaves_not_in_render"] == [] and metrics["rendered_leaves_not_in_blame"] == []
    if mode == "wrong":
        assert "FALSE  bijux-atlas/templates/service.yaml#0 spec.ports[name=http].port" in result.stdout
        assert "MISS   bijux-atlas/templates/service.yaml#0 spec.ports[name=http].port" in result.stdout
    if mode == "controlled":
        assert metrics["recall_hits_via_controlled_by"] == metrics["value_driven"]


def test_ground_truth_reports_a_missing_binary(tmp_path):
    result = run_tool(
        "blame_accuracy.py", "--chart", str(CHART), "--release", "atlas-e2e", "--namespace", NAMESPACE,
        "--render-check", str(tmp_path / "nope"),
    )
    assert result.returncode == 2
    assert "render-check binary not found" in result.stderr

"""A Service port changed through a subchart's values in an umbrella chart: the finding is owned by
the overlay line that changed it, measured with Helm and read statically alike (issue 10, item 6).

The umbrella (charts-fixtures/umbrella) is assembled at run time from ../shared/charts; the test
skips without them or without a helm binary."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import blame_accuracy as ba
from conftest import ROOT

BINARY = os.environ.get("RENDER_CHECK_BIN") or str(ROOT / ".build" / "debug" / "render-check")
SPECS = {spec.name: spec for spec in ba.shared_specs()}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    if "umbrella" not in SPECS:
        pytest.skip("../shared/charts is absent")
    try:
        helm = ba.find_helm()
    except ba.ToolError as error:
        pytest.skip(str(error))
    work = tmp_path_factory.mktemp("umbrella-findings")
    chart = ba.prepare_chart(SPECS["umbrella"].path, str(work / "chart"))
    env = dict(os.environ, RENDER_CHECK_HELM=helm, XDG_CACHE_HOME=str(work / "cache"), NO_COLOR="1")
    contract = work / "layers.json"
    generated = subprocess.run([BINARY, "contract", "generate", "--chart", chart, "--release", "umb", "--namespace", "umb",
                                "--output", str(contract)], capture_output=True, text=True, env=env, cwd=work)
    assert generated.returncode == 0, generated.stderr
    overlay = work / "values-ports.yaml"
    overlay.write_text("# The parent changes a subchart's Service port.\nnginx:\n  service:\n    ports:\n      http: 9999\n")
    return chart, contract, overlay, env, work


@pytest.mark.parametrize("mode", ["exact", "static"])
def test_a_subchart_port_changed_by_the_parent_is_owned_by_the_overlay_line(setup, mode):
    chart, contract, overlay, env, work = setup
    result = subprocess.run([BINARY, "check", "--render", "--no-config", "--chart", chart, "-f", str(overlay),
                             "--release", "umb", "--namespace", "umb", "--contract", str(contract),
                             "--ownership", mode, "--format", "json", "--today", "2026-12-01"],
                            capture_output=True, text=True, env=env, cwd=work)
    assert result.returncode == 1, result.stderr
    triage = json.loads(result.stdout)
    ports = [d for d in triage["active_differences"] if d["family"] == "service-port" and d["actual"] == 9999]
    assert ports, [d["diff_key"] for d in triage["active_differences"]]
    owner = ports[0]["owner"]
    assert owner["layer"] == "values", owner
    assert owner["anchor"] == "values.nginx.service.ports.http", owner
    assert (owner["file"], owner["line"]) == (str(overlay), 5), owner
    assert owner["mode"] == ("measured" if mode == "exact" else "static"), owner

"""The committed rendered fixtures are what the chart, stack and variants render to today."""

from __future__ import annotations

import render_fixtures
from conftest import FIXTURES, run_tool


def test_rendered_fixtures_are_fresh():
    result = run_tool("render_fixtures.py", "--check")
    assert result.returncode == 0, result.stderr + result.stdout


def test_check_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "bijux-atlas.yaml"
    stale.write_text((FIXTURES / "rendered" / "bijux-atlas.yaml").read_text().replace("8080", "8081"))
    monkeypatch.setattr(render_fixtures, "RENDERED", stale)
    assert render_fixtures.main(["--check"]) == 1
    assert str(stale) in capsys.readouterr().err
    assert "8081" in stale.read_text(), "--check must not rewrite anything"


def test_rendering_is_deterministic():
    first = render_fixtures.outputs()
    second = render_fixtures.outputs()
    assert first == second

#!/usr/bin/env python3
"""Helm's own answers for ValuesAnchorsTests, from helm-python-sdk.

    helm_values.py REQUEST.json

REQUEST is a JSON list of cases; the answer (stdout) is a JSON list, one entry
per case, in order. A case is either

* ``{"mode": "set", "expression": E, "forceString": bool, "mine": J}``:
  Helm's ``strvals`` parser (``parse_set_string`` / ``parse_set_string_values``)
  on E; or
* ``{"mode": "merge", "chart": DIR, "files": [...], "set": [...],
  "setString": [...], "mine": J}``: the user values built the way
  ``helm template`` builds them (``tools/helm_template.user_values``),
  coalesced with the chart's defaults by ``Chart.merge_values``.

``mine`` is render-check's result as JSON text, or null when it reported an
error. Each answer says whether Helm agrees (``equal``), with both sides in
canonical JSON (or Helm's error) for the failure message. Exit 3: helm_python
cannot be imported.
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))

try:
    import helm_python
    import helm_template
except ImportError as error:  # CI installs helm-python-sdk; a missing one must fail the test
    sys.stderr.write(f"cannot import helm_python/helm_template ({error}); pip install helm-python-sdk pyyaml\n")
    sys.exit(3)


def same(a, b) -> bool:
    """Equal as Helm values: Python's True == 1 must not pass, 8080 == 8080.0 may."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def helm_answer(case: dict):
    if case["mode"] == "set":
        if case.get("forceString"):
            return helm_python.parse_set_string_values(case["expression"])
        return helm_python.parse_set_string(case["expression"])
    user = helm_template.user_values(case.get("files", []), case.get("set", []),
                                     set_string=case.get("setString", []))
    with helm_python.Chart.load(case["chart"]) as chart:
        return chart.merge_values(user)


def answer(case: dict) -> dict:
    mine_text = case.get("mine")
    try:
        helm = helm_answer(case)
    except (helm_python.HelmError, helm_template.RenderError) as error:
        return {"equal": mine_text is None, "helmError": str(error)}
    if mine_text is None:
        return {"equal": False, "helm": canonical(helm)}
    mine = json.loads(mine_text)
    return {"equal": same(helm, mine), "helm": canonical(helm), "mine": canonical(mine)}


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as handle:
        cases = json.load(handle)
    json.dump([answer(case) for case in cases], sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""tools/reference_check.py on the clean fixtures, the live snapshot and every drift variant."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ALLOWLIST, CONTRACT, FIXTURES, STACK_FILES, VARIANTS, load_json, run_tool

OTEL_LABEL = "deployment.otel-collector.label.app.kubernetes.io/instance"
REFERENCE_FAMILIES = (
    re.compile(r"^service\.[^.]+\.missing$"),
    re.compile(r"^service\.[^.]+\.port\.[^.]+$"),
    re.compile(r"^deployment\..+\.label\..+$"),
)


def reference_family(keys):
    return sorted(k for k in keys if any(pattern.match(k) for pattern in REFERENCE_FAMILIES))


def check(*inputs, allowlist=ALLOWLIST, today="2026-01-15", extra=()):
    args = ["--contract", str(CONTRACT)]
    if allowlist is not None:
        args += ["--allowlist", str(allowlist)]
    args += ["--today", today, *extra, *map(str, inputs)]
    result = run_tool("reference_check.py", *args)
    assert result.stdout.endswith("\n")
    report = json.loads(result.stdout)
    assert result.stdout == json.dumps(report, indent=2, sort_keys=True) + "\n"
    return result.returncode, report


def keys(report, section):
    return sorted(d["diff_key"] for d in report[section])


def test_clean_render_plus_stack():
    code, report = check(FIXTURES / "rendered" / "bijux-atlas.yaml", *STACK_FILES)
    assert code == 0
    assert report["schema_version"] == 1
    assert report["contract_version"] == "1.0.0"
    assert report["allowlist_errors"] == []
    assert report["active_differences"] == []
    assert report["suppressed_differences"] == [{"diff_key": OTEL_LABEL, "exception_id": "otel-instance-label"}]


def test_live_snapshot_gives_the_same_keys():
    code, report = check(FIXTURES / "snapshots" / "live.json")
    assert code == 0
    assert keys(report, "active_differences") == []
    assert keys(report, "suppressed_differences") == [OTEL_LABEL]


def test_without_allowlist_the_otel_label_is_active(tmp_path):
    out = tmp_path / "nested" / "triage.json"
    code, report = check(
        FIXTURES / "rendered" / "bijux-atlas.yaml", *STACK_FILES, allowlist=None, extra=["--out", str(out)]
    )
    assert code == 1
    assert report["active_differences"] == [
        {
            "actual": "missing",
            "component": "otel",
            "diff_key": OTEL_LABEL,
            "expected": "present",
            "kind": "label",
        }
    ]
    assert json.loads(out.read_text()) == report


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda p: p.name)
def test_variant_reference_keys(variant):
    spec = load_json(variant / "variant.json")
    code, report = check(variant / "rendered.yaml", *STACK_FILES)
    assert report["allowlist_errors"] == []
    assert keys(report, "active_differences") == reference_family(spec["expected_active"])
    assert keys(report, "suppressed_differences") == reference_family(spec["expected_suppressed"])
    assert code == (1 if report["active_differences"] else 0)


def test_missing_service_and_port_details():
    _, report = check(FIXTURES / "variants" / "missing-service" / "rendered.yaml", *STACK_FILES)
    assert report["active_differences"] == [
        {
            "actual": None,
            "component": "atlas",
            "diff_key": "service.atlas.missing",
            "expected": "atlas-e2e-bijux-atlas",
            "kind": "service",
        }
    ]
    _, report = check(FIXTURES / "variants" / "port-drift" / "rendered.yaml", *STACK_FILES)
    assert report["active_differences"] == [
        {"actual": 9090, "component": "atlas", "diff_key": "service.atlas.port.service", "expected": 8080, "kind": "port"}
    ]


def test_unnamed_port_counts_as_service_and_missing_named_port_is_null(tmp_path):
    stream = tmp_path / "minio.yaml"
    stream.write_text(
        "apiVersion: v1\nkind: List\nitems:\n"
        "- kind: Service\n  metadata: {name: minio}\n  spec:\n    ports:\n"
        "    - {port: 9000}\n    - {name: api, port: 9000}\n"
    )
    _, report = check(stream)
    minio = [d for d in report["active_differences"] if d["component"] == "minio"]
    assert minio == [
        {"actual": None, "component": "minio", "diff_key": "service.minio.port.console", "expected": 9001, "kind": "port"}
    ]


def write_allowlist(tmp_path, expiry, diff_key=OTEL_LABEL):
    path = tmp_path / "allowlist.json"
    path.write_text(
        json.dumps(
            {
                "schema_version": 1,
                "exceptions": [
                    {
                        "id": "otel-instance-label",
                        "diff_key": diff_key,
                        "owner": "bijux-atlas-operations",
                        "issue": "OPS-412",
                        "expiry": expiry,
                        "justification": "test",
                    }
                ],
            }
        )
    )
    return path


@pytest.mark.parametrize(
    "expiry, error",
    [
        ("2026-01-14", "otel-instance-label: expired on 2026-01-14"),
        ("2026-02-30", "otel-instance-label: invalid expiry `2026-02-30`"),
        ("31/05/2027", "otel-instance-label: invalid expiry `31/05/2027`"),
        ("20270531", "otel-instance-label: invalid expiry `20270531`"),
    ],
)
def test_allowlist_errors_suppress_nothing(tmp_path, expiry, error):
    code, report = check(FIXTURES / "rendered" / "bijux-atlas.yaml", *STACK_FILES, allowlist=write_allowlist(tmp_path, expiry))
    assert code == 1
    assert report["allowlist_errors"] == [error]
    assert report["suppressed_differences"] == []
    assert keys(report, "active_differences") == [OTEL_LABEL]


def test_expiry_day_itself_is_valid_and_globs_match(tmp_path):
    allowlist = write_allowlist(tmp_path, "2026-01-15", diff_key="deployment.otel-collector.label.*")
    code, report = check(FIXTURES / "rendered" / "bijux-atlas.yaml", *STACK_FILES, allowlist=allowlist)
    assert code == 0
    assert report["allowlist_errors"] == []
    assert report["suppressed_differences"] == [{"diff_key": OTEL_LABEL, "exception_id": "otel-instance-label"}]

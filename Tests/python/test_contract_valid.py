"""The contract, the allowlist and the variant descriptions are well-formed."""

from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import ALLOWLIST, CONTRACT, FIXTURES, ROOT, VARIANTS, load_json

SCHEMAS = ROOT / "ops" / "schema"
VARIANT_NAMES = {
    "port-drift",
    "unused-server-port",
    "missing-label",
    "selector-drift",
    "dangling-service",
    "targetport-unnamed",
    "missing-service",
    "namespace-drift",
    "release-metadata-drift",
    "rollout",
}


def validator(schema_name):
    schema = load_json(SCHEMAS / schema_name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_contract_matches_its_schema():
    validator("layer-contract.schema.json").validate(load_json(CONTRACT))


def test_contract_is_written_canonically():
    text = CONTRACT.read_text()
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"


def test_allowlist_matches_its_schema():
    allowlist = load_json(ALLOWLIST)
    validator("layer-live-diff-allowlist.schema.json").validate(allowlist)
    assert [e["id"] for e in allowlist["exceptions"]] == ["otel-instance-label"]


@pytest.mark.parametrize("expiry", ["2027-13-01", "31/05/2027", "2027-5-31"])
def test_allowlist_schema_checks_the_date_format(expiry):
    allowlist = load_json(ALLOWLIST)
    allowlist["exceptions"][0]["expiry"] = expiry
    with pytest.raises(jsonschema.ValidationError):
        validator("layer-live-diff-allowlist.schema.json").validate(allowlist)


def test_allowlist_schema_rejects_unknown_fields():
    allowlist = load_json(ALLOWLIST)
    allowlist["exceptions"][0]["note"] = "x"
    with pytest.raises(jsonschema.ValidationError):
        validator("layer-live-diff-allowlist.schema.json").validate(allowlist)


def test_variants_are_complete_and_documented():
    assert {v.name for v in VARIANTS} == VARIANT_NAMES
    readme = (FIXTURES / "README.md").read_text()
    for variant in VARIANTS:
        spec = load_json(variant / "variant.json")
        assert set(spec) - {"expected_warnings"} == {
            "description", "values", "set", "release", "namespace", "expected_active", "expected_suppressed",
        }
        assert (variant / "expected-triage.json").is_file(), f"{variant.name}: no expected-triage.json"
        for name in spec["values"]:
            assert (variant / name).is_file(), f"{variant.name}: missing {name}"
        assert spec["expected_active"] == sorted(set(spec["expected_active"]))
        assert spec["expected_suppressed"] == ["deployment.otel-collector.label.app.kubernetes.io/instance"]
        assert f"**{variant.name}**" in readme
    assert load_json(FIXTURES / "variants" / "rollout" / "variant.json")["expected_active"] == []

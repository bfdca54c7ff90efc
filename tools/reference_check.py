#!/usr/bin/env python3
"""The reference live check: layer contract vs. manifests, over PyYAML's C loader.

    reference_check.py --contract ops/inventory/layers.json \
        [--allowlist ops/policy/layer-live-diff-allowlist.json] \
        [--today YYYY-MM-DD] [--out layer-drift-triage.json] INPUT...

INPUT: YAML multi-document streams (rendered charts, stack manifests) or
kubectl JSON (`kubectl get svc,deploy -A -o json`); `kind: List` and `*List`
documents are expanded into their items.

Checks (the three families render-check must reproduce key for key):
  service.<component>.missing         no Service named services.<c>.service_name
  service.<component>.port.<key>      the Service port named <key> (an unnamed
                                      port counts as `service`; for `service`
                                      the first port if none has that name)
                                      differs from ports.<c>.<key>
  deployment.<name>.label.<label>     the first Deployment whose
                                      spec.selector.matchLabels contains the
                                      contract selector lacks a labels.required
                                      label

Prints the triage JSON (sorted keys, 2-space indent) and writes it to --out.
Exit 1 on allowlist errors or active differences, else 0.

This is also the Python baseline of render-check's benchmark: it streams
documents with yaml.load_all(..., Loader=yaml.CSafeLoader) and keeps only the
Services and Deployments.
"""

from __future__ import annotations

import argparse
import datetime
import fnmatch
import json
import os
import re
import sys
from typing import Any, Iterator

import yaml

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def load_documents(path: str) -> Iterator[Any]:
    """Every document of one input; JSON files go through json, the rest through libyaml."""
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as handle:
            yield json.load(handle)
        return
    with open(path, "rb") as handle:
        yield from yaml.load_all(handle, Loader=yaml.CSafeLoader)


def expand(document: Any) -> Iterator[dict]:
    """A resource, or the items of a `List` / `*List`."""
    if not isinstance(document, dict):
        return
    kind = document.get("kind")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(document.get("items"), list):
        for item in document["items"]:
            yield from expand(item)
        return
    yield document


def collect(paths: list[str]) -> tuple[list[dict], list[dict]]:
    """(Services, Deployments) in document order."""
    services: list[dict] = []
    deployments: list[dict] = []
    for path in paths:
        for document in load_documents(path):
            for resource in expand(document):
                kind = resource.get("kind")
                if kind == "Service":
                    services.append(resource)
                elif kind == "Deployment":
                    deployments.append(resource)
    return services, deployments


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _name(resource: dict) -> Any:
    return _mapping(resource.get("metadata")).get("name")


def find_port(ports: list, key: str) -> dict | None:
    for port in ports:
        if isinstance(port, dict) and (port.get("name") or "service") == key:
            return port
    if key == "service" and ports and isinstance(ports[0], dict):
        return ports[0]
    return None


def check(contract: dict, services: list[dict], deployments: list[dict]) -> list[dict]:
    differences: list[dict] = []
    contract_services = _mapping(contract.get("services"))
    contract_ports = _mapping(contract.get("ports"))
    required_labels = _mapping(contract.get("labels")).get("required") or []

    for component in sorted(contract_services):
        spec = _mapping(contract_services[component])
        service_name = spec.get("service_name")
        service = next((s for s in services if _name(s) == service_name), None)
        if service is None:
            differences.append(
                {
                    "diff_key": f"service.{component}.missing",
                    "component": component,
                    "kind": "service",
                    "expected": service_name,
                    "actual": None,
                }
            )
        else:
            ports = _mapping(service.get("spec")).get("ports") or []
            if not isinstance(ports, list):
                ports = []
            for key in sorted(_mapping(contract_ports.get(component))):
                if key == "container":
                    continue
                expected = contract_ports[component][key]
                port = find_port(ports, key)
                actual = port.get("port") if port is not None else None
                if actual != expected:
                    differences.append(
                        {
                            "diff_key": f"service.{component}.port.{key}",
                            "component": component,
                            "kind": "port",
                            "expected": expected,
                            "actual": actual,
                        }
                    )

        selector = _mapping(spec.get("selector"))
        for deployment in deployments:
            match_labels = _mapping(_mapping(_mapping(deployment.get("spec")).get("selector")).get("matchLabels"))
            if all(match_labels.get(key) == value for key, value in selector.items()):
                labels = _mapping(_mapping(deployment.get("metadata")).get("labels"))
                for label in required_labels:
                    if label not in labels:
                        differences.append(
                            {
                                "diff_key": f"deployment.{_name(deployment)}.label.{label}",
                                "component": component,
                                "kind": "label",
                                "expected": "present",
                                "actual": "missing",
                            }
                        )
                break
    return differences


def load_allowlist(path: str | None, today: datetime.date) -> tuple[list[dict], list[str]]:
    """(valid exceptions, allowlist errors)."""
    if path is None:
        return [], []
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    valid: list[dict] = []
    errors: list[str] = []
    for exception in data.get("exceptions", []):
        identifier = exception.get("id")
        expiry = exception.get("expiry")
        try:
            if not isinstance(expiry, str) or not _DATE.match(expiry):
                raise ValueError(expiry)
            expires = datetime.datetime.strptime(expiry, "%Y-%m-%d").date()
        except ValueError:
            errors.append(f"{identifier}: invalid expiry `{expiry}`")
            continue
        if expires < today:
            errors.append(f"{identifier}: expired on {expiry}")
            continue
        valid.append(exception)
    return valid, errors


def triage(contract: dict, differences: list[dict], exceptions: list[dict], errors: list[str]) -> dict:
    active: list[dict] = []
    suppressed: list[dict] = []
    for difference in differences:
        match = next(
            (e for e in exceptions if fnmatch.fnmatchcase(difference["diff_key"], str(e.get("diff_key")))),
            None,
        )
        if match is None:
            active.append(difference)
        else:
            suppressed.append({"diff_key": difference["diff_key"], "exception_id": match.get("id")})
    return {
        "schema_version": 1,
        "contract_version": contract.get("contract_version"),
        "allowlist_errors": errors,
        "active_differences": active,
        "suppressed_differences": suppressed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contract", required=True)
    parser.add_argument("--allowlist")
    parser.add_argument("--today", help="YYYY-MM-DD (default: today, UTC)")
    parser.add_argument("--out", help="also write the triage JSON here")
    parser.add_argument("inputs", nargs="+", metavar="INPUT")
    options = parser.parse_args(argv)

    if options.today:
        today = datetime.datetime.strptime(options.today, "%Y-%m-%d").date()
    else:
        today = datetime.datetime.now(datetime.timezone.utc).date()
    with open(options.contract, encoding="utf-8") as handle:
        contract = json.load(handle)

    services, deployments = collect(options.inputs)
    differences = check(contract, services, deployments)
    exceptions, errors = load_allowlist(options.allowlist, today)
    report = triage(contract, differences, exceptions, errors)

    text = json.dumps(report, indent=2, sort_keys=True) + "\n"
    sys.stdout.write(text)
    if options.out:
        directory = os.path.dirname(options.out)
        if directory:
            os.makedirs(directory, exist_ok=True)
        with open(options.out, "w", encoding="utf-8") as handle:
            handle.write(text)
    return 1 if report["allowlist_errors"] or report["active_differences"] else 0


if __name__ == "__main__":
    sys.exit(main())

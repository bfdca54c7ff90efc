#!/usr/bin/env python3
"""Render the fixture chart, its drift variants and a live snapshot.

    python3 tools/render_fixtures.py           # (re)write the rendered files
    python3 tools/render_fixtures.py --check   # exit 1 listing stale files

Writes, deterministically:
  charts-fixtures/rendered/bijux-atlas.yaml        the clean chart, `helm template atlas-e2e ... -n atlas-e2e`
  charts-fixtures/rendered/relay.yaml              the relay chart, `helm template relay-e2e ... -n atlas-e2e`
  charts-fixtures/variants/<name>/rendered.yaml    each variant (variant.json: values files, --set, release, namespace;
                                                   templates/** and Chart.yaml in the variant dir replace the chart's)
  charts-fixtures/snapshots/live.json              `kubectl get svc,deploy -A -o json` as a cluster running the clean
                                                   chart plus the stack manifests would print it

Rendering goes through tools/helm_template.py (the same code path as the
`RENDER_CHECK_HELM` adapter), i.e. Helm's own engine from helm-python-sdk.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import helm_template  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "charts-fixtures"
CHART = FIXTURES / "bijux-atlas"
STACK = FIXTURES / "stack"
VARIANTS = FIXTURES / "variants"
RENDERED = FIXTURES / "rendered" / "bijux-atlas.yaml"
LIVE = FIXTURES / "snapshots" / "live.json"
RELAY_CHART = FIXTURES / "relay"
RELAY_RENDERED = FIXTURES / "rendered" / "relay.yaml"
RELAY_RELEASE = "relay-e2e"
RELEASE = "atlas-e2e"
NAMESPACE = "atlas-e2e"

CREATED = "2025-06-02T09:14:07Z"
UID_NAMESPACE = uuid.UUID("5b0d2f4e-8c1a-4e61-9a57-3f2b6c0d9e14")


def render_clean() -> str:
    return helm_template.template(str(CHART), RELEASE, NAMESPACE)


def load_variant(directory: Path) -> dict[str, Any]:
    with open(directory / "variant.json", encoding="utf-8") as handle:
        return json.load(handle)


def variant_chart(directory: Path, workdir: Path) -> Path:
    """A copy of the chart with the variant's Chart.yaml and templates/** laid over it."""
    chart = workdir / CHART.name
    shutil.copytree(CHART, chart)
    if (directory / "Chart.yaml").is_file():
        shutil.copyfile(directory / "Chart.yaml", chart / "Chart.yaml")
    templates = directory / "templates"
    if templates.is_dir():
        for source in sorted(templates.rglob("*")):
            if source.is_file():
                target = chart / "templates" / source.relative_to(templates)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    return chart


def render_variant(directory: Path) -> str:
    spec = load_variant(directory)
    with tempfile.TemporaryDirectory(prefix="render-fixtures-") as workdir:
        chart = variant_chart(directory, Path(workdir))
        return helm_template.template(
            str(chart),
            spec.get("release", RELEASE),
            spec.get("namespace", NAMESPACE),
            [str(directory / name) for name in spec.get("values", [])],
            spec.get("set", []),
        )


# --- live snapshot ------------------------------------------------------------


def _resources(text: str) -> list[dict]:
    return [doc for doc in yaml.load_all(text, Loader=yaml.CSafeLoader) if isinstance(doc, dict)]


def _probe(probe: dict) -> None:
    probe.setdefault("failureThreshold", 3)
    probe.setdefault("periodSeconds", 10)
    probe.setdefault("successThreshold", 1)
    probe.setdefault("timeoutSeconds", 1)
    if isinstance(probe.get("httpGet"), dict):
        probe["httpGet"].setdefault("scheme", "HTTP")


def _live_service(resource: dict, index: int) -> None:
    spec = resource.setdefault("spec", {})
    address = f"10.96.{index // 200}.{10 + index % 200}"
    spec.setdefault("type", "ClusterIP")
    spec["clusterIP"] = address
    spec["clusterIPs"] = [address]
    spec.setdefault("internalTrafficPolicy", "Cluster")
    spec.setdefault("ipFamilies", ["IPv4"])
    spec.setdefault("ipFamilyPolicy", "SingleStack")
    spec.setdefault("sessionAffinity", "None")
    for port in spec.get("ports", []):
        port.setdefault("protocol", "TCP")
        port.setdefault("targetPort", port.get("port"))
    resource["status"] = {"loadBalancer": {}}


def _live_deployment(resource: dict) -> None:
    metadata = resource["metadata"]
    metadata["generation"] = 1
    metadata.setdefault("annotations", {})["deployment.kubernetes.io/revision"] = "1"
    spec = resource.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    spec.setdefault("progressDeadlineSeconds", 600)
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault(
        "strategy",
        {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}, "type": "RollingUpdate"},
    )
    template = spec.setdefault("template", {})
    template.setdefault("metadata", {})["creationTimestamp"] = None
    pod = template.setdefault("spec", {})
    pod.setdefault("dnsPolicy", "ClusterFirst")
    pod.setdefault("restartPolicy", "Always")
    pod.setdefault("schedulerName", "default-scheduler")
    pod.setdefault("securityContext", {})
    pod.setdefault("terminationGracePeriodSeconds", 30)
    for container in pod.get("containers", []):
        image = str(container.get("image", ""))
        container.setdefault("imagePullPolicy", "Always" if image.endswith(":latest") else "IfNotPresent")
        container.setdefault("resources", {})
        container.setdefault("terminationMessagePath", "/dev/termination-log")
        container.setdefault("terminationMessagePolicy", "File")
        for port in container.get("ports", []):
            port.setdefault("protocol", "TCP")
        for key in ("livenessProbe", "readinessProbe", "startupProbe"):
            if isinstance(container.get(key), dict):
                _probe(container[key])
    replicas = spec["replicas"]
    resource["status"] = {
        "availableReplicas": replicas,
        "conditions": [
            {
                "lastTransitionTime": CREATED,
                "lastUpdateTime": CREATED,
                "message": "Deployment has minimum availability.",
                "reason": "MinimumReplicasAvailable",
                "status": "True",
                "type": "Available",
            },
            {
                "lastTransitionTime": CREATED,
                "lastUpdateTime": CREATED,
                "message": f'ReplicaSet "{metadata["name"]}-7d9c5b8f6d" has successfully progressed.',
                "reason": "NewReplicaSetAvailable",
                "status": "True",
                "type": "Progressing",
            },
        ],
        "observedGeneration": 1,
        "readyReplicas": replicas,
        "replicas": replicas,
        "updatedReplicas": replicas,
    }


def live_snapshot(rendered: str, stack_files: list[Path]) -> str:
    """`kubectl get svc,deploy -A -o json` for the clean chart (a Helm release) plus the stack (kubectl apply)."""
    resources: list[tuple[str, dict]] = [("helm", r) for r in _resources(rendered)]
    for path in stack_files:
        resources += [("kubectl", r) for r in _resources(path.read_text(encoding="utf-8"))]

    items: list[dict] = []
    for kind in ("Service", "Deployment"):
        selected = [(origin, r) for origin, r in resources if r.get("kind") == kind]
        selected.sort(key=lambda pair: (pair[1]["metadata"].get("namespace", ""), pair[1]["metadata"]["name"]))
        for origin, resource in selected:
            applied = json.loads(json.dumps(resource))
            live = json.loads(json.dumps(resource))
            metadata = live["metadata"]
            namespace = metadata.setdefault("namespace", "default")
            annotations = metadata.setdefault("annotations", {})
            if origin == "helm":
                annotations["meta.helm.sh/release-name"] = RELEASE
                annotations["meta.helm.sh/release-namespace"] = NAMESPACE
            else:
                annotations["kubectl.kubernetes.io/last-applied-configuration"] = (
                    json.dumps(applied, separators=(",", ":"), sort_keys=True) + "\n"
                )
            metadata["creationTimestamp"] = CREATED
            metadata["resourceVersion"] = str(1000 + 7 * len(items))
            metadata["uid"] = str(uuid.uuid5(UID_NAMESPACE, f"{kind}/{namespace}/{metadata['name']}"))
            if kind == "Service":
                _live_service(live, len(items))
            else:
                _live_deployment(live)
            items.append(live)

    document = {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}
    return json.dumps(document, indent=4, sort_keys=True, ensure_ascii=False) + "\n"


# --- driver -------------------------------------------------------------------


def variant_dirs() -> list[Path]:
    return sorted(p for p in VARIANTS.iterdir() if (p / "variant.json").is_file())


def outputs() -> dict[Path, str]:
    """Every generated file and its expected content."""
    clean = render_clean()
    files = {RENDERED: clean}
    files[RELAY_RENDERED] = helm_template.template(str(RELAY_CHART), RELAY_RELEASE, NAMESPACE)
    for directory in variant_dirs():
        files[directory / "rendered.yaml"] = render_variant(directory)
    files[LIVE] = live_snapshot(clean, sorted(STACK.glob("*.yaml")))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="render to memory; exit 1 if a file is stale")
    options = parser.parse_args(argv)
    try:
        files = outputs()
    except helm_template.RenderError as error:
        sys.stderr.write(f"Error: {error}\n")
        return 1

    stale = []
    for path, text in files.items():
        current = path.read_bytes() if path.is_file() else None
        if current == text.encode("utf-8"):
            continue
        stale.append(path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path))
        if not options.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))

    if options.check:
        if stale:
            sys.stderr.write("stale rendered fixtures (run python3 tools/render_fixtures.py):\n")
            for name in stale:
                sys.stderr.write(f"  {name}\n")
            return 1
        print(f"{len(files)} rendered fixtures are fresh")
        return 0
    for name in stale:
        print(f"wrote {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

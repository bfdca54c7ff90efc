"""The relay fixture chart (charts-fixtures/relay): renders with Helm's engine, and its fixture is fresh."""

from __future__ import annotations

import pytest
import yaml

import helm_template
import render_fixtures
from conftest import FIXTURES, run_tool

RELAY = FIXTURES / "relay"
RELAY_RENDERED = FIXTURES / "rendered" / "relay.yaml"
RELEASE = "relay-e2e"
NAMESPACE = "atlas-e2e"


def render(tmp_path=None, overlay: str | None = None) -> str:
    files = []
    if overlay is not None:
        path = tmp_path / "overlay.yaml"
        path.write_text(overlay)
        files.append(str(path))
    return helm_template.template(str(RELAY), RELEASE, NAMESPACE, files)


def by_kind(stream: str) -> dict[str, dict]:
    documents = [d for d in yaml.safe_load_all(stream) if d is not None]
    out = {d["kind"]: d for d in documents}
    assert len(out) == len(documents), "one resource of each kind"
    return out


def test_relay_renders_valid_kubernetes_objects():
    out = render()
    sources = [line for line in out.splitlines() if line.startswith("# Source: ")]
    assert sources == [
        "# Source: relay/templates/configmap.yaml",
        "# Source: relay/templates/service.yaml",
        "# Source: relay/templates/deployment.yaml",
    ]
    resources = by_kind(out)
    assert sorted(resources) == ["ConfigMap", "Deployment", "Service"]
    for resource in resources.values():
        assert isinstance(resource["apiVersion"], str) and resource["apiVersion"]
        metadata = resource["metadata"]
        assert metadata["name"] == "relay-e2e", "fullname: the release name already contains the chart name"
        assert metadata["namespace"] == NAMESPACE
        labels = metadata["labels"]
        assert all(isinstance(v, str) for v in labels.values()), "label values must be strings"
        assert labels["helm.sh/chart"] == "relay-1.4.2"
        assert labels["app.kubernetes.io/version"] == "2.8.0"
        assert labels["app.kubernetes.io/name"] == "relay"
        assert labels["team"] == "platform" and labels["app.kubernetes.io/part-of"] == "bijux"
        if resource.get("data"):
            assert all(isinstance(v, str) for v in resource["data"].values()), "ConfigMap data values must be strings"

    service, deployment = resources["Service"], resources["Deployment"]
    pod = deployment["spec"]["template"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert all(isinstance(v, str) for v in pod["metadata"]["annotations"].values())
    assert all(isinstance(v, str) for v in service["metadata"]["annotations"].values())
    (container,) = pod["spec"]["containers"]
    assert container["image"] == "docker.io/bijux/relay:2.8.0"
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"grpc": 9095, "http": 8080, "metrics": 9090}
    assert all(isinstance(p["port"], int) for p in service["spec"]["ports"])
    declared = set(ports)
    assert all(p["targetPort"] in declared for p in service["spec"]["ports"]), "named targetPorts resolve"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env == {"RELAY_INSTANCE": "relay-e2e", "RELAY_REGION": "eu-west-1", "RELAY_DRAIN_TIMEOUT": "15s"}
    assert container["resources"] == {
        "requests": {"cpu": "50m", "memory": "64Mi"},
        "limits": {"cpu": "250m", "memory": "256Mi"},
    }
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["periodSeconds"] == 5
    assert len(pod["metadata"]["annotations"]["checksum/config"]) == 64


def test_relay_rendered_fixture_is_fresh():
    assert render_fixtures.RELAY_RENDERED == RELAY_RENDERED
    assert RELAY_RENDERED in render_fixtures.outputs(), "render_fixtures renders the relay chart"
    assert RELAY_RENDERED.read_text(encoding="utf-8") == render()
    result = run_tool("render_fixtures.py", "--check")
    assert result.returncode == 0, result.stderr + result.stdout


def test_relay_ports_helper_omits_disabled_ports(tmp_path):
    service = by_kind(render())["Service"]
    assert [p["name"] for p in service["spec"]["ports"]] == ["http", "metrics"], "grpc is disabled"
    assert service["spec"]["ports"][0] == {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}

    enabled = by_kind(render(tmp_path, "service:\n  ports:\n    grpc:\n      enabled: true\n    http:\n      enabled: false\n"))
    assert [p["name"] for p in enabled["Service"]["spec"]["ports"]] == ["grpc", "metrics"]

    node_port = by_kind(render(tmp_path, "service:\n  type: NodePort\n"))["Service"]
    assert node_port["spec"]["type"] == "NodePort"
    assert [p.get("nodePort") for p in node_port["spec"]["ports"]] == [30080, None]


def test_relay_configmap_carries_the_config_subtree(tmp_path):
    defaults = yaml.safe_load((RELAY / "values.yaml").read_text())
    configmap = by_kind(render())["ConfigMap"]
    data = configmap["data"]
    assert yaml.safe_load(data["config.yaml"]) == defaults["config"]
    assert data["LOG_LEVEL"] == "info" and data["LOG_FORMAT"] == "json"
    assert data["MAX_CONNECTIONS"] == "1024"
    assert data["UPSTREAM_ATLAS"] == "atlas-e2e-bijux-atlas.atlas-e2e.svc:8080"
    assert data["UPSTREAM_CACHE"] == "redis.atlas-e2e.svc:6379"
    assert data["PUBLIC_URL"] == "http://relay-e2e.atlas-e2e.svc:80", "tpl renders the values string"

    changed = by_kind(render(tmp_path, "config:\n  logLevel: debug\n"))
    assert changed["ConfigMap"]["data"]["LOG_LEVEL"] == "debug"
    assert yaml.safe_load(changed["ConfigMap"]["data"]["config.yaml"])["logLevel"] == "debug"
    before = by_kind(render())["Deployment"]["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    after = changed["Deployment"]["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    assert before != after, "the checksum follows the ConfigMap"


def test_relay_overrides_and_failures(tmp_path):
    named = by_kind(render(tmp_path, "fullnameOverride: edge\n"))
    assert {r["metadata"]["name"] for r in named.values()} == {"edge"}
    assert by_kind(render(tmp_path, "nameOverride: proxy\n"))["Service"]["metadata"]["name"] == "relay-e2e-proxy"
    digest = by_kind(render(tmp_path, "image:\n  digest: sha256:abc\n"))["Deployment"]
    assert digest["spec"]["template"]["spec"]["containers"][0]["image"] == "docker.io/bijux/relay@sha256:abc"
    with pytest.raises(helm_template.RenderError, match="image.repository is required"):
        render(tmp_path, 'image:\n  repository: ""\n')
    with pytest.raises(helm_template.RenderError, match="config.logFormat must be json or text"):
        render(tmp_path, "config:\n  logFormat: xml\n")

"""tools/helm_template.py prints what `helm template` prints."""

from __future__ import annotations

import textwrap

import pytest
import yaml

import helm_python
import helm_template
from conftest import CHART, FIXTURES, VARIANTS, load_json, run_tool

import render_fixtures

HEADER = "---\n# Source: bijux-atlas/templates/"


def documents(stream):
    return [d for d in yaml.safe_load_all(stream) if d is not None]


def service_port(stream):
    (service,) = [d for d in documents(stream) if d["kind"] == "Service"]
    return service["spec"]["ports"][0]["port"]


def test_stream_format_and_order():
    result = run_tool("helm_template.py", "template", "atlas-e2e", str(CHART), "-n", "atlas-e2e")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(HEADER)
    assert out.endswith("\n") and not out.endswith("\n\n")
    sources = [line for line in out.splitlines() if line.startswith("# Source: ")]
    assert sources == [
        "# Source: bijux-atlas/templates/service.yaml",
        "# Source: bijux-atlas/templates/deployment.yaml",
    ]
    kinds = [d["kind"] for d in documents(out)]
    assert kinds == ["Service", "Deployment"]
    service = documents(out)[0]
    assert service["metadata"]["name"] == "atlas-e2e-bijux-atlas"
    assert service["metadata"]["namespace"] == "atlas-e2e"
    assert service["spec"]["selector"] == {
        "app.kubernetes.io/instance": "atlas-e2e",
        "app.kubernetes.io/name": "bijux-atlas",
    }
    assert "NOTES" not in out


def test_set_changes_the_service_port():
    result = run_tool("helm_template.py", "template", "atlas-e2e", str(CHART), "-n", "atlas-e2e", "--set", "service.port=9999")
    assert result.returncode == 0, result.stderr
    assert service_port(result.stdout) == 9999


def test_argument_forms():
    plain = run_tool("helm_template.py", "template", "atlas-e2e", str(CHART), "-n", "atlas-e2e").stdout
    without_word = run_tool("helm_template.py", "atlas-e2e", str(CHART), "--namespace=atlas-e2e")
    assert without_word.returncode == 0 and without_word.stdout == plain
    flags_first = run_tool("helm_template.py", "-n", "atlas-e2e", "template", "atlas-e2e", str(CHART))
    assert flags_first.returncode == 0 and flags_first.stdout == plain
    chart_only = run_tool("helm_template.py", str(CHART))
    assert chart_only.returncode == 0
    assert "name: release-name-bijux-atlas" in chart_only.stdout
    assert "namespace: default" in chart_only.stdout


def test_values_files_merge_in_order(tmp_path):
    first = tmp_path / "a.yaml"
    second = tmp_path / "b.yaml"
    first.write_text("service:\n  port: 7000\nresources:\n  limits: null\n")
    second.write_text("service:\n  port: 7001\n")
    out = helm_template.template(str(CHART), "atlas-e2e", "atlas-e2e", [str(first), str(second)])
    assert service_port(out) == 7001
    (deployment,) = [d for d in documents(out) if d["kind"] == "Deployment"]
    resources = deployment["spec"]["template"]["spec"]["containers"][0]["resources"]
    assert resources == {"requests": {"cpu": "100m", "memory": "128Mi"}}, "null deletes the chart default"
    # --set wins over files; -f accepts a comma-separated list like Helm's.
    result = run_tool(
        "helm_template.py", "atlas-e2e", str(CHART), "-f", f"{first},{second}", "--set", "service.port=7002"
    )
    assert service_port(result.stdout) == 7002


def test_render_error_exits_1(tmp_path):
    missing = run_tool("helm_template.py", "atlas-e2e", str(CHART), "-f", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 1
    assert "nope.yaml" in missing.stderr and missing.stdout == ""
    broken = tmp_path / "broken"
    (broken / "templates").mkdir(parents=True)
    (broken / "Chart.yaml").write_text("apiVersion: v2\nname: broken\nversion: 0.1.0\n")
    (broken / "templates" / "x.yaml").write_text("kind: ConfigMap\nvalue: {{ .Values.a.b.c }}\n")
    result = run_tool("helm_template.py", "template", "r", str(broken))
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and result.stdout == ""
    no_chart = run_tool("helm_template.py", "template")
    assert no_chart.returncode == 1


def test_split_manifests_like_helm():
    text = "\n---\nkind: A\n---   \n\n# only a comment\n---\nkind: B\n\n\n---\n"
    assert helm_template.split_manifests(text) == ["kind: A", "# only a comment", "kind: B"]
    assert helm_template.split_manifests("kind: A\n") == ["kind: A\n"]


def synthetic_chart(root):
    chart = root / "sorted"
    (chart / "templates" / "sub").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: sorted\nversion: 1.2.3\n")
    files = {
        "a-rollout.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: r\n",
        "b-multi.yaml": textwrap.dedent(
            """\
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d1
            ---
            # a comment-only document
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
            data:
              block: |
                line


            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d2
            """
        ),
        "c-ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n",
        "sub/d-zeta.yaml": "apiVersion: x/v1\nkind: Zeta\nmetadata:\n  name: z\n---\napiVersion: x/v1\nkind: Alpha\nmetadata:\n  name: a\n",
        "e-empty.yaml": "{{- if false }}\nkind: Secret\n{{- end }}\n",
        "f-hook.yaml": textwrap.dedent(
            """\
            apiVersion: v1
            kind: Pod
            metadata:
              name: t
              annotations:
                "helm.sh/hook": test
            """
        ),
        "g-svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations:\n    a: b\n",
        "_partial.tpl": "{{ define \"x\" }}kind: Service{{ end }}",
        "NOTES.txt": "hello",
    }
    for name, text in files.items():
        (chart / "templates" / name).write_text(text)
    return chart


def test_kind_order_ties_and_hooks(tmp_path):
    out = helm_template.template(str(synthetic_chart(tmp_path)), "r", "ns")
    heads = []
    for block in out.split("---\n")[1:]:
        source = block.splitlines()[0]
        doc = yaml.safe_load(block)
        heads.append((source.removeprefix("# Source: sorted/templates/"), (doc or {}).get("kind"), ((doc or {}).get("metadata") or {}).get("name")))
    assert heads == [
        ("c-ns.yaml", "Namespace", "n"),
        ("b-multi.yaml", "ConfigMap", "c"),
        ("g-svc.yaml", "Service", "s"),
        ("b-multi.yaml", "Deployment", "d1"),
        ("b-multi.yaml", "Deployment", "d2"),
        ("b-multi.yaml", None, None),  # no kind: unknown, and "" sorts first among unknown kinds
        ("sub/d-zeta.yaml", "Alpha", "a"),
        ("a-rollout.yaml", "Rollout", "r"),
        ("sub/d-zeta.yaml", "Zeta", "z"),
        ("f-hook.yaml", "Pod", "t"),  # hooks come after the manifests
    ]
    skipped = helm_template.template(str(synthetic_chart(tmp_path / "again")), "r", "ns", skip_tests=True)
    assert "f-hook.yaml" not in skipped


def helm_install_manifest(chart, release, namespace, values):
    """Helm's own `install --dry-run=client` manifest (the body `helm template` prints before hooks)."""
    config = helm_python.Config(
        storage_driver="memory",
        namespace=namespace,
        kubeconfig_content="apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n",
    )
    with config:
        try:
            release_info = config.install(chart, release, values, dry_run="client", namespace=namespace)
        except helm_python.HelmError as error:  # pragma: no cover - depends on the bundled library
            pytest.skip(f"helm install --dry-run=client unavailable: {error}")
    return release_info["manifest"]


def test_matches_helm_install_dry_run_on_synthetic_chart(tmp_path):
    chart = synthetic_chart(tmp_path)
    ours = helm_template.template(str(chart), "r", "ns", no_hooks=True)
    theirs = helm_install_manifest(str(chart), "r", "ns", {})
    assert ours == theirs.strip() + "\n"


@pytest.mark.parametrize("variant", [None, *VARIANTS], ids=lambda p: "clean" if p is None else p.name)
def test_matches_helm_install_dry_run_on_fixtures(variant, tmp_path):
    if variant is None:
        chart, release, namespace, files, sets = CHART, "atlas-e2e", "atlas-e2e", [], []
    else:
        spec = load_json(variant / "variant.json")
        chart = render_fixtures.variant_chart(variant, tmp_path)
        release, namespace = spec["release"], spec["namespace"]
        files, sets = [str(variant / n) for n in spec["values"]], spec["set"]
    ours = helm_template.template(str(chart), release, namespace, files, sets)
    values = helm_template.user_values(files, sets)
    theirs = helm_install_manifest(str(chart), release, namespace, values)
    assert ours == theirs.strip() + "\n"
    committed = FIXTURES / "rendered" / "bijux-atlas.yaml" if variant is None else variant / "rendered.yaml"
    assert committed.read_text() == ours

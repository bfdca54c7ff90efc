"""From an empty repository to a gate, and render-check where users already work.

Everything here runs the real programs: the render-check binary ($RENDER_CHECK_BIN,
else .build/debug/render-check), the real helm (RENDER_CHECK_HELM, else
.build-tools/bin/helm, else helm on PATH, else /opt/helm/bin/helm), pre-commit,
check-jsonschema, actionlint, vim and man. The public charts of ../shared/charts
are copied into temporary folders that stand for a user's repository; nothing is
written into the project.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT, VARIANTS, load_json

SHARED = ROOT.parent / "shared"
PUBLIC_CHARTS = sorted(p for p in (SHARED / "charts").iterdir() if (p / "Chart.yaml").is_file()) \
    if (SHARED / "charts").is_dir() else []
CONTRACT_SCHEMA = SHARED / "reference" / "layer-contract.schema.json"
TRIAGE_SCHEMA = ROOT / "ops" / "schema" / "layer-drift-triage.schema.json"
TEXT_LINE = re.compile(r"^(.+?):(\d+):(\d+): (error|warning|note): (.*)$")


def binary() -> str:
    path = os.environ.get("RENDER_CHECK_BIN") or str(ROOT / ".build" / "debug" / "render-check")
    if not os.access(path, os.X_OK):
        pytest.fail(f"render-check binary not found at {path}: run `swift build` or set RENDER_CHECK_BIN")
    return path


def helm() -> str:
    for candidate in (os.environ.get("RENDER_CHECK_HELM"), str(ROOT / ".build-tools" / "bin" / "helm"),
                      shutil.which("helm"), "/opt/helm/bin/helm"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip("no helm binary (RENDER_CHECK_HELM, .build-tools/bin/helm, PATH, /opt/helm/bin/helm)")


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["RENDER_CHECK_HELM"] = helm()
    env.pop("NO_COLOR", None)
    env.update(extra)
    return env


def rc(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([binary(), *args], cwd=cwd, env=env or environment(), capture_output=True, text=True,
                          check=False, timeout=600)


def repository(tmp_path: Path, chart: Path) -> Path:
    """A user's repository: the chart copied under charts/, nothing else."""
    repo = tmp_path / "repo"
    shutil.copytree(chart, repo / "charts" / chart.name, symlinks=True)
    return repo


def relaxed_contract_schema() -> dict:
    """The reference schema with its one project-specific part generalised:
    it requires exactly the reference project's six component names under
    `services`; any chart's components are checked against its `service`
    definition instead. Every other section is the reference's, unchanged."""
    schema = copy.deepcopy(load_json(CONTRACT_SCHEMA))
    schema["properties"]["services"] = {
        "type": "object", "minProperties": 1, "additionalProperties": {"$ref": "#/definitions/service"},
    }
    return schema


def assert_valid_contract(path: Path) -> None:
    contract = load_json(path)
    jsonschema.Draft7Validator(relaxed_contract_schema()).validate(contract)
    # Against the reference schema as it is, the only complaints may be the component names.
    errors = list(jsonschema.Draft7Validator(load_json(CONTRACT_SCHEMA)).iter_errors(contract))
    assert all(list(e.absolute_path) == ["services"] and e.validator in ("required", "additionalProperties")
               for e in errors), [e.message for e in errors]


# MARK: - init on every public chart


def service_port_keys(repo: Path, chart: str, release: str) -> list[tuple[str, int]]:
    """The values keys that own a rendered Service port, as blame attributes
    them: (dotted key without `values.`, the port's value)."""
    rendered = repo / "rendered.yaml"
    out = subprocess.run([helm(), "template", release, f"charts/{chart}", "-n", "default"], cwd=repo,
                         capture_output=True, text=True, check=True).stdout
    rendered.write_text(out)
    listing = rc(["resources", str(rendered)], repo).stdout.splitlines()
    starts = sorted((int(line.split(":")[1]), line.split(": ", 1)[1].split(" ")[0]) for line in listing)
    blame = json.loads(rc(["blame", "--chart", f"charts/{chart}", "--release", release, "--namespace", "default",
                           "--format", "json", str(rendered)], repo).stdout)
    keys = []
    for leaf in blame["leaves"]:
        kind = next((k for start, k in reversed(starts) if start <= leaf["line"]), None)
        owner = leaf["owner"]
        if kind == "Service" and re.fullmatch(r"spec\.ports\[[^\]]+\]\.port", leaf["path"]) \
                and owner["layer"] == "values" and owner["anchor"] and str(leaf["value"]).isdigit():
            keys.append((owner["anchor"].removeprefix("values."), int(leaf["value"])))
    rendered.unlink()
    return keys


def assert_renders_the_same_without(chart: Path, release: str, dotted: str) -> None:
    """Render the chart as shipped and with the key at `dotted` changed; a key
    that changes nothing leaves the render as it was."""
    def render(*extra: str) -> str:
        done = subprocess.run([helm(), "template", release, str(chart), *extra], capture_output=True, text=True,
                              check=False, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout
    value = yaml.safe_load((chart / "values.yaml").read_text())
    for step in dotted.split("."):
        value = value[step]
    changed = (not value) if isinstance(value, bool) else value + 7919 if isinstance(value, int) \
        else f"{value}-changed" if isinstance(value, str) else "changed"
    base = render()
    if render() != base:
        return  # random values: an unchanged render cannot be told apart
    overlay = chart.parent / "unused-probe.yaml"
    tree = changed
    for step in reversed(dotted.split(".")):
        tree = {step: tree}
    overlay.write_text(yaml.safe_dump(tree))
    try:
        assert render("-f", str(overlay)) == base, f"{dotted} is reported unused, yet changing it changes the render"
    finally:
        overlay.unlink()


@pytest.mark.parametrize("chart", PUBLIC_CHARTS, ids=lambda p: p.name)
def test_init_gates_a_public_chart_end_to_end(tmp_path: Path, chart: Path) -> None:
    repo = repository(tmp_path, chart)
    init = rc(["init", "--chart", f"charts/{chart.name}"], repo)
    assert init.returncode == 0, init.stderr
    contract = repo / "ops" / "inventory" / "layers.json"
    assert_valid_contract(contract)
    assert load_json(repo / "configs" / "policy" / "layer-live-diff-allowlist.json") == {"schema_version": 1, "exceptions": []}
    configuration = yaml.safe_load((repo / ".render-check.yaml").read_text())
    assert configuration["render"] is True and configuration["chart"] == f"charts/{chart.name}"
    assert "render-check contract diff --write" in init.stdout

    # `contract generate` with no contract writes the very same contract.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    generated = rc(["contract", "generate", "--no-config", "--chart", str(repo / "charts" / chart.name),
                    "--release", configuration["release"], "--namespace", "default"], fresh)
    assert generated.returncode == 0, generated.stderr
    assert generated.stdout == contract.read_text()

    # The regeneration step init prints works with no flags, from the configuration alone.
    diff = rc(["contract", "diff"], repo)
    assert diff.returncode == 0 and diff.stdout.endswith("ops/inventory/layers.json: up to date\n"), diff.stdout + diff.stderr

    # A bare render-check renders with helm and checks: the contract init wrote
    # absorbs the chart as it renders today, so the gate is clean.
    bare = rc(["--format", "json"], repo)
    triage = json.loads(bare.stdout)
    jsonschema.Draft7Validator(load_json(TRIAGE_SCHEMA)).validate(triage)
    assert triage["configuration"] == ".render-check.yaml"
    assert bare.returncode == 0, bare.stdout + bare.stderr
    assert [d["diff_key"] for d in triage["active_differences"] if d["severity"] == "error"] == []
    assert "exit 0 now" in init.stdout
    # A warning that a values key is unused must be true: Helm renders the same
    # with that key changed.
    for unused in (d for d in triage["active_differences"] if d["family"] == "values-unused"):
        assert_renders_the_same_without(repo / "charts" / chart.name, configuration["release"],
                                        unused["diff_key"].removeprefix("values.").removesuffix(".unused"))

    # A --set on a Service port key: the port drifts, and where blame
    # attributes the port to that key, the finding is owned by the --set.
    keys = service_port_keys(repo, chart.name, configuration["release"])
    if not keys:
        pytest.skip(f"{chart.name}: blame attributes no Service port to a values key, so no --set key to try")
    # Blame can name a key that does not drive the port (a wrong attribution
    # is blame's fault, measured elsewhere); the keys that do drive one must
    # own the finding through the --set.
    drove = []
    for key in dict.fromkeys(k for k, _ in keys):
        drifted = rc(["--set", f"{key}=1234", "--format", "json"], repo)
        ports = [d for d in json.loads(drifted.stdout)["active_differences"]
                 if d["family"] == "service-port" and d["actual"] == 1234]
        if not ports:
            continue
        drove.append(key)
        assert drifted.returncode == 1, drifted.stdout + drifted.stderr
        assert all(d["owner"]["anchor"] == f"values.{key}" and d["owner"]["file"] == "--set" for d in ports), ports
    assert drove, f"no Service port key that blame names ({keys}) changes a port"


def fixture_repository(tmp_path: Path) -> Path:
    repo = tmp_path / "fixture"
    shutil.copytree(ROOT / "charts-fixtures" / "bijux-atlas", repo / "charts" / "atlas")
    return repo


def test_init_names_the_findings_no_contract_value_absorbs(tmp_path: Path) -> None:
    # A Service whose named targetPort no container declares is broken whatever
    # the contract says: init warns, names the key, and the gate stays shut.
    repo = fixture_repository(tmp_path)
    service = repo / "charts" / "atlas" / "templates" / "service.yaml"
    service.write_text(service.read_text().replace("targetPort: {{ .Values.service.portName }}", "targetPort: undeclared"))
    init = rc(["init", "--chart", "charts/atlas", "--release", "atlas-e2e", "--namespace", "atlas-e2e",
               "--component", "atlas"], repo)
    assert init.returncode == 0, init.stderr
    assert "exit 1 until the findings below are handled" in init.stdout
    named = re.findall(r"\[([^\]\s]+)\] owner:", init.stdout.split("warning: the chart as it renders today has", 1)[1])
    assert named == ["service.atlas.targetPort.undeclared"], init.stdout
    bare = rc(["--format", "json"], repo)
    assert bare.returncode == 1
    assert [d["diff_key"] for d in json.loads(bare.stdout)["active_differences"]] == named


def test_init_refuses_to_overwrite_without_force_and_names_the_component(tmp_path: Path) -> None:
    repo = fixture_repository(tmp_path)
    first = rc(["init", "--chart", "charts/atlas", "--release", "atlas-e2e", "--namespace", "atlas-e2e",
                "--component", "atlas"], repo)
    assert first.returncode == 0, first.stderr
    contract = load_json(repo / "ops" / "inventory" / "layers.json")
    assert list(contract["services"]) == ["atlas"]
    assert contract["services"]["atlas"]["service_name"] == "atlas-e2e-bijux-atlas"
    assert set(contract["ports"]) == {"atlas"}
    assert contract["namespaces"] == {"stack": "atlas-e2e", "k8s": "atlas-e2e", "e2e": "atlas-e2e"}
    (repo / ".render-check.yaml").write_text((repo / ".render-check.yaml").read_text() + "# mine\n")
    again = rc(["init", "--chart", "charts/atlas"], repo)
    assert again.returncode == 2
    assert "already exist" in again.stderr and "--force" in again.stderr
    assert (repo / ".render-check.yaml").read_text().endswith("# mine\n"), "a refused init wrote something"
    forced = rc(["init", "--chart", "charts/atlas", "--release", "atlas-e2e", "--force"], repo)
    assert forced.returncode == 0, forced.stderr
    assert not (repo / ".render-check.yaml").read_text().endswith("# mine\n")


def test_an_empty_contract_gets_the_redirection_hint_and_output_onto_it_is_safe(tmp_path: Path) -> None:
    repo = fixture_repository(tmp_path)
    assert rc(["init", "--chart", "charts/atlas", "--release", "atlas-e2e", "--namespace", "atlas-e2e"], repo).returncode == 0
    contract = repo / "ops" / "inventory" / "layers.json"
    before = contract.read_text()
    # --output onto the contract it reads: same bytes, written atomically.
    onto = rc(["contract", "generate", "--output", "ops/inventory/layers.json"], repo)
    assert onto.returncode == 0, onto.stderr
    assert contract.read_text() == before
    assert sorted(p.name for p in contract.parent.iterdir()) == ["layers.json"]
    # What `> ops/inventory/layers.json` leaves behind.
    contract.write_text("")
    for args in (["contract", "generate"], ["check"], []):
        result = rc(args, repo)
        assert result.returncode == 2, (args, result.stdout)
        assert "file is empty" in result.stderr and "shell redirection" in result.stderr and "--output" in result.stderr


# MARK: - several charts


def test_charts_entries_are_checked_together_into_one_report(tmp_path: Path) -> None:
    repo = fixture_repository(tmp_path)
    assert rc(["init", "--chart", "charts/atlas", "--release", "atlas-e2e", "--namespace", "atlas-e2e",
               "--component", "atlas"], repo).returncode == 0
    config = repo / ".render-check.yaml"
    config.write_text(
        'contract: ops/inventory/layers.json\n'
        'allowlist: configs/policy/layer-live-diff-allowlist.json\n'
        'namespace: atlas-e2e\n'
        'render: true\n'
        'charts:\n'
        '  - {name: prod, chart: charts/atlas, release: atlas-e2e, component: atlas}\n'
        '  - name: staging\n'
        '    chart: charts/atlas\n'
        '    release: atlas-e2e\n'
        '    set: [service.port=9191]\n'
        '    component: atlas\n')
    clean_only = config.read_text().split("  - name: staging")[0]

    text = rc([], repo)
    assert text.returncode == 1, text.stdout + text.stderr
    drift = [line for line in text.stdout.splitlines() if ": error: " in line]
    assert drift and all(": error: [staging] " in line for line in drift), text.stdout
    assert text.stdout.splitlines()[-1].startswith("render-check: ")
    assert ".render-check.yaml:1:1: note: configuration:" in text.stdout

    triage = json.loads(rc(["--format", "json"], repo).stdout)
    jsonschema.Draft7Validator(load_json(TRIAGE_SCHEMA)).validate(triage)
    assert {d["chart"] for d in triage["active_differences"]} == {"staging"}
    assert any(d["diff_key"] == "service.atlas.port.service" and d["actual"] == 9191 for d in triage["active_differences"])
    assert triage["summary"]["inputs"] == 2
    # Each entry's owners are measured with helm, as a single chart's are: the
    # rendered port's owner is the entry's --set, found by experiment.
    ports = [d for d in triage["active_differences"] if d["diff_key"] == "service.atlas.port.service"]
    rendered_port = [d for d in ports if not d["location"]["file"].endswith(".yaml")]
    assert rendered_port and all(d["owner"]["anchor"] == "values.service.port" and d["owner"]["file"] == "--set"
                                 and d["owner"]["mode"] == "measured" for d in rendered_port), rendered_port
    static = json.loads(rc(["--format", "json", "--ownership", "static"], repo).stdout)
    assert {d["owner"]["mode"] for d in static["active_differences"] if d["owner"].get("mode")} == {"static"}

    sarif = json.loads(rc(["--format", "sarif"], repo).stdout)
    results = sarif["runs"][0]["results"]
    assert results and {r["properties"]["chart"] for r in results} == {"staging"}
    assert sarif["runs"][0]["invocations"][0]["properties"]["configuration"] == ".render-check.yaml"

    first, second = rc(["--format", "json"], repo).stdout, rc(["--format", "json"], repo).stdout
    assert first == second, "two runs over the same entries differ"

    config.write_text(clean_only)
    clean = rc([], repo)
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_a_bad_charts_entry_names_its_line(tmp_path: Path) -> None:
    repo = fixture_repository(tmp_path)
    (repo / ".render-check.yaml").write_text("contract: layers.json\ncharts:\n  - {name: a, chart: charts/atlas, colour: red}\n")
    result = rc([], repo)
    assert result.returncode == 2
    assert re.search(r"\.render-check\.yaml:3:\d+: error: unknown key `colour` in a charts entry", result.stderr), result.stderr


def test_a_contract_from_another_repository_does_not_take_this_allowlist(tmp_path: Path) -> None:
    repo = fixture_repository(tmp_path)
    assert rc(["init", "--chart", "charts/atlas", "--release", "atlas-e2e", "--namespace", "atlas-e2e"], repo).returncode == 0
    # This repository's allowlist would suppress everything; the other repository's contract must not see it.
    (repo / "configs" / "policy" / "layer-live-diff-allowlist.json").write_text(json.dumps({"schema_version": 1, "exceptions": [
        {"id": "all", "diff_key": "*", "owner": "me", "issue": "X-1", "expiry": "2999-01-01", "justification": "test"}]}))
    other = tmp_path / "other"
    shutil.copytree(ROOT / "ops", other / "ops")
    rendered = ROOT / "charts-fixtures" / "variants" / "port-drift" / "rendered.yaml"
    result = rc(["check", str(rendered), "--contract", str(other / "ops" / "inventory" / "layers.json"), "--format", "json"], repo)
    assert "is outside" in result.stderr and "allowlist" in result.stderr, result.stderr
    triage = json.loads(result.stdout)
    assert triage["suppressed_differences"] == [] and triage["active_differences"]
    assert result.returncode == 1


# MARK: - Helm plugin


def test_helm_plugin_installs_from_the_checkout_and_renders_with_the_helm_that_runs_it(tmp_path: Path) -> None:
    helm_bin = helm()
    data = tmp_path / "helm-data"
    env = dict(os.environ, HELM_DATA_HOME=str(data), HELM_PLUGINS=str(data / "plugins"),
               HELM_CONFIG_HOME=str(tmp_path / "helm-config"), HELM_CACHE_HOME=str(tmp_path / "helm-cache"))
    env.pop("RENDER_CHECK_HELM", None)
    # No helm and no render-check on PATH: the plugin must use $HELM_BIN and the checkout's build.
    env["PATH"] = "/usr/bin:/bin"
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in ("plugin.yaml", "scripts"):
        (checkout / name).symlink_to(ROOT / name)
    (checkout / ".build").symlink_to(ROOT / ".build")
    install = subprocess.run([helm_bin, "plugin", "install", str(checkout)], env=env, capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    listed = subprocess.run([helm_bin, "plugin", "list"], env=env, capture_output=True, text=True).stdout
    assert re.search(r"^render-check\s+0\.1\.0", listed, re.M), listed

    repo = fixture_repository(tmp_path)
    assert rc(["init", "--chart", "charts/atlas", "--release", "atlas-e2e", "--namespace", "atlas-e2e"], repo).returncode == 0
    clean = subprocess.run([helm_bin, "render-check"], cwd=repo, env=env, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "from 1 input" in clean.stdout
    drifted = subprocess.run([helm_bin, "render-check", "check", "--set", "service.port=9191", "--format", "json"],
                             cwd=repo, env=env, capture_output=True, text=True)
    assert drifted.returncode == 1, drifted.stderr
    findings = json.loads(drifted.stdout)["active_differences"]
    assert any(d["owner"]["file"] == "--set" and d["actual"] == 9191 for d in findings), findings


# MARK: - pre-commit


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t", *args], cwd=repo,
                   check=True, capture_output=True)


def test_pre_commit_hook_passes_a_clean_chart_and_fails_on_drift(tmp_path: Path) -> None:
    if shutil.which("pre-commit") is None:
        pytest.fail("pre-commit is not installed: `make python-deps` installs it")
    repo = fixture_repository(tmp_path)
    git(repo, "init", "-q")
    assert rc(["init", "--chart", "charts/atlas", "--release", "atlas-e2e", "--namespace", "atlas-e2e",
               "--component", "atlas"], repo).returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "gate")
    # The hook is `language: system`: it runs the render-check on PATH, as a user's `make install` provides.
    env = environment(PATH=f"{Path(binary()).parent}:{os.environ['PATH']}", PRE_COMMIT_HOME=str(tmp_path / "pre-commit"))

    def try_repo() -> subprocess.CompletedProcess:
        return subprocess.run(["pre-commit", "try-repo", str(ROOT), "render-check", "--all-files"], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=600)

    clean = try_repo()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(r"render-check .*Passed", clean.stdout), clean.stdout
    values = repo / "charts" / "atlas" / "values.yaml"
    text = values.read_text()
    assert re.search(r"^  port: 8080$", text, re.M)
    values.write_text(re.sub(r"^  port: 8080$", "  port: 8181", text, count=1, flags=re.M))
    drifted = try_repo()
    assert drifted.returncode == 1, drifted.stdout
    assert "Failed" in drifted.stdout and "[service.atlas.port.service] owner: values.service.port at" in drifted.stdout


# MARK: - GitHub Actions


def test_action_validates_against_the_actions_schema_and_actionlint(tmp_path: Path) -> None:
    for tool in ("check-jsonschema", "actionlint"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed: `make python-deps` installs it")
    schema = subprocess.run(["check-jsonschema", "--builtin-schema", "vendor.github-actions", str(ROOT / "action.yml")],
                            capture_output=True, text=True)
    assert schema.returncode == 0, schema.stdout + schema.stderr
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    assert any("swift build -c release" in s.get("run", "") for s in steps)
    assert any("--format sarif --output" in s.get("run", "") for s in steps)
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif@") for s in steps)
    assert "exit \"$STATUS\"" in steps[-1]["run"]

    # actionlint reads the action through a workflow that uses it; an input the
    # action does not declare must be caught, or the lint proves nothing.
    repo = tmp_path / "user"
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ROOT / "action.yml", repo / "action.yml")
    git(repo, "init", "-q")
    workflow = repo / ".github" / "workflows" / "gate.yml"
    body = ("name: gate\non: [push]\njobs:\n  gate:\n    runs-on: ubuntu-latest\n    permissions:\n"
            "      security-events: write\n      contents: read\n    steps:\n      - uses: actions/checkout@v4\n"
            "      - uses: ./\n        with:\n          {key}: --set image.tag=1.2.3\n")
    workflow.write_text(body.format(key="args"))
    lint = subprocess.run(["actionlint", str(workflow)], cwd=repo, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    workflow.write_text(body.format(key="argz"))
    wrong = subprocess.run(["actionlint", str(workflow)], cwd=repo, capture_output=True, text=True)
    assert wrong.returncode == 1 and 'input "argz" is not defined' in wrong.stdout, wrong.stdout


def test_github_format_ends_with_a_notice_summary() -> None:
    variant = ROOT / "charts-fixtures" / "variants" / "port-drift"
    result = rc(["check", str(variant / "rendered.yaml"), "--no-config", "--contract", "ops/inventory/layers.json",
                 "--format", "github"], ROOT)
    last = result.stdout.splitlines()[-1]
    assert last.startswith("::notice title=render-check::render-check: "), last
    assert all(line.startswith("::") for line in result.stdout.splitlines())


# MARK: - editors


def variant_text_outputs() -> list[tuple[str, subprocess.CompletedProcess, subprocess.CompletedProcess]]:
    """The real text and JSON reports of every fixture variant, and of a YAML syntax error."""
    runs = []
    for variant in VARIANTS:
        spec = load_json(variant / "variant.json")
        args = ["check", str((variant / "rendered.yaml").relative_to(ROOT)), "--stack", "charts-fixtures/stack",
                "--no-config", "--contract", "ops/inventory/layers.json", "--allowlist", "ops/policy/layer-live-diff-allowlist.json",
                "--namespace", spec["namespace"], "--release", spec["release"], "--today", "2026-01-15"]
        runs.append((variant.name, rc(args, ROOT), rc(args + ["--format", "json"], ROOT)))
    return runs


def expected_problems(text: subprocess.CompletedProcess, triage: dict | None) -> list[tuple[str, int, int, str]]:
    """(file, line, column, level) of every finding the JSON report lists."""
    if triage is None:
        return []
    return sorted((d["location"]["file"], d["location"]["line"], d["location"]["column"], d["severity"])
                  for d in triage["active_differences"])


def test_vscode_problem_matcher_reads_every_family_and_a_syntax_error(tmp_path: Path) -> None:
    tasks = json.loads((ROOT / "editors" / "vscode" / "tasks.json").read_text())
    matcher = tasks["tasks"][0]["problemMatcher"]
    pattern = re.compile(matcher["pattern"]["regexp"])
    groups = matcher["pattern"]
    families = set()
    for name, text, json_run in variant_text_outputs():
        matched = []
        for line in text.stdout.splitlines():
            found = pattern.match(line)
            if found and found.group(groups["severity"]) != "note":
                matched.append((found.group(groups["file"]), int(found.group(groups["line"])),
                                int(found.group(groups["column"])), found.group(groups["severity"])))
            elif not found:
                assert line.startswith("render-check: "), f"{name}: unmatched line {line!r}"
        triage = json.loads(json_run.stdout)
        assert sorted(m for m in matched) == expected_problems(text, triage) + [], name
        families |= {d["family"] for d in triage["active_differences"]}
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: Service\nmetadata: [\n")
    syntax = rc(["check", str(broken), "--no-config", "--contract", str(ROOT / "ops" / "inventory" / "layers.json")], tmp_path)
    assert syntax.returncode == 2
    hits = [pattern.match(line) for line in syntax.stdout.splitlines()]
    assert any(h and h.group(1) == str(broken) and h.group(2) == "3" and h.group(4) == "error" for h in hits), syntax.stdout
    assert len(families) >= 8, families


def test_vim_errorformat_reads_every_family_and_a_syntax_error(tmp_path: Path) -> None:
    vim = shutil.which("vim") or shutil.which("nvim")
    if vim is None:
        pytest.skip("neither vim nor nvim is installed (apt-get install vim-nox)")
    cases = variant_text_outputs()
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: Service\nmetadata: [\n")
    syntax = rc(["check", str(broken), "--no-config", "--contract", str(ROOT / "ops" / "inventory" / "layers.json")], tmp_path)
    for name, text, json_run in cases + [("syntax-error", syntax, None)]:
        report = tmp_path / f"{name}.txt"
        report.write_text(text.stdout)
        quickfix = tmp_path / f"{name}.qf"
        script = tmp_path / "read.vim"
        script.write_text(
            f"set rtp+={ROOT / 'editors' / 'vim'}\ncompiler render-check\n"
            f"cgetfile {report}\n"
            "call writefile(map(filter(getqflist(), 'v:val.valid'), "
            "'fnamemodify(bufname(v:val.bufnr), \":p\") . \"\\t\" . v:val.lnum . \"\\t\" . v:val.col . \"\\t\" . v:val.type'), "
            f"'{quickfix}')\nqa!\n")
        run = subprocess.run([vim, "-es", "-N", "-u", "NONE", "-i", "NONE", "-S", str(script)], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
        assert quickfix.exists(), f"{name}: vim wrote no quickfix list ({run.stdout}{run.stderr})"
        rows = [line.split("\t") for line in quickfix.read_text().splitlines()]
        got = sorted((row[0], int(row[1]), int(row[2]), row[3]) for row in rows if row[3] in ("e", "w"))
        if json_run is None:
            assert got == [(str(broken), 3, 1, "e")] or (str(broken), 3, 1, "e") in got, got
            continue
        triage = json.loads(json_run.stdout)
        want = sorted((str((ROOT / f).resolve()), line, col, level[0])
                      for f, line, col, level in expected_problems(text, triage))
        assert got == want, name


# MARK: - make install


def test_make_install_puts_binary_man_page_and_completions_under_the_prefix(tmp_path: Path) -> None:
    if shutil.which("man") is None:
        pytest.skip("man is not installed (apt-get install man-db)")
    prefix = tmp_path / "prefix"
    # The debug build the tests already have: a release build here would add minutes, not coverage.
    install = subprocess.run(["make", "-s", "install", f"PREFIX={prefix}", "INSTALL_CONFIGURATION=debug"], cwd=ROOT,
                             capture_output=True, text=True, timeout=1200)
    assert install.returncode == 0, install.stdout + install.stderr
    installed = prefix / "bin" / "render-check"
    assert subprocess.run([str(installed), "--version"], capture_output=True, text=True).stdout.strip() == "0.1.0"

    page = prefix / "share" / "man" / "man1" / "render-check.1"
    shown = subprocess.run(["man", "-l", str(page)], capture_output=True, text=True, env=dict(os.environ, MANWIDTH="200", MAN_KEEP_FORMATTING="0"))
    assert shown.returncode == 0, shown.stderr
    manual = re.sub(r".\x08", "", shown.stdout)
    assert "RENDER-CHECK(1)" in manual and "NAME" in manual
    # Every subcommand and every option `--help` lists is in the page: it is generated from the same parser.
    for command in ("check", "init", "blame", "resources", "contract"):
        assert re.search(rf"^\s+{command}\b", manual, re.M), command
        help_text = subprocess.run([str(installed), command, "--help"], capture_output=True, text=True).stdout
        for option in sorted(set(re.findall(r"^\s+(?:-\w, )?(--[a-z][a-z-]+)", help_text, re.M)) - {"--help", "--version"}):
            assert option in manual, f"{command} {option} missing from the man page"

    completions = {
        "bash": prefix / "share" / "bash-completion" / "completions" / "render-check",
        "zsh": prefix / "share" / "zsh" / "site-functions" / "_render-check",
        "fish": prefix / "share" / "fish" / "vendor_completions.d" / "render-check.fish",
    }
    for shell, path in completions.items():
        text = path.read_text()
        assert "render-check" in text and "init" in text, shell
    assert subprocess.run(["bash", "-n", str(completions["bash"])]).returncode == 0
    # The bash completion, sourced for real, offers the subcommands.
    probe = ("source {path}; COMP_WORDS=(render-check in); COMP_CWORD=1; COMP_LINE='render-check in'; COMP_POINT=15; "
             "_render-check 2>/dev/null || _render_check 2>/dev/null; printf '%s\\n' \"${{COMPREPLY[@]}}\"").format(path=completions["bash"])
    offered = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, env=dict(os.environ, PATH=f"{installed.parent}:{os.environ['PATH']}"))
    assert "init" in offered.stdout.split(), offered.stdout + offered.stderr
    for shell in ("zsh", "fish"):
        if shutil.which(shell):
            assert subprocess.run([shell, "-n", str(completions[shell])]).returncode == 0, shell

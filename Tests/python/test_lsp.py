"""`render-check lsp` end to end: a real LSP client (pytest-lsp, lsprotocol)
drives the real binary over standard input and output, on a copy of the
fixture chart in a temporary workspace (the repository's fixtures are never
edited): open, change, diagnostics, hover, code action, definition,
shutdown; then malformed, oversized and out-of-order frames on a raw pipe.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import ROOT

VARIANT = ROOT / "charts-fixtures" / "variants" / "port-drift"


def binary() -> str:
    path = os.environ.get("RENDER_CHECK_BIN") or str(ROOT / ".build" / "debug" / "render-check")
    if not os.access(path, os.X_OK):
        pytest.fail(f"render-check binary not found at {path}: build it (`swift build`) or set RENDER_CHECK_BIN")
    return path


def make_workspace() -> Path:
    """The fixture chart, contract and stack copied out, checked with the
    port-drift variant's overlay and rendered output."""
    workspace = Path(tempfile.mkdtemp(prefix="rc-lsp-"))
    shutil.copytree(ROOT / "charts-fixtures" / "bijux-atlas", workspace / "chart" / "bijux-atlas")
    shutil.copytree(ROOT / "charts-fixtures" / "stack", workspace / "stack")
    shutil.copytree(ROOT / "ops", workspace / "ops")
    shutil.copy(VARIANT / "values-port-drift.yaml", workspace / "values-port-drift.yaml")
    shutil.copy(VARIANT / "rendered.yaml", workspace / "rendered.yaml")
    (workspace / ".render-check.yaml").write_text(
        "contract: ops/inventory/layers.json\n"
        "allowlist: ops/policy/layer-live-diff-allowlist.json\n"
        "inputs: [rendered.yaml]\n"
        "stack: [stack]\n"
        "namespace: atlas-e2e\n"
        "chart: chart/bijux-atlas\n"
        "values: [values-port-drift.yaml]\n"
        "release: atlas-e2e\n",
        encoding="utf-8",
    )
    return workspace


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[binary(), "lsp"]))
async def client(lsp_client: LanguageClient):
    workspace = make_workspace()
    lsp_client.workspace_path = workspace
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="fixture")],
        )
    )
    yield
    await lsp_client.shutdown_session()
    shutil.rmtree(workspace, ignore_errors=True)


async def open_document(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="yaml", version=1, text=text if text is not None else path.read_text(encoding="utf-8")
            )
        )
    )
    return uri


async def diagnostics_for(client: LanguageClient, uri: str, predicate=lambda diagnostics: True):
    """The diagnostics published for `uri` once they satisfy `predicate` (a
    change's diagnostics replace the earlier ones); fails after 20 s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    while loop.time() < deadline:
        diagnostics = client.diagnostics.get(uri)
        if diagnostics is not None and predicate(diagnostics):
            return diagnostics
        await asyncio.sleep(0.01)
    raise AssertionError(f"diagnostics for {uri} never satisfied the test; last: {client.diagnostics.get(uri)}")


def has(code: str):
    return lambda diagnostics: any(d.code == code for d in diagnostics)


def lacks(code: str):
    return lambda diagnostics: not any(d.code == code for d in diagnostics)


@pytest.mark.asyncio
async def test_drift_on_open_hover_definition_and_quick_fix(client: LanguageClient):
    workspace: Path = client.workspace_path
    overlay = workspace / "values-port-drift.yaml"
    rendered = workspace / "rendered.yaml"
    overlay_uri = await open_document(client, overlay)
    rendered_uri = await open_document(client, rendered)

    # The drift is shown at the owning values line, and where it was rendered.
    values_diagnostics = await diagnostics_for(client, overlay_uri, has("service.atlas.port.service"))
    port_line = line_of(overlay, "port: 9090")
    at_owner = [d for d in values_diagnostics if d.code == "service.atlas.port.service"]
    assert at_owner, values_diagnostics
    assert at_owner[0].range.start.line == port_line
    assert "values.service.port is 9090; the contract's ports.atlas.service is 8080" in at_owner[0].message
    rendered_diagnostics = await diagnostics_for(client, rendered_uri, has("service.atlas.port.service"))
    rendered_line = line_of(rendered, "port: 9090")
    drift = [d for d in rendered_diagnostics if d.code == "service.atlas.port.service"]
    assert drift and drift[0].range.start.line == rendered_line
    assert drift[0].severity == types.DiagnosticSeverity.Error

    # The template line that writes the drifted key is flagged too.
    template = workspace / "chart" / "bijux-atlas" / "templates" / "service.yaml"
    assert any(d.code == "service.atlas.port.service" for d in client.diagnostics.get(template.as_uri(), []))

    # Hover on the rendered 9090: its owner, key, values file:line and template line.
    column = rendered.read_text(encoding="utf-8").splitlines()[rendered_line].index("9090")
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=rendered_uri),
                          position=types.Position(line=rendered_line, character=column + 1)))
    assert hover is not None
    text = hover.contents.value
    assert "values.service.port" in text
    assert f"values-port-drift.yaml:{port_line + 1}" in text
    assert "templates/service.yaml:" in text
    assert "static" in text

    # Hover on the values key: the rendered key it drives and what the contract expects.
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=overlay_uri),
                          position=types.Position(line=port_line, character=3)))
    assert hover is not None
    assert "drives `spec.ports" in hover.contents.value
    assert "contract expects **8080**" in hover.contents.value

    # Go to definition: from the rendered scalar to the owning values line.
    locations = await client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=rendered_uri),
                               position=types.Position(line=rendered_line, character=column)))
    location = locations if isinstance(locations, types.Location) else locations[0]
    assert location.uri == overlay_uri
    assert location.range.start.line == port_line

    # The quick fix edits that one scalar, in the values file, to the contract's value.
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=overlay_uri),
            range=types.Range(start=types.Position(line=port_line, character=0), end=types.Position(line=port_line, character=0)),
            context=types.CodeActionContext(diagnostics=list(at_owner)),
        )
    )
    assert actions and len(actions) == 1
    action = actions[0]
    assert action.kind == types.CodeActionKind.QuickFix
    edits = action.edit.changes[overlay_uri]
    assert len(edits) == 1 and edits[0].new_text == "8080"
    line = overlay.read_text(encoding="utf-8").splitlines()[port_line]
    assert line[edits[0].range.start.character:edits[0].range.end.character] == "9090"
    assert edits[0].range.start.line == edits[0].range.end.line == port_line


@pytest.mark.asyncio
async def test_a_change_in_the_unsaved_buffer_updates_diagnostics(client: LanguageClient):
    workspace: Path = client.workspace_path
    values = workspace / "chart" / "bijux-atlas" / "values.yaml"
    overlay = workspace / "values-port-drift.yaml"
    overlay_uri = await open_document(client, overlay)
    await diagnostics_for(client, overlay_uri, has("service.atlas.port.service"))

    # The overlay is mended in the buffer only (the file on disk still says 9090).
    port_line = line_of(overlay, "port: 9090")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=overlay_uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=port_line, character=8), end=types.Position(line=port_line, character=12)),
                text="8080")],
        )
    )
    await diagnostics_for(client, overlay_uri, lacks("service.atlas.port.service"))
    assert "9090" in overlay.read_text(encoding="utf-8")

    # The chart's values.yaml: a server key no template reads is reported as unused at its line.
    values_uri = await open_document(client, values)
    text = values.read_text(encoding="utf-8").replace("  logLevel: info\n", "  logLevel: info\n  unusedKnob: 1\n")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=values_uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    diagnostics = await diagnostics_for(client, values_uri, has("values.server.unusedKnob.unused"))
    unused = [d for d in diagnostics if d.code == "values.server.unusedKnob.unused"]
    assert unused and unused[0].range.start.line == text.splitlines().index("  unusedKnob: 1")

    # A syntax error mid-edit is a diagnostic at its place, and the server keeps serving.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=values_uri, version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="service:\n  port: [8080\n")],
        )
    )
    broken = await diagnostics_for(client, values_uri, has("input-error"))
    error = [d for d in broken if d.code == "input-error"][0]
    assert error.severity == types.DiagnosticSeverity.Error and error.range.start.line >= 1


# MARK: - Raw frames


class RawServer:
    """The binary on a pipe, for frames no well-behaved client would send."""

    def __init__(self, workspace: Path):
        self.process = subprocess.Popen([binary(), "lsp", "--max-message-bytes", "4096"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.workspace = workspace

    def send_bytes(self, data: bytes):
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: dict | str):
        body = (message if isinstance(message, str) else json.dumps(message)).encode()
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def receive(self) -> dict:
        header = b""
        while not header.endswith(b"\r\n\r\n"):
            byte = self.process.stdout.read(1)
            assert byte, "the server closed its output"
            header += byte
        length = int(header.split(b":", 1)[1].split(b"\r\n", 1)[0])
        return json.loads(self.process.stdout.read(length))

    def receive_response(self) -> dict:
        while True:
            message = self.receive()
            if "method" not in message:
                return message


@pytest.fixture
def raw():
    workspace = make_workspace()
    server = RawServer(workspace)
    yield server
    if server.process.poll() is None:
        server.process.kill()
    server.process.wait(timeout=10)
    shutil.rmtree(workspace, ignore_errors=True)


def test_bad_messages_get_errors_and_the_server_keeps_serving(raw: RawServer):
    raw.send({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {}})
    assert raw.receive_response()["error"]["code"] == -32002  # not initialized
    raw.send({"jsonrpc": "2.0", "id": 2, "method": "initialize",
              "params": {"rootUri": raw.workspace.as_uri(), "capabilities": {}}})
    assert "capabilities" in raw.receive_response()["result"]
    raw.send({"jsonrpc": "2.0", "id": 3, "method": "initialize", "params": {"capabilities": {}}})
    assert raw.receive_response()["error"]["code"] == -32600  # initialize twice
    raw.send('{"jsonrpc": "2.0", "id": 4, "method": ')
    response = raw.receive_response()
    assert response["error"]["code"] == -32700 and response["id"] is None
    raw.send("[1, 2]")
    assert raw.receive_response()["error"]["code"] == -32600
    raw.send({"jsonrpc": "1.0", "id": 5, "method": "shutdown"})
    assert raw.receive_response() == {"jsonrpc": "2.0", "id": 5,
                                      "error": {"code": -32600, "message": "`jsonrpc` must be \"2.0\""}}
    raw.send({"jsonrpc": "2.0", "id": 6, "method": "no/such/method"})
    assert raw.receive_response()["error"]["code"] == -32601
    raw.send({"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": {"position": 3}})
    assert raw.receive_response()["error"]["code"] == -32602
    # A frame without Content-Length, and one over the limit: errors, then the next frame is served.
    raw.send_bytes(b"Content-Type: x\r\n\r\n{}")
    assert raw.receive_response()["error"]["code"] == -32700
    big = json.dumps({"jsonrpc": "2.0", "method": "x", "params": "y" * 5000}).encode()
    raw.send_bytes(b"Content-Length: %d\r\n\r\n" % len(big) + big)
    response = raw.receive_response()
    assert response["error"]["code"] == -32600 and "larger than the limit" in response["error"]["message"]
    raw.send({"jsonrpc": "2.0", "id": 8, "method": "textDocument/definition",
              "params": {"textDocument": {"uri": (raw.workspace / "rendered.yaml").as_uri()},
                         "position": {"line": 0, "character": 0}}})
    assert raw.receive_response() == {"jsonrpc": "2.0", "id": 8, "result": None}
    # After shutdown requests are refused; exit then ends the server with 0.
    raw.send({"jsonrpc": "2.0", "id": 9, "method": "shutdown"})
    assert raw.receive_response() == {"jsonrpc": "2.0", "id": 9, "result": None}
    raw.send({"jsonrpc": "2.0", "id": 10, "method": "textDocument/hover", "params": {}})
    assert raw.receive_response()["error"]["code"] == -32600
    raw.send({"jsonrpc": "2.0", "method": "exit"})
    assert raw.process.wait(timeout=10) == 0


def test_exit_without_shutdown_is_status_1(raw: RawServer):
    raw.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    raw.receive_response()
    raw.send({"jsonrpc": "2.0", "method": "exit"})
    assert raw.process.wait(timeout=10) == 1

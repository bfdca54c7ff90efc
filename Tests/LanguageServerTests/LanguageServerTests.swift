import LanguageServer
import LayerContract
import ManifestModel
import XCTest

/// The server as a value, on the repository's own workspace: the lifecycle
/// the protocol orders, errors for bad messages, and diagnostics from an
/// unsaved buffer that differs from the file on disk.
final class LanguageServerTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    let today = CalendarDate(year: 2026, month: 11, day: 28)!

    func send(_ server: inout LanguageServer, _ message: LSPValue) -> [LSPValue] {
        server.handle(body: Array(message.json.utf8))
    }

    func testLifecycleAndErrors() {
        var server = LanguageServer(today: today)
        XCTAssertEqual(send(&server, ["jsonrpc": "2.0", "id": 1, "method": "shutdown"]).first?["error"]?["code"], .int(-32002))
        XCTAssertEqual(send(&server, ["jsonrpc": "2.0", "method": "textDocument/didOpen", "params": nil]), [])
        let initialized = send(&server, ["jsonrpc": "2.0", "id": 2, "method": "initialize",
                                         "params": ["capabilities": ["general": ["positionEncodings": ["utf-32", "utf-16"]]]]])
        XCTAssertEqual(initialized.first?["result"]?["capabilities"]?["positionEncoding"], .string("utf-32"))
        XCTAssertEqual(server.handle(body: Array("{\"jsonrpc\":".utf8)).first?["error"]?["code"], .int(-32700))
        XCTAssertEqual(send(&server, ["jsonrpc": "2.0", "id": ["no"], "method": "x"]).first?["error"]?["code"], .int(-32600))
        XCTAssertEqual(send(&server, ["jsonrpc": "2.0", "id": 3, "method": 7]).first?["error"]?["code"], .int(-32600))
        XCTAssertEqual(send(&server, ["jsonrpc": "2.0", "id": 4, "method": "nope"]).first?["error"]?["code"], .int(-32601))
        XCTAssertEqual(send(&server, ["jsonrpc": "2.0", "method": "nope/notification"]), [])
        XCTAssertEqual(send(&server, ["jsonrpc": "2.0", "id": 5, "result": nil]), [], "a client's response is no request")
        XCTAssertEqual(send(&server, ["jsonrpc": "2.0", "id": 6, "method": "shutdown"]).first?["result"], .null)
        XCTAssertEqual(send(&server, ["jsonrpc": "2.0", "id": 7, "method": "textDocument/hover"]).first?["error"]?["code"], .int(-32600))
        XCTAssertNil(server.exitStatus)
        _ = send(&server, ["jsonrpc": "2.0", "method": "exit"])
        XCTAssertEqual(server.exitStatus, 0)

        var early = LanguageServer(today: today)
        _ = send(&early, ["jsonrpc": "2.0", "method": "exit"])
        XCTAssertEqual(early.exitStatus, 1)
    }

    func testDiagnosticsComeFromTheBufferNotTheDisk() throws {
        var server = LanguageServer(today: today)
        _ = send(&server, ["jsonrpc": "2.0", "id": 1, "method": "initialize",
                           "params": ["rootUri": .string(DocumentURI.uri(Self.root)), "capabilities": [:]]])
        let path = Self.root + "/charts-fixtures/bijux-atlas/values.yaml"
        let text = try String(decoding: FileBytes.read(path), as: UTF8.self)
        let drifted = text.replacingOccurrences(of: "  port: 8080\n  # Name", with: "  port: 9090\n  # Name")
        XCTAssertNotEqual(drifted, text)
        _ = send(&server, ["jsonrpc": "2.0", "method": "textDocument/didOpen",
                           "params": ["textDocument": ["uri": .string(DocumentURI.uri(path)), "languageId": "yaml", "version": 1,
                                                       "text": .string(drifted)]]])
        XCTAssertTrue(server.diagnosticsPending)
        let published = server.publishDiagnostics()
        XCTAssertFalse(server.diagnosticsPending)
        let forValues = try XCTUnwrap(published.first { $0["params"]?["uri"] == .string(DocumentURI.uri(path)) })
        let diagnostics = forValues["params"]?["diagnostics"]?.array ?? []
        let drift = try XCTUnwrap(diagnostics.first { $0["code"] == "service.atlas.port.service" }, "\(diagnostics)")
        let line = drifted.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "  port: 9090" }!
        XCTAssertEqual(drift["range"]?["start"]?["line"], .int(Int64(line)))
        XCTAssertEqual(drift["message"]?.string?.hasPrefix("values.service.port is 9090; the contract's ports.atlas.service is 8080"), true)
        XCTAssertEqual(server.publishDiagnostics(), [], "nothing changed: nothing is published again")
    }
}

import LayerContract
import ManifestModel

/// The Language Server Protocol 3.17 server, as a value: messages in,
/// messages out. It reads no stream, clock or environment itself; the
/// executable frames bytes, hands over each message, and asks for the
/// debounced diagnostics when the client has gone quiet.
///
/// Lifecycle, as the protocol orders it: before `initialize` every request
/// is answered -32002; after `shutdown` every request is -32600; only `exit`
/// ends the server (status 0 after `shutdown`, 1 otherwise). A message that
/// cannot be read is answered with its JSON-RPC error and the next is served.
public struct LanguageServer: Sendable {
    public enum State: Sendable, Hashable {
        case uninitialized
        case running
        case shutDown
        case exited(status: Int32)
    }

    public private(set) var state = State.uninitialized
    public var documents = DocumentStore()
    public private(set) var workspace: Workspace?
    /// Milliseconds of quiet after a change before diagnostics are computed.
    public private(set) var debounceMilliseconds = 4
    let today: CalendarDate
    let limits: ParseLimits
    var unit = TextLines.Unit.utf16
    var analysis: Analysis?
    /// The last analysis made, kept after a change for what it can lend the next one.
    var lastAnalysis: Analysis?
    /// Diagnostics are owed: something changed since they were last published.
    public internal(set) var diagnosticsPending = false
    /// Files that were last published with diagnostics, to clear them when fixed.
    var published: Set<String> = []

    public init(today: CalendarDate, limits: ParseLimits = .default) {
        self.today = today
        self.limits = limits
    }

    public var exitStatus: Int32? {
        if case .exited(let status) = state { return status }
        return nil
    }

    // MARK: - Messages

    /// Handles one framing result; returns the messages to send.
    public mutating func handle(_ frame: MessageFramer.Frame) -> [LSPValue] {
        switch frame {
        case .fault(let fault):
            return [JSONRPCError(fault.code, fault.problem).response(id: .null)]
        case .message(let body):
            return handle(body: body)
        }
    }

    public mutating func handle(body: [UInt8]) -> [LSPValue] {
        var messageLimits = limits
        messageLimits.maxDocumentBytes = max(limits.maxDocumentBytes, body.count + 1)
        let message: LSPValue
        do {
            message = try LSPValue.parse(body, limits: messageLimits)
        } catch {
            return [JSONRPCError(JSONRPCError.parseError, "parse error: \(error.problem)").response(id: .null)]
        }
        guard message.isObject else {
            return [JSONRPCError(JSONRPCError.invalidRequest, "a message must be one JSON object (batches are not part of LSP)").response(id: .null)]
        }
        let id = message["id"]
        if let id, !Self.isValidID(id) {
            return [JSONRPCError(JSONRPCError.invalidRequest, "`id` must be a number or a string").response(id: .null)]
        }
        guard message["jsonrpc"]?.string == "2.0" else {
            return [JSONRPCError(JSONRPCError.invalidRequest, "`jsonrpc` must be \"2.0\"").response(id: id ?? .null)]
        }
        guard let method = message["method"] else {
            // A response to a request of ours (we send none that need answers): nothing to do.
            if id != nil, message["result"] != nil || message["error"] != nil { return [] }
            return [JSONRPCError(JSONRPCError.invalidRequest, "a request needs a `method`").response(id: id ?? .null)]
        }
        guard let name = method.string else {
            return [JSONRPCError(JSONRPCError.invalidRequest, "`method` must be a string").response(id: id ?? .null)]
        }
        let params = message["params"] ?? .null
        if let id {
            do {
                let result = try request(name, params)
                return [["jsonrpc": "2.0", "id": id, "result": result]]
            } catch {
                return [error.response(id: id)]
            }
        }
        return notification(name, params)
    }

    static func isValidID(_ id: LSPValue) -> Bool {
        switch id {
        case .int, .string, .null: return true
        case .double(let number): return number == number.rounded()
        default: return false
        }
    }

    // MARK: - Requests

    private mutating func request(_ method: String, _ params: LSPValue) throws(JSONRPCError) -> LSPValue {
        switch state {
        case .uninitialized where method != "initialize":
            throw JSONRPCError(JSONRPCError.serverNotInitialized, "the server is not initialized: send `initialize` first")
        case .shutDown, .exited:
            throw JSONRPCError(JSONRPCError.invalidRequest, "the server is shut down: only `exit` is accepted")
        default:
            break
        }
        switch method {
        case "initialize":
            guard state == .uninitialized else {
                throw JSONRPCError(JSONRPCError.invalidRequest, "`initialize` was already sent")
            }
            return initialize(params)
        case "shutdown":
            state = .shutDown
            return .null
        case "textDocument/hover":
            let (path, mark) = try position(params)
            return hover(path: path, at: mark)
        case "textDocument/definition":
            let (path, mark) = try position(params)
            return definition(path: path, at: mark)
        case "textDocument/codeAction":
            return try codeActions(params)
        default:
            throw JSONRPCError(JSONRPCError.methodNotFound, "method `\(method)` is not served")
        }
    }

    private mutating func initialize(_ params: LSPValue) -> LSPValue {
        let offered = params["capabilities"]?["general"]?["positionEncodings"]?.array?.compactMap(\.string) ?? []
        unit = offered.contains("utf-32") ? .utf32 : .utf16
        if let debounce = params["initializationOptions"]?["debounceMilliseconds"]?.int, (0...2000).contains(debounce) {
            debounceMilliseconds = Int(debounce)
        }
        let root = params["workspaceFolders"]?.array?.first?["uri"]?.string.flatMap(DocumentURI.path)
            ?? params["rootUri"]?.string.flatMap(DocumentURI.path)
            ?? params["rootPath"]?.string.map { DocumentURI.normalized($0) }
        if let root {
            var workspace = Workspace(root: root, today: today)
            workspace.limits = limits
            self.workspace = workspace
        }
        state = .running
        return [
            "capabilities": [
                "positionEncoding": .string(unit.rawValue),
                "textDocumentSync": ["openClose": true, "change": 2, "save": ["includeText": false]],
                "hoverProvider": true,
                "definitionProvider": true,
                "codeActionProvider": ["codeActionKinds": ["quickfix"]],
            ],
            "serverInfo": ["name": "render-check", "version": "0.1.0"],
        ]
    }

    // MARK: - Notifications

    private mutating func notification(_ method: String, _ params: LSPValue) -> [LSPValue] {
        if method == "exit" {
            state = .exited(status: state == .shutDown ? 0 : 1)
            return []
        }
        // Before `initialize` notifications are dropped; after `shutdown` too.
        guard state == .running else { return [] }
        switch method {
        case "textDocument/didOpen":
            guard let item = params["textDocument"], let uri = item["uri"]?.string, let path = DocumentURI.path(uri),
                  let text = item["text"]?.string else { return [logMessage("didOpen without a file: URI and text; ignored")] }
            documents.open(uri: uri, path: path, version: item["version"]?.int ?? 0, text: text)
            changed()
        case "textDocument/didChange":
            guard let uri = params["textDocument"]?["uri"]?.string, let path = DocumentURI.path(uri),
                  let changes = params["contentChanges"]?.array else { return [logMessage("didChange without a document or changes; ignored")] }
            var edits: [(range: (start: (Int, Int), end: (Int, Int))?, text: String)] = []
            for change in changes {
                guard let text = change["text"]?.string else { return [logMessage("didChange: a change without text; ignored")] }
                if let range = change["range"] {
                    guard let start = Self.point(range["start"]), let end = Self.point(range["end"]) else {
                        return [logMessage("didChange: a malformed range; ignored")]
                    }
                    edits.append(((start, end), text))
                } else {
                    edits.append((nil, text))
                }
            }
            let version = params["textDocument"]?["version"]?.int ?? (documents[path]?.version ?? 0) + 1
            guard documents.change(path: path, version: version, changes: edits, unit: unit) else {
                return [logMessage("didChange for \(uri), which is not open or whose range is outside it; ignored")]
            }
            changed()
        case "textDocument/didClose":
            guard let uri = params["textDocument"]?["uri"]?.string, let path = DocumentURI.path(uri) else { return [] }
            documents.close(path: path)
            changed()
        case "textDocument/didSave", "workspace/didChangeWatchedFiles", "workspace/didChangeConfiguration":
            changed()
        default:
            break
        }
        return []
    }

    private mutating func changed() {
        analysis = nil
        diagnosticsPending = true
    }

    static func point(_ value: LSPValue?) -> (Int, Int)? {
        guard let line = value?["line"]?.int, let character = value?["character"]?.int, line >= 0, character >= 0 else { return nil }
        return (Int(line), Int(character))
    }

    func logMessage(_ text: String, type: Int = 2) -> LSPValue {
        ["jsonrpc": "2.0", "method": "window/logMessage", "params": ["type": LSPValue(type), "message": .string("render-check: " + text)]]
    }

    // MARK: - Analysis

    /// The analysis of the buffers as they are, computed at most once per change.
    mutating func current() -> Analysis? {
        if analysis == nil, let workspace {
            analysis = workspace.analyze(documents, previous: lastAnalysis)
            lastAnalysis = analysis
        }
        return analysis
    }

    /// The path and mark of a `TextDocumentPositionParams`.
    private func position(_ params: LSPValue) throws(JSONRPCError) -> (String, Mark) {
        guard let uri = params["textDocument"]?["uri"]?.string, let path = DocumentURI.path(uri),
              let point = Self.point(params["position"]) else {
            throw JSONRPCError(JSONRPCError.invalidParams, "expected textDocument.uri (a file: URI) and position {line, character}")
        }
        return (path, lines(of: path).mark(line: point.0, character: point.1, unit: unit))
    }

    /// The lines of a file: the open buffer, else the file on disk.
    func lines(of path: String) -> TextLines {
        if let document = documents[path] { return document.lines }
        let bytes = (try? FileBytes.read(path)) ?? []
        return TextLines(String(decoding: bytes, as: UTF8.self))
    }

    func range(_ span: Span, in path: String, lines cached: inout [String: TextLines]) -> LSPValue {
        let lines = cached[path] ?? self.lines(of: path)
        cached[path] = lines
        var end = span.end
        if end <= span.start { end = lines.endOfLine(span.start.line) }
        let start = lines.position(span.start, unit: unit)
        let stop = lines.position(end, unit: unit)
        return ["start": ["line": LSPValue(start.line), "character": LSPValue(start.character)],
                "end": ["line": LSPValue(stop.line), "character": LSPValue(stop.character)]]
    }

    func normalized(_ path: String) -> String {
        DocumentURI.normalized(path, base: workspace?.root ?? "/")
    }
}

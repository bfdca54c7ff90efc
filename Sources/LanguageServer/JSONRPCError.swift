/// A JSON-RPC 2.0 error answer: the code (the JSON-RPC and LSP reserved
/// codes below) and what was wrong.
public struct JSONRPCError: Error, Sendable, Hashable {
    public static let parseError = -32700
    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
    public static let internalError = -32603
    public static let serverNotInitialized = -32002
    public static let requestFailed = -32803

    public var code: Int
    public var message: String

    public init(_ code: Int, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The error response for the request `id` (null when it could not be read).
    public func response(id: LSPValue) -> LSPValue {
        ["jsonrpc": "2.0", "id": id, "error": ["code": LSPValue(code), "message": .string(message)]]
    }
}

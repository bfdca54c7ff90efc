import ManifestModel

/// A JSON value of the protocol. Messages are read through the project's
/// own parser (JSON is YAML, and libyaml reads it), so there is no second
/// JSON parser; they are written compactly with sorted keys, so the same
/// answer is always the same bytes.
public enum LSPValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([LSPValue])
    case object([String: LSPValue])

    public subscript(key: String) -> LSPValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var int: Int64? {
        switch self {
        case .int(let number): return number
        case .double(let number) where number == number.rounded() && abs(number) < 9e15: return Int64(number)
        default: return nil
        }
    }

    public var array: [LSPValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    // MARK: - Reading

    /// Why a message body is not JSON, with the place libyaml found.
    public struct ParseFailure: Error, Sendable, Hashable {
        public var problem: String
    }

    /// The one JSON value in `bytes`.
    public static func parse(_ bytes: [UInt8], limits: ParseLimits) throws(ParseFailure) -> LSPValue {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLStreamParser.documents(.bytes(bytes, name: "message"), limits: limits)
        } catch {
            throw ParseFailure(problem: "\(error.location.line):\(error.location.column): \(error.problem)")
        }
        guard documents.count == 1, let document = documents.first, let root = document.root else {
            throw ParseFailure(problem: documents.isEmpty ? "empty message" : "more than one JSON value")
        }
        let top = document.resolved(root)
        // JSON text is an object or array in flow style; a bare YAML scalar or block is not JSON.
        guard document.kind(top) != .scalar, document.collectionStyle(top) == .flow else {
            throw ParseFailure(problem: "not a JSON object or array")
        }
        return try value(top, in: document, depth: 0, limit: limits.maxDepth)
    }

    private static func value(_ id: NodeID, in document: YAMLDocument, depth: Int, limit: Int) throws(ParseFailure) -> LSPValue {
        guard depth <= limit else { throw ParseFailure(problem: "nested deeper than \(limit)") }
        let node = document.resolved(id)
        switch document.kind(node) {
        case .mapping:
            var members: [String: LSPValue] = [:]
            for (key, item) in zip(document.keys(node), document.values(node)) {
                let keyNode = document.resolved(key)
                guard document.kind(keyNode) == .scalar, document.scalarStyle(keyNode) == .doubleQuoted else {
                    throw ParseFailure(problem: "an object key must be a string")
                }
                members[document.text(keyNode)] = try value(item, in: document, depth: depth + 1, limit: limit)
            }
            return .object(members)
        case .sequence:
            var items: [LSPValue] = []
            for item in document.items(node) { items.append(try value(item, in: document, depth: depth + 1, limit: limit)) }
            return .array(items)
        case .scalar, .alias:
            let style = document.scalarStyle(node)
            if style == .doubleQuoted { return .string(document.text(node)) }
            guard style == .plain else { throw ParseFailure(problem: "not JSON: a single-quoted or block string") }
            // YAML 1.1 reads `yes`, `~`, `0x10` and `1_000` too; JSON has only these words and decimal numbers.
            let text = document.text(node)
            switch document.value(node) {
            case .null where text == "null": return .null
            case .bool(let flag) where text == (flag ? "true" : "false"): return .bool(flag)
            case .int(let number) where Self.isJSONNumber(text): return .int(number)
            case .float(let number) where number.isFinite && Self.isJSONNumber(text): return .double(number)
            default: throw ParseFailure(problem: "not JSON: the bare word \(text.prefix(40))")
            }
        }
    }

    static func isJSONNumber(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "-" || ("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || "-+.eE".unicodeScalars.contains($0) }
    }

    // MARK: - Writing

    /// Compact JSON, keys sorted by their UTF-8 bytes.
    public var json: String {
        var text = ""
        write(into: &text)
        return text
    }

    private func write(into text: inout String) {
        switch self {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .int(let number): text += String(number)
        case .double(let number): text += number.isFinite ? String(number) : "null"
        case .string(let string): text += JSONText.quoted(string)
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                item.write(into: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, key) in members.keys.sorted(by: { $0.precedesByCodePoint($1) }).enumerated() {
                if index > 0 { text += "," }
                text += JSONText.quoted(key) + ":"
                members[key]!.write(into: &text)
            }
            text += "}"
        }
    }
}

extension LSPValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: LSPValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, LSPValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
    public init(_ number: Int) { self = .int(Int64(number)) }
}

import ManifestModel

/// A JSON document as contract generation reads, rebuilds and compares it:
/// the sections it derives and, verbatim, the ones it keeps. Objects are
/// dictionaries, so key order in the file never matters; the command line
/// writes the tree with sorted keys.
///
/// Numbers are integers only: a contract has no use for fractions, and an
/// integer is written back exactly as it was read.
public enum JSONTree: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([JSONTree])
    case object([String: JSONTree])

    public subscript(key: String) -> JSONTree? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var objectValue: [String: JSONTree]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// One line in the style of Python's `json.dumps(value, sort_keys=True)`
    /// (non-ASCII left as it is), for messages: `8080`, `"atlas"`, `{"app": "cache"}`.
    public var compactText: String {
        switch self {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .string(let text): return Self.quoted(text)
        case .array(let items): return "[" + items.map(\.compactText).joined(separator: ", ") + "]"
        case .object(let members):
            return "{" + Self.sortedKeys(members).map { Self.quoted($0) + ": " + members[$0]!.compactText }
                .joined(separator: ", ") + "}"
        }
    }

    /// Keys in the order the writer puts them: by Unicode code point, as Python sorts `str`.
    public static func sortedKeys(_ members: [String: JSONTree]) -> [String] {
        members.keys.sorted { $0.precedesByCodePoint($1) }
    }

    static func quoted(_ text: String) -> String { JSONText.quoted(text) }

    // MARK: - Reading

    /// Where each member of the file sits, by its path of keys (array items are
    /// not addressed: arrays are compared whole).
    public typealias Locations = [[String]: SourceLocation]

    /// The tree under `cursor`, recording the position of every object member.
    /// A duplicate key keeps its last value, as Python's `json.load` does.
    static func read(_ cursor: JSONCursor, at path: [String] = [], locations: inout Locations) throws(LayerContractError) -> JSONTree {
        locations[path] = cursor.location
        if cursor.isMapping {
            var members: [String: JSONTree] = [:]
            for (key, value) in cursor.entries() {
                members[key.value] = try read(value, at: path + [key.value], locations: &locations)
            }
            return .object(members)
        }
        if cursor.isSequence {
            // Items are not addressed by path: their members' positions are not kept.
            var items: [JSONTree] = []
            var unaddressed: Locations = [:]
            for item in cursor.items() { items.append(try read(item, at: path, locations: &unaddressed)) }
            return .array(items)
        }
        switch cursor.scalar {
        case .null?, nil: return .null
        case .bool(let flag)?: return .bool(flag)
        case .int(let number)?: return .int(number)
        case .string(let text)?: return .string(text)
        case .float?:
            throw LayerContractError(
                "`\(cursor.path.isEmpty ? "(root)" : cursor.path)` is a number with a fraction or an exponent; a contract holds integers only",
                at: cursor.location)
        }
    }
}

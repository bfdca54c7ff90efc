import LayerContract

/// A JSON document as the reports write it. Foundation stays out of this
/// module (it sits on the start-up path of the editor task), so reports are
/// built from this small enum and written by `formatted()`.
///
/// Objects keep their members sorted by key (`JSONObject`), so insertion
/// order never reaches the output.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A string, or `null` when absent.
    public init(_ text: String?) {
        self = text.map(JSONValue.string) ?? .null
    }

    /// An integer, or `null` when absent.
    public init(_ number: Int?) {
        self = number.map { .int(Int64($0)) } ?? .null
    }

    /// The document exactly as Python writes it with
    /// `json.dumps(value, indent=2, sort_keys=True, ensure_ascii=True) + "\n"`.
    public func formatted() -> String {
        var writer = JSONWriter()
        writer.write(self, level: 0)
        return writer.text + "\n"
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(members: elements))
    }
}

extension JSONValue {
    /// A generated contract as the reports' JSON writer takes it.
    public init(_ tree: JSONTree) {
        switch tree {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .array(items.map({ JSONValue($0) }))
        case .object(let members): self = .object(JSONObject(members.mapValues({ JSONValue($0) })))
        }
    }
}

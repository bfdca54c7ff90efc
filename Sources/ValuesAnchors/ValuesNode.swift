import ManifestModel

/// One node of a chart's values after Helm's merge: what a template sees as
/// `.Values`, with the place that set each part. A reviewer who wants to
/// change a value edits `origin`.
public struct ValuesNode: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        case scalar(ScalarValue)
        /// Entries in file order: the defaults' order first, then keys that
        /// overlays and `--set` added, in the order they came.
        case map([Entry])
        case list([ValuesNode])
    }

    public struct Entry: Sendable, Hashable {
        public var key: String
        /// The key in the file (or `--set` argument) that set this entry.
        public var keyLocation: SourceLocation
        public var node: ValuesNode

        public init(key: String, keyLocation: SourceLocation, node: ValuesNode) {
            self.key = key
            self.keyLocation = keyLocation
            self.node = node
        }
    }

    /// A scalar with its path, or an empty map or list (which templates can
    /// still test or range over).
    public struct Leaf: Sendable, Hashable {
        public var path: ValuesPath
        public var node: ValuesNode
    }

    public var content: Content
    /// Where this node was set. For a map entry's value: from the key to the
    /// end of the value, in the file that won the merge. For an item of a
    /// list: the item itself. For `--set`: file `--set`, line = the argument's
    /// 1-based index, column = the 1-based position of the key in it. A map
    /// that several layers merged keeps the place that introduced it.
    public var origin: SourceLocation

    public init(_ content: Content, origin: SourceLocation) {
        self.content = content
        self.origin = origin
    }

    public static func scalar(_ value: ScalarValue, origin: SourceLocation) -> ValuesNode {
        ValuesNode(.scalar(value), origin: origin)
    }

    public static func map(_ entries: [Entry], origin: SourceLocation) -> ValuesNode {
        ValuesNode(.map(entries), origin: origin)
    }

    public static func list(_ items: [ValuesNode], origin: SourceLocation) -> ValuesNode {
        ValuesNode(.list(items), origin: origin)
    }

    // MARK: - Reading

    public var scalarValue: ScalarValue? {
        if case .scalar(let value) = content { return value }
        return nil
    }

    public var entries: [Entry]? {
        if case .map(let entries) = content { return entries }
        return nil
    }

    public var items: [ValuesNode]? {
        if case .list(let items) = content { return items }
        return nil
    }

    public var isNull: Bool { scalarValue == .null }

    /// The entry for `key` in a map; nil for a missing key or a non-map.
    public func entry(_ key: String) -> Entry? {
        guard case .map(let entries) = content else { return nil }
        return entries.first { $0.key == key }
    }

    public subscript(key: String) -> ValuesNode? { entry(key)?.node }

    public subscript(index: Int) -> ValuesNode? {
        guard case .list(let items) = content, items.indices.contains(index) else { return nil }
        return items[index]
    }

    public func node(at path: ValuesPath) -> ValuesNode? {
        var node = self
        for segment in path.segments {
            switch segment {
            case .key(let key): guard let next = node[key] else { return nil }; node = next
            case .index(let index): guard let next = node[index] else { return nil }; node = next
            }
        }
        return node
    }

    /// The scalar at `path`; nil when the path is missing or not a scalar.
    public func value(at path: ValuesPath) -> ScalarValue? {
        node(at: path)?.scalarValue
    }

    /// For a map entry, the key's place; for anything else, the node's origin.
    public func keyLocation(at path: ValuesPath) -> SourceLocation? {
        guard case .key(let key)? = path.last, let parent = path.parent.flatMap(node(at:)) else {
            return node(at: path)?.origin
        }
        return parent.entry(key)?.keyLocation
    }

    /// Every scalar, empty map and empty list below this node, depth first in
    /// file order.
    public func leaves(under base: ValuesPath = .root) -> [Leaf] {
        var result: [Leaf] = []
        collectLeaves(path: base, into: &result)
        return result
    }

    private func collectLeaves(path: ValuesPath, into result: inout [Leaf]) {
        switch content {
        case .scalar:
            result.append(Leaf(path: path, node: self))
        case .map(let entries):
            if entries.isEmpty { result.append(Leaf(path: path, node: self)) }
            for entry in entries { entry.node.collectLeaves(path: path.appending(key: entry.key), into: &result) }
        case .list(let items):
            if items.isEmpty { result.append(Leaf(path: path, node: self)) }
            for (index, item) in items.enumerated() { item.collectLeaves(path: path.appending(index: index), into: &result) }
        }
    }

    // MARK: - Changing

    /// Sets `key` in a map, in place when it exists, else at the end. No-op
    /// on a non-map.
    mutating func set(_ key: String, keyLocation: SourceLocation, to node: ValuesNode) {
        guard case .map(var entries) = content else { return }
        // Drop the node's own reference first so `entries` is unique and the
        // edit does not copy the whole map.
        content = .scalar(.null)
        if let index = entries.firstIndex(where: { $0.key == key }) {
            entries[index] = Entry(key: key, keyLocation: keyLocation, node: node)
        } else {
            entries.append(Entry(key: key, keyLocation: keyLocation, node: node))
        }
        content = .map(entries)
    }

    // MARK: - JSON

    /// The node as compact JSON with keys sorted by their UTF-8 bytes, so it
    /// compares with what Helm (or any JSON encoder with sorted keys) prints.
    /// Positions are dropped: this is the value templates see.
    public var jsonText: String {
        var text = ""
        writeJSON(into: &text)
        return text
    }

    private func writeJSON(into text: inout String) {
        switch content {
        case .scalar(let value):
            ValuesNode.writeJSON(value, into: &text)
        case .list(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                item.writeJSON(into: &text)
            }
            text += "]"
        case .map(let entries):
            text += "{"
            let sorted = entries.sorted { $0.key.precedesByCodePoint($1.key) }
            for (index, entry) in sorted.enumerated() {
                if index > 0 { text += "," }
                ValuesNode.writeJSONString(entry.key, into: &text)
                text += ":"
                entry.node.writeJSON(into: &text)
            }
            text += "}"
        }
    }

    static func writeJSON(_ value: ScalarValue, into text: inout String) {
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .int(let number): text += String(number)
        // JSON has no NaN or infinity; the loader refuses them, as Helm does.
        case .float(let number): text += number.isFinite ? String(number) : "null"
        case .string(let string): writeJSONString(string, into: &text)
        }
    }

    static func writeJSONString(_ string: String, into text: inout String) {
        text += JSONText.quoted(string)
    }
}

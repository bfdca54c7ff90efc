/// The identity of a node inside one `YAMLDocument`.
public struct NodeID: Sendable, Hashable {
    public let index: Int32

    init(_ index: Int32) { self.index = index }
    init(_ index: Int) { self.index = Int32(truncatingIfNeeded: index) }
}

public enum NodeKind: UInt8, Sendable {
    case scalar
    case mapping
    case sequence
    /// An alias keeps its own position and names the anchored node it stands for.
    case alias
}

public enum ScalarStyle: UInt8, Sendable {
    case plain
    case singleQuoted
    case doubleQuoted
    case literal
    case folded
}

public enum CollectionStyle: UInt8, Sendable {
    case block
    case flow
}

/// A half-open range of bytes in a document's text storage.
struct TextRange: Sendable {
    var offset: Int32
    var length: Int32

    static let empty = TextRange(offset: 0, length: -1)
    var isPresent: Bool { length >= 0 }
}

/// One node of the arena. Kept small and free of references so a document is a
/// handful of flat arrays rather than a graph of heap objects.
struct NodeRecord: Sendable {
    var kind: NodeKind
    var style: UInt8
    var startLine: Int32
    var startColumn: Int32
    var endLine: Int32
    var endColumn: Int32
    var text: TextRange
    var tag: TextRange
    var anchor: TextRange
    /// Mapping/sequence: first index into `children`. Alias: the target node.
    var first: Int32
    /// Mapping: number of pairs. Sequence: number of items.
    var count: Int32
}

/// A duplicate mapping key: both places are kept, and the later one wins, as
/// in Kubernetes' decoder.
public struct DuplicateKey: Sendable, Hashable {
    public var key: String
    public var first: SourceLocation
    public var duplicate: SourceLocation
}

/// One YAML document as a positioned tree. Nodes live in flat arrays and are
/// addressed by `NodeID`; scalar text, tags and anchors share one byte buffer.
public struct YAMLDocument: Sendable {
    public let file: String
    /// 0-based position of the document in its stream.
    public let index: Int
    public let explicitStart: Bool
    public let explicitEnd: Bool
    public let span: Span
    /// The template named by a `# Source:` comment between the previous
    /// document and this one, with the comment's position.
    public let source: Located<String>?
    public let root: NodeID?
    public let duplicateKeys: [DuplicateKey]

    let nodes: [NodeRecord]
    let children: [Int32]
    let bytes: [UInt8]

    init(file: String, index: Int, explicitStart: Bool, explicitEnd: Bool, span: Span,
         source: Located<String>?, root: NodeID?, duplicateKeys: [DuplicateKey],
         nodes: [NodeRecord], children: [Int32], bytes: [UInt8]) {
        self.file = file
        self.index = index
        self.explicitStart = explicitStart
        self.explicitEnd = explicitEnd
        self.span = span
        self.source = source
        self.root = root
        self.duplicateKeys = duplicateKeys
        self.nodes = nodes
        self.children = children
        self.bytes = bytes
    }

    public var nodeCount: Int { nodes.count }

    // MARK: - Node facts

    public func kind(_ id: NodeID) -> NodeKind { nodes[Int(id.index)].kind }

    /// The node an alias stands for; any other node is returned as it is.
    public func resolved(_ id: NodeID) -> NodeID {
        let record = nodes[Int(id.index)]
        return record.kind == .alias ? NodeID(record.first) : id
    }

    public func span(_ id: NodeID) -> Span {
        let record = nodes[Int(id.index)]
        return Span(start: Mark(line: Int(record.startLine), column: Int(record.startColumn)),
                    end: Mark(line: Int(record.endLine), column: Int(record.endColumn)))
    }

    public func location(_ id: NodeID) -> SourceLocation {
        SourceLocation(file: file, span: span(id))
    }

    public func scalarStyle(_ id: NodeID) -> ScalarStyle {
        let record = nodes[Int(id.index)]
        return record.kind == .scalar ? ScalarStyle(rawValue: record.style) ?? .plain : .plain
    }

    public func collectionStyle(_ id: NodeID) -> CollectionStyle {
        let record = nodes[Int(id.index)]
        return record.kind == .scalar ? .block : CollectionStyle(rawValue: record.style) ?? .block
    }

    public func tag(_ id: NodeID) -> String? { string(nodes[Int(id.index)].tag) }

    /// The anchor a node defines, or for an alias the anchor it refers to.
    public func anchor(_ id: NodeID) -> String? { string(nodes[Int(id.index)].anchor) }

    // MARK: - Scalars

    /// The scalar's text as libyaml delivered it (after escapes and folding).
    public func text(_ id: NodeID) -> String {
        string(nodes[Int(id.index)].text) ?? ""
    }

    /// Calls `body` with the scalar's UTF-8 bytes, without building a String.
    public func withTextBytes<R>(_ id: NodeID, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let range = nodes[Int(id.index)].text
        return try bytes.withUnsafeBufferPointer { buffer in
            guard range.isPresent, range.length > 0 else {
                return try body(UnsafeBufferPointer(start: nil, count: 0))
            }
            return try body(UnsafeBufferPointer(rebasing: buffer[Int(range.offset)..<Int(range.offset + range.length)]))
        }
    }

    /// True when the node is a scalar whose text is exactly `literal`.
    public func textEquals(_ id: NodeID, _ literal: StaticString) -> Bool {
        let record = nodes[Int(id.index)]
        guard record.kind == .scalar, record.text.isPresent,
              Int(record.text.length) == literal.utf8CodeUnitCount else { return false }
        return bytes.withUnsafeBufferPointer { buffer in
            let start = Int(record.text.offset)
            let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            for i in 0..<expected.count where buffer[start + i] != expected[i] { return false }
            return true
        }
    }

    func textEquals(_ a: NodeID, _ b: NodeID) -> Bool {
        let ra = nodes[Int(a.index)].text, rb = nodes[Int(b.index)].text
        guard ra.length == rb.length else { return false }
        guard ra.length > 0 else { return true }
        return bytes.withUnsafeBufferPointer { buffer in
            memoryEqual(buffer, Int(ra.offset), Int(rb.offset), Int(ra.length))
        }
    }

    /// The scalar resolved as Kubernetes' YAML decoder resolves it (YAML 1.1).
    public func value(_ id: NodeID) -> ScalarValue {
        let target = resolved(id)
        let record = nodes[Int(target.index)]
        guard record.kind == .scalar else { return .null }
        let tagText = string(record.tag)
        let style = ScalarStyle(rawValue: record.style) ?? .plain
        return withTextBytes(target) { ScalarResolver.resolve($0, style: style, tag: tagText) }
    }

    // MARK: - Collections

    /// Items of a sequence (after resolving an alias); empty for other nodes.
    public func items(_ id: NodeID) -> Children {
        let record = nodes[Int(resolved(id).index)]
        guard record.kind == .sequence else { return Children(storage: children[0..<0], stride: 1, base: 0) }
        let start = Int(record.first)
        return Children(storage: children[start..<start + Int(record.count)], stride: 1, base: 0)
    }

    /// Keys of a mapping in document order (after resolving an alias).
    public func keys(_ id: NodeID) -> Children {
        pairs(id, base: 0)
    }

    /// Values of a mapping in document order, aligned with `keys`.
    public func values(_ id: NodeID) -> Children {
        pairs(id, base: 1)
    }

    public func pairCount(_ id: NodeID) -> Int {
        let record = nodes[Int(resolved(id).index)]
        return record.kind == .mapping ? Int(record.count) : 0
    }

    private func pairs(_ id: NodeID, base: Int) -> Children {
        let record = nodes[Int(resolved(id).index)]
        guard record.kind == .mapping else { return Children(storage: children[0..<0], stride: 2, base: base) }
        let start = Int(record.first)
        return Children(storage: children[start..<start + 2 * Int(record.count)], stride: 2, base: base)
    }

    /// The value for a scalar key, the last one when the key is duplicated.
    public func value(in mapping: NodeID, forKey key: StaticString) -> NodeID? {
        let record = nodes[Int(resolved(mapping).index)]
        guard record.kind == .mapping else { return nil }
        var found: Int32?
        var slot = Int(record.first)
        for _ in 0..<Int(record.count) {
            if textEquals(NodeID(children[slot]), key) { found = children[slot + 1] }
            slot += 2
        }
        return found.map { resolved(NodeID($0)) }
    }

    /// Key/value pairs of a mapping, aliases resolved on values.
    public func pairs(_ id: NodeID) -> [(key: NodeID, value: NodeID)] {
        let keys = self.keys(id), values = self.values(id)
        return zip(keys, values).map { ($0, resolved($1)) }
    }

    private func string(_ range: TextRange) -> String? {
        guard range.isPresent else { return nil }
        guard range.length > 0 else { return "" }
        return bytes.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(range.offset)..<Int(range.offset + range.length)]),
                   as: UTF8.self)
        }
    }
}

/// A view of a collection's children stored in the document's child array.
public struct Children: RandomAccessCollection, Sendable {
    let storage: ArraySlice<Int32>
    let stride: Int
    let base: Int

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count / stride }
    public subscript(position: Int) -> NodeID {
        NodeID(storage[storage.startIndex + position * stride + base])
    }
}

@inline(__always)
func memoryEqual(_ buffer: UnsafeBufferPointer<UInt8>, _ a: Int, _ b: Int, _ length: Int) -> Bool {
    for i in 0..<length where buffer[a + i] != buffer[b + i] { return false }
    return true
}

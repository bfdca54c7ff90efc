#if canImport(Glibc)
import Glibc
#endif

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

/// The arena of one document: its nodes, child lists and text, in the blocks
/// the builder wrote them into (kept alive here, never changed afterwards),
/// so copies of a document share it and read it without bounds, uniqueness
/// or reference-counting work per access. The document's other facts live
/// here too, so copying a `YAMLDocument` is one retain.
final class DocumentStorage: @unchecked Sendable {
    let file: String
    let index: Int
    let explicitStart: Bool
    let explicitEnd: Bool
    let span: Span
    let source: Located<String>?
    let root: NodeID?
    let duplicateKeys: [DuplicateKey]

    let nodes: UnsafePointer<NodeRecord>
    let nodeCount: Int
    let children: UnsafePointer<Int32>
    let childCount: Int
    let bytes: UnsafePointer<UInt8>
    let byteCount: Int
    /// The heap blocks the pointers point into.
    private let blocks: [AnyObject]

    init(file: String, index: Int, explicitStart: Bool, explicitEnd: Bool, span: Span,
         source: Located<String>?, root: NodeID?, duplicateKeys: [DuplicateKey],
         nodes: UnsafeBufferPointer<NodeRecord>, children: UnsafeBufferPointer<Int32>, bytes: UnsafeBufferPointer<UInt8>,
         blocks: [AnyObject]) {
        self.file = file
        self.index = index
        self.explicitStart = explicitStart
        self.explicitEnd = explicitEnd
        self.span = span
        self.source = source
        self.root = root
        self.duplicateKeys = duplicateKeys
        self.nodes = nodes.baseAddress!
        nodeCount = nodes.count
        self.children = children.baseAddress!
        childCount = children.count
        self.bytes = bytes.baseAddress!
        byteCount = bytes.count
        self.blocks = blocks
    }
}

/// One YAML document as a positioned tree. Nodes live in flat arrays and are
/// addressed by `NodeID`; scalar text, tags and anchors share one byte buffer.
public struct YAMLDocument: Sendable {
    let storage: DocumentStorage

    public var file: String { storage.file }
    /// 0-based position of the document in its stream.
    public private(set) var index: Int
    public var explicitStart: Bool { storage.explicitStart }
    public var explicitEnd: Bool { storage.explicitEnd }
    public var span: Span { storage.span }
    /// The template named by a `# Source:` comment between the previous
    /// document and this one, with the comment's position.
    public var source: Located<String>? { storage.source }
    public var root: NodeID? { storage.root }
    public var duplicateKeys: [DuplicateKey] { storage.duplicateKeys }

    init(storage: DocumentStorage) {
        self.storage = storage
        index = storage.index
    }

    /// The same document at another position in its stream (a stream read
    /// in pieces numbers each piece's documents from 0).
    func renumbered(_ index: Int) -> YAMLDocument {
        var document = self
        document.index = index
        return document
    }

    public var nodeCount: Int { storage.nodeCount }

    /// The record of a node; a `NodeID` from another document traps rather
    /// than reading outside this one.
    @inline(__always)
    func record(_ id: NodeID) -> NodeRecord {
        let index = Int(id.index)
        precondition(index >= 0 && index < storage.nodeCount, "NodeID does not belong to this document")
        return storage.nodes[index]
    }

    @inline(__always)
    private func child(_ slot: Int) -> NodeID {
        NodeID(storage.children[slot])
    }

    // MARK: - Node facts

    public func kind(_ id: NodeID) -> NodeKind { record(id).kind }

    /// The node an alias stands for; any other node is returned as it is.
    public func resolved(_ id: NodeID) -> NodeID {
        let record = record(id)
        return record.kind == .alias ? NodeID(record.first) : id
    }

    public func span(_ id: NodeID) -> Span {
        let record = record(id)
        return Span(start: Mark(line: Int(record.startLine), column: Int(record.startColumn)),
                    end: Mark(line: Int(record.endLine), column: Int(record.endColumn)))
    }

    public func location(_ id: NodeID) -> SourceLocation {
        SourceLocation(file: storage.file, span: span(id))
    }

    public func scalarStyle(_ id: NodeID) -> ScalarStyle {
        let record = record(id)
        return record.kind == .scalar ? ScalarStyle(rawValue: record.style) ?? .plain : .plain
    }

    public func collectionStyle(_ id: NodeID) -> CollectionStyle {
        let record = record(id)
        return record.kind == .scalar ? .block : CollectionStyle(rawValue: record.style) ?? .block
    }

    public func tag(_ id: NodeID) -> String? { string(record(id).tag) }

    /// The anchor a node defines, or for an alias the anchor it refers to.
    public func anchor(_ id: NodeID) -> String? { string(record(id).anchor) }

    // MARK: - Scalars

    /// The scalar's text as libyaml delivered it (after escapes and folding).
    public func text(_ id: NodeID) -> String {
        string(record(id).text) ?? ""
    }

    /// Calls `body` with the scalar's UTF-8 bytes, without building a String.
    public func withTextBytes<R>(_ id: NodeID, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(bytes(record(id).text))
    }

    /// True when the node is a scalar whose text is exactly `literal`.
    public func textEquals(_ id: NodeID, _ literal: StaticString) -> Bool {
        textEquals(id, UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// True when the node is a scalar whose text is exactly `bytes`.
    public func textEquals(_ id: NodeID, _ expected: UnsafeBufferPointer<UInt8>) -> Bool {
        let record = record(id)
        guard record.kind == .scalar else { return false }
        return equals(record.text, expected)
    }

    public func textEquals(_ id: NodeID, _ expected: [UInt8]) -> Bool {
        expected.withUnsafeBufferPointer { textEquals(id, $0) }
    }

    /// Where a scalar's text sits in the byte arena.
    func textRange(_ id: NodeID) -> TextRange {
        record(id).text
    }

    /// The bytes of a range of the arena (empty for an absent range).
    @inline(__always)
    func bytes(_ range: TextRange) -> UnsafeBufferPointer<UInt8> {
        guard range.length > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: storage.bytes + Int(range.offset), count: Int(range.length))
    }

    /// The node (an alias resolved) when it is a mapping.
    func mappingNode(_ id: NodeID?) -> NodeID? {
        guard let id else { return nil }
        let target = resolved(id)
        return record(target).kind == .mapping ? target : nil
    }

    /// The scalar (an alias resolved) when it reads as a string: everything
    /// but a plain, untagged null (`~`, `null`, nothing). No string is made.
    func stringNode(_ id: NodeID?) -> NodeID? {
        guard let id else { return nil }
        let target = resolved(id)
        let record = record(target)
        guard record.kind == .scalar else { return nil }
        if record.style == ScalarStyle.plain.rawValue, !record.tag.isPresent, isPlainNull(record.text) { return nil }
        return target
    }

    /// True when `value(_:)` of this scalar is `.null`, without building the value.
    func isNull(_ id: NodeID) -> Bool {
        let record = record(resolved(id))
        guard record.kind == .scalar else { return true }
        if record.tag.isPresent {
            let null: StaticString = "tag:yaml.org,2002:null"
            return equals(record.tag, UnsafeBufferPointer(start: null.utf8Start, count: null.utf8CodeUnitCount))
        }
        return record.style == ScalarStyle.plain.rawValue && isPlainNull(record.text)
    }

    /// `~`, `null`, `Null`, `NULL` or nothing: what a plain scalar reads as null.
    private func isPlainNull(_ range: TextRange) -> Bool {
        switch range.length {
        case 0: return true
        case 1: return storage.bytes[Int(range.offset)] == UInt8(ascii: "~")
        case 4:
            let text = bytes(range)
            return text[1] == UInt8(ascii: "u") && text[2] == UInt8(ascii: "l") && text[3] == UInt8(ascii: "l")
                && (text[0] == UInt8(ascii: "n") || text[0] == UInt8(ascii: "N"))
                || text.elementsEqual("NULL".utf8)
        default: return false
        }
    }

    @inline(__always)
    private func equals(_ range: TextRange, _ expected: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.isPresent, Int(range.length) == expected.count else { return false }
        guard expected.count > 0 else { return true }
        return memcmp(storage.bytes + Int(range.offset), expected.baseAddress!, expected.count) == 0
    }

    func textEquals(_ a: NodeID, _ b: NodeID) -> Bool {
        let ra = record(a).text, rb = record(b).text
        guard ra.length == rb.length else { return false }
        guard ra.length > 0 else { return true }
        return memcmp(storage.bytes + Int(ra.offset), storage.bytes + Int(rb.offset), Int(ra.length)) == 0
    }

    /// The scalar resolved as Kubernetes' YAML decoder resolves it (YAML 1.1).
    public func value(_ id: NodeID) -> ScalarValue {
        let target = resolved(id)
        let record = record(target)
        guard record.kind == .scalar else { return .null }
        let tagText = string(record.tag)
        let style = ScalarStyle(rawValue: record.style) ?? .plain
        return ScalarResolver.resolve(bytes(record.text), style: style, tag: tagText)
    }

    // MARK: - Collections

    /// Items of a sequence (after resolving an alias); empty for other nodes.
    public func items(_ id: NodeID) -> Children {
        let record = record(resolved(id))
        guard record.kind == .sequence else { return Children(storage: storage, start: 0, count: 0, stride: 1, base: 0) }
        return Children(storage: storage, start: Int(record.first), count: Int(record.count), stride: 1, base: 0)
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
        let record = record(resolved(id))
        return record.kind == .mapping ? Int(record.count) : 0
    }

    private func pairs(_ id: NodeID, base: Int) -> Children {
        let record = record(resolved(id))
        guard record.kind == .mapping else { return Children(storage: storage, start: 0, count: 0, stride: 2, base: base) }
        return Children(storage: storage, start: Int(record.first), count: Int(record.count), stride: 2, base: base)
    }

    /// The value for a scalar key, the last one when the key is duplicated.
    public func value(in mapping: NodeID, forKey key: StaticString) -> NodeID? {
        let record = record(resolved(mapping))
        guard record.kind == .mapping else { return nil }
        let expected = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        var found: Int32?
        var slot = Int(record.first)
        for _ in 0..<Int(record.count) {
            let keyRecord = storage.nodes[Int(storage.children[slot])]
            if keyRecord.kind == .scalar, equals(keyRecord.text, expected) { found = storage.children[slot + 1] }
            slot += 2
        }
        return found.map { resolved(NodeID($0)) }
    }

    /// Key/value pairs of a mapping, aliases resolved on values.
    public func pairs(_ id: NodeID) -> [(key: NodeID, value: NodeID)] {
        // Indices rather than zip: Zip2Sequence's metadata is built at run
        // time from its mangled name, a scan of every conformance record.
        let keys = self.keys(id), values = self.values(id)
        return keys.indices.map { (keys[$0], resolved(values[$0])) }
    }

    private func string(_ range: TextRange) -> String? {
        guard range.isPresent else { return nil }
        guard range.length > 0 else { return "" }
        return String(decoding: bytes(range), as: UTF8.self)
    }
}

/// A view of a collection's children stored in the document's child array.
public struct Children: RandomAccessCollection, Sendable {
    let storage: DocumentStorage
    /// First slot in the child array, and how many members (pairs for a mapping).
    let start: Int
    let memberCount: Int
    let stride: Int
    let base: Int

    init(storage: DocumentStorage, start: Int, count: Int, stride: Int, base: Int) {
        self.storage = storage
        self.start = start
        memberCount = count
        self.stride = stride
        self.base = base
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { memberCount }
    public subscript(position: Int) -> NodeID {
        precondition(position >= 0 && position < memberCount, "index out of range")
        return NodeID(storage.children[start + position * stride + base])
    }
}

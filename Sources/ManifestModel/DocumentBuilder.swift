#if canImport(Glibc)
import Glibc
#endif

/// Turns one document's events into the flat arena of a `YAMLDocument`,
/// enforcing the depth and alias-expansion limits without recursion.
struct DocumentBuilder {
    private struct OpenCollection {
        var node: Int32
        var firstPending: Int
    }

    let file: String
    let limits: ParseLimits
    let start: Mark
    let explicitStart: Bool

    private var nodes: [NodeRecord] = []
    /// Expanded size of each node, counting what its aliases stand for.
    private var weights: [Int] = []
    private var children: [Int32] = []
    private var pending: [Int32] = []
    private var open: [OpenCollection] = []
    private var bytes: [UInt8] = []
    private var anchors: [String: Int32] = [:]
    private var aliasExpansion = 0
    private var duplicateKeys: [DuplicateKey] = []
    private var root: Int32?

    init(file: String, limits: ParseLimits, start: Mark, explicitStart: Bool) {
        self.file = file
        self.limits = limits
        self.start = start
        self.explicitStart = explicitStart
    }

    var rootStartLine: Int? { root.map { Int(nodes[Int($0)].startLine) } }

    mutating func addScalar(value: UnsafeBufferPointer<UInt8>, style: ScalarStyle,
                            tag: UnsafePointer<UInt8>?, anchor: UnsafePointer<UInt8>?,
                            start: Mark, end: Mark) throws(YAMLError) {
        let text = store(value)
        let id = append(NodeRecord(kind: .scalar, style: style.rawValue,
                                   startLine: Int32(clamping: start.line), startColumn: Int32(clamping: start.column),
                                   endLine: Int32(clamping: end.line), endColumn: Int32(clamping: end.column),
                                   text: text, tag: store(tag), anchor: store(anchor), first: 0, count: 0),
                        weight: 1)
        try define(anchor: anchor, node: id)
    }

    mutating func openCollection(kind: NodeKind, style: CollectionStyle,
                                 tag: UnsafePointer<UInt8>?, anchor: UnsafePointer<UInt8>?,
                                 start: Mark) throws(YAMLError) {
        guard open.count < limits.maxDepth else {
            throw YAMLError(stage: .limit,
                            problem: "nesting deeper than \(limits.maxDepth) levels (--max-depth)",
                            location: location(start, start))
        }
        let id = append(NodeRecord(kind: kind, style: style.rawValue,
                                   startLine: Int32(clamping: start.line), startColumn: Int32(clamping: start.column),
                                   endLine: Int32(clamping: start.line), endColumn: Int32(clamping: start.column),
                                   text: .empty, tag: store(tag), anchor: store(anchor), first: 0, count: -1),
                        weight: 1)
        open.append(OpenCollection(node: id, firstPending: pending.count))
        try define(anchor: anchor, node: id)
    }

    mutating func closeCollection(end: Mark) {
        guard let collection = open.popLast() else { return }
        let index = Int(collection.node)
        let members = pending[collection.firstPending...]
        var record = nodes[index]
        record.first = Int32(children.count)
        record.count = Int32(record.kind == .mapping ? members.count / 2 : members.count)
        record.endLine = Int32(clamping: end.line)
        record.endColumn = Int32(clamping: end.column)
        var weight = 1
        for member in members { weight = weight &+ weights[Int(member)] }
        weights[index] = weight
        children.append(contentsOf: members)
        pending.removeSubrange(collection.firstPending...)
        nodes[index] = record
        if record.kind == .mapping { recordDuplicateKeys(of: record) }
    }

    mutating func addAlias(anchor: UnsafePointer<UInt8>?, start: Mark, end: Mark) throws(YAMLError) {
        let name = anchor.map { String(cString: $0) } ?? ""
        guard let target = anchors[name] else {
            throw YAMLError(stage: .parser, problem: "found undefined alias *\(name)", location: location(start, end))
        }
        guard nodes[Int(target)].count >= 0 else {
            throw YAMLError(stage: .parser,
                            problem: "alias *\(name) refers to a collection that contains it; recursive structures are not supported",
                            location: location(start, end))
        }
        let weight = weights[Int(target)]
        aliasExpansion = aliasExpansion &+ weight
        guard aliasExpansion <= limits.maxAliasExpansion else {
            throw YAMLError(stage: .limit,
                            problem: "aliases expand to more than \(limits.maxAliasExpansion) nodes (--max-alias-expansion); is this an alias bomb?",
                            location: location(start, end))
        }
        _ = append(NodeRecord(kind: .alias, style: 0,
                              startLine: Int32(clamping: start.line), startColumn: Int32(clamping: start.column),
                              endLine: Int32(clamping: end.line), endColumn: Int32(clamping: end.column),
                              text: .empty, tag: .empty, anchor: store(anchor), first: target, count: 0),
                   weight: weight)
    }

    func finish(index: Int, end: Mark, explicitEnd: Bool, source: Located<String>?) -> YAMLDocument {
        YAMLDocument(file: file, index: index, explicitStart: explicitStart, explicitEnd: explicitEnd,
                     span: Span(start: start, end: end), source: source,
                     root: root.map { NodeID($0) }, duplicateKeys: duplicateKeys,
                     nodes: nodes, children: children, bytes: bytes)
    }

    // MARK: - Helpers

    private mutating func append(_ record: NodeRecord, weight: Int) -> Int32 {
        let id = Int32(nodes.count)
        nodes.append(record)
        weights.append(weight)
        if open.isEmpty {
            if root == nil { root = id }
        } else {
            pending.append(id)
        }
        return id
    }

    private mutating func define(anchor: UnsafePointer<UInt8>?, node: Int32) throws(YAMLError) {
        guard let anchor else { return }
        anchors[String(cString: anchor)] = node
    }

    private mutating func store(_ text: UnsafeBufferPointer<UInt8>) -> TextRange {
        let offset = Int32(clamping: bytes.count)
        bytes.append(contentsOf: text)
        return TextRange(offset: offset, length: Int32(clamping: text.count))
    }

    private mutating func store(_ text: UnsafePointer<UInt8>?) -> TextRange {
        guard let text else { return .empty }
        return store(UnsafeBufferPointer(start: text, count: strlen(text)))
    }

    private func location(_ start: Mark, _ end: Mark) -> SourceLocation {
        SourceLocation(file: file, span: Span(start: start, end: end))
    }

    /// Finds keys that repeat in a mapping just closed. Small mappings compare
    /// pairwise; large ones hash, so a hostile mapping stays linear.
    private mutating func recordDuplicateKeys(of mapping: NodeRecord) {
        let count = Int(mapping.count)
        guard count > 1 else { return }
        let base = Int(mapping.first)
        func keyNode(_ i: Int) -> NodeRecord? {
            var record = nodes[Int(children[base + 2 * i])]
            if record.kind == .alias { record = nodes[Int(record.first)] }
            return record.kind == .scalar ? record : nil
        }
        // One text can name two different keys (`1` and `"1"`), so the first
        // key of the other kind is remembered too.
        var seen: [ArraySlice<UInt8>: Int] = [:]
        var otherKind: [ArraySlice<UInt8>: Int] = [:]
        if count > 16 { seen.reserveCapacity(count) }
        for i in 0..<count {
            guard let key = keyNode(i) else { continue }
            let text = slice(key.text)
            var earlier: Int?
            if count > 16 {
                if let j = seen[text] {
                    if let other = keyNode(j), sameResolvedKey(other, key) {
                        earlier = j
                    } else if let k = otherKind[text] {
                        earlier = k
                    } else {
                        otherKind[text] = i
                    }
                } else {
                    seen[text] = i
                }
            } else {
                for j in 0..<i {
                    if let other = keyNode(j), slice(other.text) == text, sameResolvedKey(other, key) { earlier = j; break }
                }
            }
            guard let j = earlier, let other = keyNode(j) else { continue }
            duplicateKeys.append(DuplicateKey(
                key: String(decoding: text, as: UTF8.self),
                first: location(mark(other, start: true), mark(other, start: false)),
                duplicate: location(mark(key, start: true), mark(key, start: false))))
        }
    }

    private func sameResolvedKey(_ a: NodeRecord, _ b: NodeRecord) -> Bool {
        let aPlain = a.style == ScalarStyle.plain.rawValue && !a.tag.isPresent
        let bPlain = b.style == ScalarStyle.plain.rawValue && !b.tag.isPresent
        guard aPlain != bPlain else { return true }
        let plain = aPlain ? a : b
        let resolved = slice(plain.text).withUnsafeBufferPointer { ScalarResolver.resolvePlain($0) }
        if case .string = resolved { return true }
        return false
    }

    private func slice(_ range: TextRange) -> ArraySlice<UInt8> {
        guard range.length > 0 else { return bytes[0..<0] }
        return bytes[Int(range.offset)..<Int(range.offset + range.length)]
    }

    private func mark(_ record: NodeRecord, start: Bool) -> Mark {
        start ? Mark(line: Int(record.startLine), column: Int(record.startColumn))
              : Mark(line: Int(record.endLine), column: Int(record.endColumn))
    }
}

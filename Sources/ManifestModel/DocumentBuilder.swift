#if canImport(Glibc)
import Glibc
#endif

/// Turns one document's events into the flat arena of a `YAMLDocument`,
/// enforcing the depth and alias-expansion limits without recursion.
///
/// One builder serves a whole stream: its arenas (`ArenaBuffer`) are emptied,
/// not freed, between documents, so once the first documents have been
/// read, building a tree allocates nothing per node, and a finished document
/// shares the arenas instead of copying them (a document still alive when
/// the next one starts keeps them; the builder takes fresh ones).
struct DocumentBuilder {
    private struct OpenCollection {
        var node: Int32
        var firstPending: Int32
        /// `aliasExtra` when the collection opened, for its expanded size.
        var aliasExtraAtOpen: Int
    }

    let file: String
    let limits: ParseLimits
    private(set) var start = Mark(line: 1, column: 1)
    private var explicitStart = false

    private var nodes = ArenaBuffer<NodeRecord>(capacity: 256)
    private var children = ArenaBuffer<Int32>(capacity: 256)
    /// Members of the collections still open, innermost last.
    private var pending = ArenaBuffer<Int32>(capacity: 64)
    private var open: [OpenCollection] = []
    /// Scalar text, tags and anchors.
    private var bytes = ArenaBuffer<UInt8>(capacity: 4096)
    private var anchors: [String: Int32] = [:]
    /// Expanded size of anchored nodes (the only ones an alias can name):
    /// the nodes below them, counting what their aliases stand for.
    private var anchoredWeights: [Int32: Int] = [:]
    private var aliasExpansion = 0
    /// Sum over the aliases so far of (what the alias stands for - 1): an
    /// anchored collection's expanded size is its node count plus the growth
    /// of this sum while it was open.
    private var aliasExtra = 0
    private var duplicateKeys: [DuplicateKey] = []
    private var root: Int32?

    init(file: String, limits: ParseLimits) {
        self.file = file
        self.limits = limits
    }

    /// Starts a new document, forgetting the previous one's nodes.
    mutating func begin(start: Mark, explicitStart: Bool) {
        self.start = start
        self.explicitStart = explicitStart
        // Capacity is kept between documents, up to about a megabyte per arena.
        nodes.removeAll(shrinkingAbove: 1 << 14)
        children.removeAll(shrinkingAbove: 1 << 16)
        pending.removeAll(shrinkingAbove: 1 << 16)
        open.removeAll(keepingCapacity: open.capacity <= 1024)
        bytes.removeAll(shrinkingAbove: 1 << 20)
        if !anchors.isEmpty { anchors.removeAll() }
        if !anchoredWeights.isEmpty { anchoredWeights.removeAll() }
        if !duplicateKeys.isEmpty { duplicateKeys = [] }
        aliasExpansion = 0
        aliasExtra = 0
        root = nil
    }

    var rootStartLine: Int? { root.map { Int(nodes[Int($0)].startLine) } }

    mutating func addScalar(value: UnsafeBufferPointer<UInt8>, style: ScalarStyle,
                            tag: UnsafePointer<UInt8>?, anchor: UnsafePointer<UInt8>?,
                            start: ArenaMark, end: ArenaMark) throws(YAMLError) {
        let text = store(value)
        let tagRange = tag == nil ? TextRange.empty : store(tag)
        let anchorRange = anchor == nil ? TextRange.empty : store(anchor)
        let id = append(NodeRecord(kind: .scalar, style: style.rawValue,
                                   startLine: start.line, startColumn: start.column,
                                   endLine: end.line, endColumn: end.column,
                                   text: text, tag: tagRange, anchor: anchorRange, first: 0, count: 0))
        if let anchor {
            define(anchor: anchor, node: id)
            anchoredWeights[id] = 1
        }
    }

    mutating func openCollection(kind: NodeKind, style: CollectionStyle,
                                 tag: UnsafePointer<UInt8>?, anchor: UnsafePointer<UInt8>?,
                                 start: ArenaMark) throws(YAMLError) {
        guard open.count < limits.maxDepth else {
            let mark = start.mark
            throw YAMLError(stage: .limit,
                            problem: "nesting deeper than \(limits.maxDepth) levels (--max-depth)",
                            location: location(mark, mark))
        }
        let tagRange = tag == nil ? TextRange.empty : store(tag)
        let anchorRange = anchor == nil ? TextRange.empty : store(anchor)
        let id = append(NodeRecord(kind: kind, style: style.rawValue,
                                   startLine: start.line, startColumn: start.column,
                                   endLine: start.line, endColumn: start.column,
                                   text: .empty, tag: tagRange, anchor: anchorRange, first: 0, count: -1))
        open.append(OpenCollection(node: id, firstPending: Int32(truncatingIfNeeded: pending.count),
                                   aliasExtraAtOpen: aliasExtra))
        if let anchor { define(anchor: anchor, node: id) }
    }

    mutating func closeCollection(end: ArenaMark) {
        guard let collection = open.popLast() else { return }
        let index = Int(collection.node)
        let firstPending = Int(collection.firstPending)
        let memberCount = pending.count - firstPending
        let firstChild = Int32(truncatingIfNeeded: children.count)
        pending.copy(firstPending..<pending.count, appendingTo: &children)
        pending.removeLast(memberCount)
        var record = nodes[index]
        let isMapping = record.kind == .mapping
        record.first = firstChild
        record.count = Int32(truncatingIfNeeded: isMapping ? memberCount / 2 : memberCount)
        record.endLine = end.line
        record.endColumn = end.column
        nodes[index] = record
        if record.anchor.isPresent {
            anchoredWeights[collection.node] = (nodes.count - index) + (aliasExtra - collection.aliasExtraAtOpen)
        }
        if isMapping, memberCount >= 4 { recordDuplicateKeys(first: Int(firstChild), count: memberCount / 2) }
    }

    mutating func addAlias(anchor: UnsafePointer<UInt8>?, start: ArenaMark, end: ArenaMark) throws(YAMLError) {
        let name = anchor.map { String(cString: $0) } ?? ""
        guard let target = anchors[name] else {
            throw YAMLError(stage: .parser, problem: "found undefined alias *\(name)", location: location(start.mark, end.mark))
        }
        guard nodes[Int(target)].count >= 0, let weight = anchoredWeights[target] else {
            throw YAMLError(stage: .parser,
                            problem: "alias *\(name) refers to a collection that contains it; recursive structures are not supported",
                            location: location(start.mark, end.mark))
        }
        aliasExpansion = aliasExpansion &+ weight
        guard aliasExpansion <= limits.maxAliasExpansion else {
            throw YAMLError(stage: .limit,
                            problem: "aliases expand to more than \(limits.maxAliasExpansion) nodes (--max-alias-expansion); is this an alias bomb?",
                            location: location(start.mark, end.mark))
        }
        aliasExtra = aliasExtra &+ (weight - 1)
        let anchorRange = anchor == nil ? TextRange.empty : store(anchor)
        _ = append(NodeRecord(kind: .alias, style: 0,
                              startLine: start.line, startColumn: start.column,
                              endLine: end.line, endColumn: end.column,
                              text: .empty, tag: .empty, anchor: anchorRange, first: target, count: 0))
    }

    /// The document built. `compact` gives it blocks of its own size, for a
    /// document kept while many more are built after it.
    func finish(index: Int, end: Mark, explicitEnd: Bool, source: Located<String>?, compact: Bool = false) -> YAMLDocument {
        let nodes = compact ? self.nodes.compacted() : self.nodes
        let children = compact ? self.children.compacted() : self.children
        let bytes = compact ? self.bytes.compacted() : self.bytes
        return YAMLDocument(storage: DocumentStorage(
            file: file, index: index, explicitStart: explicitStart, explicitEnd: explicitEnd,
            span: Span(start: start, end: end), source: source,
            root: root.map { NodeID($0) }, duplicateKeys: duplicateKeys,
            nodes: UnsafeBufferPointer(start: nodes.base, count: nodes.count),
            children: UnsafeBufferPointer(start: children.base, count: children.count),
            bytes: UnsafeBufferPointer(start: bytes.base, count: bytes.count),
            blocks: [nodes.block, children.block, bytes.block]))
    }

    // MARK: - Helpers

    @inline(__always)
    private mutating func append(_ record: NodeRecord) -> Int32 {
        let id = Int32(truncatingIfNeeded: nodes.count)
        nodes.append(record)
        if open.isEmpty {
            if root == nil { root = id }
        } else {
            pending.append(id)
        }
        return id
    }

    private mutating func define(anchor: UnsafePointer<UInt8>, node: Int32) {
        anchors[String(cString: anchor)] = node
    }

    /// Copies text into the byte arena. Most scalars are short: up to 16
    /// bytes are moved as two (overlapping) words or byte by byte, without a
    /// call to `memcpy`.
    @inline(__always)
    private mutating func store(_ text: UnsafeBufferPointer<UInt8>) -> TextRange {
        let offset = bytes.count
        let length = text.count
        if let source = text.baseAddress, length > 0 {
            if length <= 16 {
                bytes.reserve(length)
                let target = bytes.base + offset
                if length >= 8 {
                    let head = UnsafeRawPointer(source).loadUnaligned(as: UInt64.self)
                    let tail = UnsafeRawPointer(source + (length - 8)).loadUnaligned(as: UInt64.self)
                    UnsafeMutableRawPointer(target).storeBytes(of: head, as: UInt64.self)
                    UnsafeMutableRawPointer(target + (length - 8)).storeBytes(of: tail, as: UInt64.self)
                } else {
                    for index in 0..<length { target[index] = source[index] }
                }
                bytes.count = offset + length
            } else {
                bytes.append(contentsOf: source, count: length)
            }
        }
        return TextRange(offset: Int32(truncatingIfNeeded: offset), length: Int32(clamping: length))
    }

    private mutating func store(_ text: UnsafePointer<UInt8>?) -> TextRange {
        guard let text else { return .empty }
        return store(UnsafeBufferPointer(start: text, count: strlen(text)))
    }

    private func location(_ start: Mark, _ end: Mark) -> SourceLocation {
        SourceLocation(file: file, span: Span(start: start, end: end))
    }

    /// Finds keys that repeat in a mapping just closed. Small mappings compare
    /// pairwise, by a signature of each key first (its length and first
    /// bytes), then by bytes; large ones hash, so a hostile mapping stays
    /// linear.
    private mutating func recordDuplicateKeys(first base: Int, count: Int) {
        if count <= 16 {
            guard let first = firstRepeatedSignature(base: base, count: count) else { return }
            record(duplicatesPairwise(base: base, count: count, from: first), base: base)
        } else {
            record(duplicatesByHashing(base: base, count: count), base: base)
        }
    }

    private mutating func record(_ found: [(earlier: Int, later: Int)], base: Int) {
        for (j, i) in found {
            guard let key = keyNode(base, i), let other = keyNode(base, j) else { continue }
            duplicateKeys.append(DuplicateKey(
                key: String(decoding: slice(key.text), as: UTF8.self),
                first: location(mark(other, start: true), mark(other, start: false)),
                duplicate: location(mark(key, start: true), mark(key, start: false))))
        }
    }

    /// The first key (index) whose signature an earlier key shares, if any:
    /// most mappings have none, and are done after one pass of integer
    /// comparisons.
    private func firstRepeatedSignature(base: Int, count: Int) -> Int? {
        var signatures: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                          UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &signatures) { raw in
            let keys = raw.bindMemory(to: UInt64.self)
            for i in 0..<count {
                var record = nodes[Int(children[base + 2 * i])]
                if record.kind == .alias { record = nodes[Int(record.first)] }
                let signature = record.kind == .scalar ? signature(of: record.text) : UInt64(i) | (1 << 63)
                for j in 0..<i where keys[j] == signature { return i }
                keys[i] = signature
            }
            return nil
        }
    }

    /// A key's length with its first and last bytes, in one word.
    @inline(__always)
    private func signature(of range: TextRange) -> UInt64 {
        let length = Int(range.length)
        guard length > 0 else { return 0 }
        let text = bytes.base + Int(range.offset)
        return UInt64(truncatingIfNeeded: length) << 16 | UInt64(text[0]) << 8 | UInt64(text[length - 1])
    }

    private func keyNode(_ base: Int, _ i: Int) -> NodeRecord? {
        var record = nodes[Int(children[base + 2 * i])]
        if record.kind == .alias { record = nodes[Int(record.first)] }
        return record.kind == .scalar ? record : nil
    }

    private func duplicatesPairwise(base: Int, count: Int, from start: Int) -> [(earlier: Int, later: Int)] {
        var found: [(earlier: Int, later: Int)] = []
        for i in start..<count {
            guard let later = keyNode(base, i) else { continue }
            let length = Int(later.text.length)
            for j in 0..<i {
                guard let earlier = keyNode(base, j), Int(earlier.text.length) == length else { continue }
                if length > 0, memcmp(bytes.base + Int(earlier.text.offset), bytes.base + Int(later.text.offset), length) != 0 {
                    continue
                }
                if sameResolvedKey(earlier, later) {
                    found.append((j, i))
                    break
                }
            }
        }
        return found
    }

    private func duplicatesByHashing(base: Int, count: Int) -> [(earlier: Int, later: Int)] {
        // One text can name two different keys (`1` and `"1"`), so the first
        // key of the other kind is remembered too.
        var found: [(earlier: Int, later: Int)] = []
        var seen: [ArraySlice<UInt8>: Int] = [:]
        var otherKind: [ArraySlice<UInt8>: Int] = [:]
        seen.reserveCapacity(count)
        for i in 0..<count {
            guard let key = keyNode(base, i) else { continue }
            let text = slice(key.text)
            if let j = seen[text] {
                if let other = keyNode(base, j), sameResolvedKey(other, key) {
                    found.append((j, i))
                } else if let k = otherKind[text] {
                    found.append((k, i))
                } else {
                    otherKind[text] = i
                }
            } else {
                seen[text] = i
            }
        }
        return found
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
        guard range.length > 0 else { return [] }
        return ArraySlice(UnsafeBufferPointer(start: bytes.base + Int(range.offset), count: Int(range.length)))
    }

    private func mark(_ record: NodeRecord, start: Bool) -> Mark {
        start ? Mark(line: Int(record.startLine), column: Int(record.startColumn))
              : Mark(line: Int(record.endLine), column: Int(record.endColumn))
    }
}

import ManifestModel

/// The scalar leaves of one rendered stream, identified as spec section 5.2
/// identifies them: the `# Source:` template, the ordinal of the document
/// among that template's documents, and the blame path.
public struct RenderedLeaves: Sendable {
    public struct Key: Sendable, Hashable {
        public var source: String
        public var ordinal: Int
        public var path: String

        public init(source: String, ordinal: Int, path: String) {
            self.source = source
            self.ordinal = ordinal
            self.path = path
        }
    }

    /// Who a document is (kind, namespace, name), so a measured leaf can be
    /// found again in a stream whose documents come in another order.
    public struct DocumentKey: Sendable, Hashable {
        public var source: String
        public var ordinal: Int
    }

    /// Leaves in stream order, with their scalar text.
    public private(set) var keys: [Key] = []
    public private(set) var values: [Key: String] = [:]
    /// Element counts of sequences, by the sequence's own path: a positional
    /// leaf whose list grew or shrank has shifted, not changed in place.
    public private(set) var sequenceCounts: [Key: Int] = [:]
    /// The `name` of each item of a sequence that has named items, in order:
    /// an item renamed in place is still the same item.
    public private(set) var itemNames: [Key: [String?]] = [:]
    /// `Kind/namespace/name` of each document that has them.
    public private(set) var identities: [DocumentKey: String] = [:]

    /// Documents whose bytes are the baseline's, at the same place: their
    /// leaves are the baseline's and were not read again.
    public private(set) var unchanged: Set<DocumentKey> = []
    private var baseline: Baseline?
    /// This stream's documents by a digest of their bytes, for a later render
    /// to reuse (kept by a baseline only).
    private var chunks: [UInt64: [Chunk]] = [:]

    /// The documents one chunk of bytes (from a `---` line to the next) held:
    /// their source and ordinal, nil for an empty one.
    private struct Chunk: Sendable {
        var bytes: ArraySlice<UInt8>
        var documents: [DocumentKey?]
    }

    /// The earlier render a later one falls back on for its unchanged
    /// documents (a box, since a struct cannot hold its own type).
    private final class Baseline: Sendable {
        let leaves: RenderedLeaves
        init(_ leaves: RenderedLeaves) { self.leaves = leaves }
    }

    public init() {}

    /// Reads a rendered stream; documents without a `# Source:` count under
    /// the empty source, as Helm never writes one of those. With `baseline`
    /// (an earlier render of the same chart), a document whose bytes are the
    /// baseline's at the same source and ordinal is not read again: most of
    /// a chart's documents do not change when a few values do.
    public init(stream bytes: [UInt8], name: String, limits: ParseLimits = .default,
                baseline: RenderedLeaves? = nil) throws(YAMLError) {
        self.baseline = baseline.map(Baseline.init)
        var ordinals: [String: Int] = [:]
        for chunk in Self.chunks(of: bytes) {
            let digest = chunk.withUnsafeBufferPointer { bytes in
                var hash = FNV1a64()
                hash.add(bytes)
                return hash.value
            }
            if let known = self.baseline?.leaves.chunks[digest], let reused = Self.reuse(known, bytes: chunk, ordinals: &ordinals) {
                for case let document? in reused.documents { unchanged.insert(document) }
                continue
            }
            let parser = try YAMLStreamParser(.bytes(Array(chunk), name: name), limits: limits)
            var read = Chunk(bytes: chunk, documents: [])
            while let document = try parser.nextDocument() {
                guard document.root != nil else { read.documents.append(nil); continue }
                let source = document.source?.value ?? ""
                let ordinal = ordinals[source, default: 0]
                ordinals[source] = ordinal + 1
                add(document, source: source, ordinal: ordinal)
                read.documents.append(DocumentKey(source: source, ordinal: ordinal))
            }
            if baseline == nil { chunks[digest, default: []].append(read) }
        }
    }

    /// The baseline chunk with these bytes whose documents fall at the same
    /// ordinals here, counted in; nil (and nothing counted) when none does.
    private static func reuse(_ candidates: [Chunk], bytes: ArraySlice<UInt8>, ordinals: inout [String: Int]) -> Chunk? {
        for candidate in candidates where candidate.bytes.count == bytes.count && candidate.bytes.elementsEqual(bytes) {
            var counted = ordinals
            var fits = true
            for case let document? in candidate.documents {
                let ordinal = counted[document.source, default: 0]
                counted[document.source] = ordinal + 1
                if ordinal != document.ordinal { fits = false; break }
            }
            if fits {
                ordinals = counted
                return candidate
            }
        }
        return nil
    }

    /// The stream cut before every `---` line, the way YAML ends a document there.
    static func chunks(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        var lineStart = 0
        while lineStart < bytes.count {
            if lineStart > start, lineStart + 3 <= bytes.count,
               bytes[lineStart] == 0x2D, bytes[lineStart + 1] == 0x2D, bytes[lineStart + 2] == 0x2D,
               lineStart + 3 == bytes.count || [0x0A, 0x0D, 0x20, 0x09].contains(bytes[lineStart + 3]) {
                result.append(bytes[start..<lineStart])
                start = lineStart
            }
            guard let end = bytes[lineStart...].firstIndex(of: 0x0A) else { break }
            lineStart = end + 1
        }
        if start < bytes.count { result.append(bytes[start...]) }
        return result
    }

    /// The text of a leaf, from this stream or, in an unchanged document, the baseline's.
    public func value(_ key: Key) -> String? { holder(of: key).values[key] }

    public func sequenceCount(_ key: Key) -> Int? { holder(of: key).sequenceCounts[key] }

    public func names(ofItemsIn key: Key) -> [String?]? { holder(of: key).itemNames[key] }

    /// The stream that read the document `key` is in: this one, or the baseline.
    private func holder(of key: Key) -> RenderedLeaves {
        if let baseline, unchanged.contains(DocumentKey(source: key.source, ordinal: key.ordinal)) { return baseline.leaves }
        return self
    }

    private mutating func add(_ document: YAMLDocument, source: String, ordinal: Int) {
        if let identity = Self.identity(of: document) {
            identities[DocumentKey(source: source, ordinal: ordinal)] = identity
        }
        document.walk { leaf in
            let key = Key(source: source, ordinal: ordinal, path: RenderedSegment.describe(leaf.path))
            if case .item(let index, let name?) = leaf.path.last {
                let sequence = Key(source: source, ordinal: ordinal, path: RenderedSegment.describe(Array(leaf.path.dropLast())))
                var names = itemNames[sequence] ?? []
                while names.count < index { names.append(nil) }
                names.append(name)
                itemNames[sequence] = names
            }
            if leaf.isScalar {
                if values.updateValue(document.text(document.resolved(leaf.node)), forKey: key) == nil { keys.append(key) }
            } else if document.kind(leaf.node) == .sequence {
                sequenceCounts[key] = document.items(leaf.node).count
            }
        }
    }

    /// `Kind/namespace/name`, from the document's own metadata.
    public static func identity(of document: YAMLDocument) -> String? {
        guard let root = document.root, document.kind(root) == .mapping,
              let kind = document.value(in: root, forKey: "kind"),
              let metadata = document.value(in: root, forKey: "metadata"), document.kind(metadata) == .mapping,
              let name = document.value(in: metadata, forKey: "name") else { return nil }
        let namespace = document.value(in: metadata, forKey: "namespace").map { document.text($0) } ?? ""
        return document.text(kind) + "/" + namespace + "/" + document.text(name)
    }
}

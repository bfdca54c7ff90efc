import ManifestModel
import ValuesAnchors

/// Where each rendered node sits and what it is, kept per document while it
/// is read so that findings, computed later across documents, can be traced
/// back to the template and values that wrote them.
public struct RenderedPathIndex: Sendable {
    public struct Entry: Sendable {
        public var source: String?
        public var path: [RenderedSegment]
        public var value: String?
        public var origin: InputOrigin
        /// The document's place among all the input's documents rendered
        /// from the same template (`# Source:`), kept or not, and its
        /// `Kind/namespace/name`: how measured ownership finds it.
        public var ordinal: Int = 0
        public var identity: String?

        public init(source: String?, path: [RenderedSegment], value: String?, origin: InputOrigin,
                    ordinal: Int = 0, identity: String? = nil) {
            self.source = source
            self.path = path
            self.value = value
            self.origin = origin
            self.ordinal = ordinal
            self.identity = identity
        }
    }

    private var entries: [SourceLocation: Entry] = [:]
    /// Documents counted so far, by `# Source:` path.
    private var ordinals: [String: Int] = [:]
    /// The ordinal of the document counted last.
    private var counted: (document: Int, ordinal: Int)?

    public init() {}

    /// Findings point at fields of the resource views, none deeper than a
    /// CronJob's container ports (10 levels); deeper nodes are not kept, so a
    /// deep, wide document cannot make the index grow with nodes times depth.
    static let maxDepth = 16

    /// Counts a document read: callers that keep only some documents
    /// (`CheckRun` keeps those the sieve keeps) count every one, so each
    /// kept document's ordinal is its place among all of its template's.
    public mutating func count(_ document: YAMLDocument) {
        let source = document.source?.value ?? ""
        let ordinal = ordinals[source, default: 0]
        ordinals[source] = ordinal + 1
        counted = (document.index, ordinal)
    }

    /// Records every node of a document a finding can point at, keyed by
    /// where it starts; counts the document unless `count` just did.
    public mutating func add(_ document: YAMLDocument, origin: InputOrigin) {
        if counted?.document != document.index { count(document) }
        let ordinal = counted?.ordinal ?? 0
        let identity = RenderedLeaves.identity(of: document)
        document.walk(maxDepth: Self.maxDepth) { leaf in
            let value = leaf.isScalar ? document.text(document.resolved(leaf.node)) : nil
            entries[Self.key(leaf.location)] = Entry(source: document.source?.value, path: leaf.path, value: value,
                                                     origin: origin, ordinal: ordinal, identity: identity)
        }
    }

    /// Adds another index's entries; where both know a position, the other
    /// wins, as if its documents had been added after these.
    public mutating func merge(_ other: RenderedPathIndex) {
        entries.merge(other.entries) { _, later in later }
    }

    public func entry(at location: SourceLocation) -> Entry? {
        entries[Self.key(location)]
    }

    private static func key(_ location: SourceLocation) -> SourceLocation {
        SourceLocation(file: location.file, line: location.line, column: location.column)
    }
}

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

    public init() {}

    /// Reads a rendered stream; documents without a `# Source:` count under
    /// the empty source, as Helm never writes one of those.
    public init(stream bytes: [UInt8], name: String, limits: ParseLimits = .default) throws(YAMLError) {
        let parser = try YAMLStreamParser(.bytes(bytes, name: name), limits: limits)
        var ordinals: [String: Int] = [:]
        while let document = try parser.nextDocument() {
            guard document.root != nil else { continue }
            let source = document.source?.value ?? ""
            let ordinal = ordinals[source, default: 0]
            ordinals[source] = ordinal + 1
            add(document, source: source, ordinal: ordinal)
        }
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

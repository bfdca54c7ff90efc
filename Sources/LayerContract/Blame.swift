import ManifestModel
import ValuesAnchors

/// `git blame` for a rendered stream: every rendered scalar with the layer,
/// file and line that own it.
public struct Blame: Sendable {
    public struct Entry: Sendable {
        public var location: SourceLocation
        public var source: String?
        public var path: String
        public var value: String
        public var owner: Owner
    }

    public struct Result: Sendable {
        public var entries: [Entry] = []
        public var notices: [ManifestNotice] = []
        public var error: YAMLError?
    }

    public let ownership: Ownership
    public let origin: InputOrigin
    public let limits: ParseLimits

    public init(chart: LoadedChart?, origin: InputOrigin = .rendered, limits: ParseLimits = .default) {
        self.ownership = Ownership(chart: chart)
        self.origin = origin
        self.limits = limits
    }

    public func run(_ source: InputSource) -> Result {
        var result = Result()
        let facts = ManifestReader.read(source, limits: limits) { document in
            for leaf in document.leaves() where leaf.isScalar {
                let value = document.text(document.resolved(leaf.node))
                let entry = RenderedPathIndex.Entry(source: document.source?.value, path: leaf.path, value: value, origin: origin)
                result.entries.append(Entry(location: leaf.location, source: entry.source,
                                            path: RenderedSegment.describe(leaf.path), value: value,
                                            owner: ownership.owner(of: entry, at: leaf.location)))
            }
        }
        result.notices = facts.notices
        result.error = facts.error
        return result
    }
}

import ManifestModel

/// What an ownership experiment learned about one chart: for every rendered
/// scalar of the base render, the values keys whose change changes it.
/// Leaves are found again by template, document and path, so the user's own
/// render (in any document order) can be read against it.
public struct MeasuredOwnership: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// The drivers are known (possibly none: no values key changes it).
        case measured
        /// The value changed in the experiment, but which key changed it was
        /// not pinned down within the budget: the static reading answers.
        case unresolved
        /// The value differs between two identical renders (`rand*`, `now`).
        case volatile
    }

    public struct Leaf: Sendable, Equatable {
        /// The rendered text in the base render.
        public var value: String
        public var status: Status
        /// Keys that change the value; the first `carried` of them carry
        /// their own value into it (the owner's anchor), the rest only change
        /// it. For an unresolved leaf: the keys the experiment could not rule
        /// out (empty when there were too many to keep).
        public var drivers: [ValuesPath]
        public var carried: Int

        public init(value: String, status: Status, drivers: [ValuesPath] = [], carried: Int = 0) {
            self.value = value
            self.status = status
            self.drivers = drivers
            self.carried = carried
        }
    }

    /// A leaf's place: the template, the document (its `Kind/namespace/name`
    /// where that is unique in the template, else `#` and its ordinal) and
    /// the blame path.
    public struct Place: Sendable, Hashable {
        public var source: String
        public var document: String
        public var path: String

        public init(source: String, document: String, path: String) {
            self.source = source
            self.document = document
            self.path = path
        }
    }

    public var leaves: [Place: Leaf]
    /// Values keys the experiment changed.
    public var keyCount: Int
    /// Keys the chart refused to take changed (a schema, `fail`, `required`):
    /// what they drive is left to the static reading.
    public var unmeasured: [ValuesPath]
    /// Helm renders the experiment ran (0 when it came from the cache).
    public var renders: Int

    public init(leaves: [Place: Leaf], keyCount: Int, unmeasured: [ValuesPath], renders: Int) {
        self.leaves = leaves
        self.keyCount = keyCount
        self.unmeasured = unmeasured
        self.renders = renders
    }

    /// The measured leaf at `path` of a document rendered from `source`, if
    /// the experiment saw it with the same text; nil when it cannot be mapped.
    public func leaf(source: String, identity: String?, ordinal: Int, path: String, value: String?) -> Leaf? {
        var found: Leaf?
        if let identity { found = leaves[Place(source: source, document: identity, path: path)] }
        if found == nil { found = leaves[Place(source: source, document: "#\(ordinal)", path: path)] }
        guard let found, value == nil || found.value == value else { return nil }
        return found
    }
}

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
        public var count = 0
        public var notices: [ManifestNotice] = []
        public var error: YAMLError?
    }

    public let ownership: Ownership
    public let origin: InputOrigin
    public let limits: ParseLimits
    /// Entries handed over at a time: output streams instead of growing with the input.
    static let batchSize = 1024

    public init(chart: LoadedChart?, measured: MeasuredOwnership? = nil, origin: InputOrigin = .rendered,
                limits: ParseLimits = .default) {
        self.ownership = Ownership(chart: chart, measured: measured)
        self.origin = origin
        self.limits = limits
    }

    /// Blames every scalar of `source`, handing entries to `emit` in document
    /// order, a batch at a time.
    public func run(_ source: InputSource, emit: ([Entry]) -> Void) -> Result {
        var result = Result()
        var batch: [Entry] = []
        batch.reserveCapacity(Self.batchSize)
        do {
            // Blame needs the trees, not the resource facts: it reads documents itself.
            let documents = try DocumentStream(source, limits: limits)
            var ordinals: [String: Int] = [:]
            while let document = try documents.nextDocument() {
                let ordinal = ordinals[document.source?.value ?? "", default: 0]
                ordinals[document.source?.value ?? ""] = ordinal + 1
                let identity = RenderedLeaves.identity(of: document)
                for duplicate in document.duplicateKeys {
                    result.notices.append(ManifestNotice(kind: .duplicateKey,
                                                         message: "duplicate key \"\(duplicate.key)\" (first at \(duplicate.first.line):\(duplicate.first.column)); the later value wins",
                                                         location: duplicate.duplicate, related: duplicate.first))
                }
                document.walk { leaf in
                    guard leaf.isScalar else { return }
                    let value = document.text(document.resolved(leaf.node))
                    let entry = RenderedPathIndex.Entry(source: document.source?.value, path: leaf.path, value: value,
                                                        origin: origin, ordinal: ordinal, identity: identity)
                    let path = RenderedSegment.describe(leaf.path)
                    batch.append(Entry(location: leaf.location, source: entry.source, path: path, value: value,
                                       owner: ownership.owner(of: entry, at: leaf.location, describedPath: path)))
                    if batch.count >= Self.batchSize {
                        result.count += batch.count
                        emit(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
            }
        } catch {
            result.error = error
        }
        if !batch.isEmpty {
            result.count += batch.count
            emit(batch)
        }
        return result
    }
}

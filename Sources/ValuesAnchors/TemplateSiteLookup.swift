import ManifestModel

/// One template's sites arranged for answering many leaves: by the length of
/// their key path and its last key, and the few that write values maps or
/// subtrees whole. A large template (a CRD of thousands of lines) is then not
/// scanned whole for every rendered scalar.
struct TemplateSiteLookup: Sendable {
    /// The sites of one key path length, as ordinals into `all`.
    private struct Depth: Sendable {
        var byLastKey: [String: [Int]] = [:]
        /// Sites whose last segment is a computed key.
        var anyLastKey: [Int] = []
        /// Sites whose last segment is a sequence item.
        var itemLast: [Int] = []
    }

    private var depths: [Int: Depth] = [:]
    /// Sites that insert a subtree or write a values reference, with those
    /// patterns, last in the file first.
    private(set) var writers: [(site: TemplateSite, patterns: [[PatternSegment]])] = []
    /// Every site, in file order.
    let all: [TemplateSite]

    init(_ sites: [TemplateSite]) {
        all = sites
        for (ordinal, site) in sites.enumerated() {
            switch site.keyPath.last {
            case .key(let key)?: depths[site.keyPath.count, default: Depth()].byLastKey[key, default: []].append(ordinal)
            case .anyKey?: depths[site.keyPath.count, default: Depth()].anyLastKey.append(ordinal)
            case .item?, .namedItem?: depths[site.keyPath.count, default: Depth()].itemLast.append(ordinal)
            case nil: break
            }
            var patterns = site.subtree.map { [$0] } ?? []
            for contribution in site.contributions where contribution.role == .output {
                if case .values(let pattern) = contribution.reference, !patterns.contains(pattern) { patterns.append(pattern) }
            }
            if !patterns.isEmpty { writers.append((site, patterns)) }
        }
        writers.reverse()
    }

    /// The sites whose key path has the length of `path` and can end as it
    /// does, in file order: the only ones that can match it.
    func sites(endingLike path: [RenderedSegment]) -> [TemplateSite] {
        guard let depth = depths[path.count], let last = path.last else { return [] }
        switch last {
        case .item: return depth.itemLast.map { all[$0] }
        case .key(let key):
            let named = depth.byLastKey[key] ?? []
            if depth.anyLastKey.isEmpty { return named.map { all[$0] } }
            if named.isEmpty { return depth.anyLastKey.map { all[$0] } }
            return Self.merged(named, depth.anyLastKey).map { all[$0] }
        }
    }

    private static func merged(_ a: [Int], _ b: [Int]) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) { result.append(a[i]); i += 1 } else { result.append(b[j]); j += 1 }
        }
        return result
    }
}

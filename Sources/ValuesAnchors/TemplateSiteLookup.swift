import ManifestModel

/// One template's sites arranged for answering many leaves: by their literal
/// key path (the few with computed keys or named items by its length), and
/// the few that write values maps or subtrees whole. A large template (a CRD
/// of thousands of lines) is then not scanned for every rendered scalar.
struct TemplateSiteLookup: Sendable {
    /// Sites whose key path is only keys and items, by that path with every
    /// item unnamed: most lines of a large template, found for a leaf by one
    /// lookup (and a check of the item names).
    /// Keyed by `pathHash`, which a collision only widens: `matches` checks each site.
    private var literal: [UInt64: [Int]] = [:]
    /// The sites with a computed key, by key path length and how the path ends.
    private var patterned: [Int: Ending] = [:]

    private struct Ending: Sendable {
        var byLastKey: [String: [Int]] = [:]
        /// Sites whose last segment is a computed key.
        var anyLastKey: [Int] = []
        /// Sites whose last segment is a sequence item.
        var itemLast: [Int] = []

        func ordinals(endingLike last: RenderedSegment) -> [Int] {
            switch last {
            case .item: return itemLast
            case .key(let key):
                let named = byLastKey[key] ?? []
                return anyLastKey.isEmpty ? named : named.isEmpty ? anyLastKey : TemplateSiteLookup.merged(named, anyLastKey)
            }
        }
    }
    /// Sites that insert a subtree or write a values reference, with those
    /// patterns, last in the file first.
    private(set) var writers: [(site: TemplateSite, patterns: [[PatternSegment]])] = []
    /// Every site, in file order.
    let all: [TemplateSite]
    /// The first site with no key path (a line at the top of a document).
    private var topLevel: Int?

    init(_ sites: [TemplateSite]) {
        all = sites
        for (ordinal, site) in sites.enumerated() {
            if site.keyPath.isEmpty, topLevel == nil { topLevel = ordinal }
            if !site.keyPath.contains(.anyKey) {
                literal[Self.pathHash(site.keyPath.lazy.map { segment in
                    if case .key(let key) = segment { key } else { nil }
                }), default: []].append(ordinal)
            } else {
                switch site.keyPath.last {
                case .key(let key)?: patterned[site.keyPath.count, default: Ending()].byLastKey[key, default: []].append(ordinal)
                case .anyKey?: patterned[site.keyPath.count, default: Ending()].anyLastKey.append(ordinal)
                case .item?, .namedItem?: patterned[site.keyPath.count, default: Ending()].itemLast.append(ordinal)
                case nil: break
                }
            }
            var patterns = site.subtree.map { [$0] } ?? []
            for contribution in site.contributions where contribution.role == .output {
                if case .values(let pattern) = contribution.reference, !patterns.contains(pattern) { patterns.append(pattern) }
            }
            if !patterns.isEmpty { writers.append((site, patterns)) }
        }
        writers.reverse()
    }

    /// The sites whose key path matches `path`, in file order.
    func sites(matching path: [RenderedSegment]) -> [TemplateSite] {
        ordinals(matching: path[...]).map { all[$0] }
    }

    private func ordinals(matching path: ArraySlice<RenderedSegment>) -> [Int] {
        let key = Self.pathHash(path.lazy.map { segment in
            if case .key(let name) = segment { name } else { nil }
        })
        let exact = (literal[key] ?? []).filter { ChartOwnership.matches(all[$0].keyPath, path) }
        guard let last = path.last, let ending = patterned[path.count] else { return exact }
        let others = ending.ordinals(endingLike: last).filter { ChartOwnership.matches(all[$0].keyPath, path) }
        return others.isEmpty ? exact : Self.merged(exact, others)
    }

    /// The first site, in file order, of the deepest key path that encloses
    /// `path`: the line that owns a key nothing writes exactly.
    func nearestEnclosing(_ path: [RenderedSegment]) -> TemplateSite? {
        for length in stride(from: path.count - 1, to: 0, by: -1) {
            if let found = ordinals(matching: path[..<length]).first { return all[found] }
        }
        return path.isEmpty ? nil : topLevel.map { all[$0] }
    }

    /// A path's keys, with every item alike (nil): hashed rather than kept,
    /// since hashing arrays of strings was most of building a large template's lookup.
    static func pathHash(_ keys: some Sequence<String?>) -> UInt64 {
        var hash = FNV1a64()
        for key in keys {
            if let key {
                hash.add(1)
                hash.combine(key)
            } else {
                hash.add(2)
            }
        }
        return hash.value
    }

    fileprivate static func merged(_ a: [Int], _ b: [Int]) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) { result.append(a[i]); i += 1 } else { result.append(b[j]); j += 1 }
        }
        return result
    }
}

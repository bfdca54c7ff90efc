/// One template's sites arranged for answering many leaves: by the length of
/// their key path, and the few that write values maps or subtrees whole.
/// A large template (a CRD of thousands of lines) is then not scanned whole
/// for every rendered scalar.
struct TemplateSiteLookup: Sendable {
    /// Sites by key path length, in file order.
    private(set) var byDepth: [Int: [TemplateSite]] = [:]
    /// Sites that insert a subtree or write a values reference, with those
    /// patterns, last in the file first.
    private(set) var writers: [(site: TemplateSite, patterns: [[PatternSegment]])] = []
    /// Every site, in file order.
    let all: [TemplateSite]

    init(_ sites: [TemplateSite]) {
        all = sites
        for site in sites {
            byDepth[site.keyPath.count, default: []].append(site)
            var patterns = site.subtree.map { [$0] } ?? []
            for contribution in site.contributions where contribution.role == .output {
                if case .values(let pattern) = contribution.reference, !patterns.contains(pattern) { patterns.append(pattern) }
            }
            if !patterns.isEmpty { writers.append((site, patterns)) }
        }
        writers.reverse()
    }
}

import ManifestModel

/// One drift check, from resolved paths to a triage. The command line
/// resolves flags, configuration and defaults; this reads and checks.
public struct CheckRun: Sendable {
    public var contractPath: String
    public var allowlistPath: String?
    public var rendered: [String] = []
    /// Rendered streams already in memory (`--render` output).
    public var renderedStreams: [InputSource] = []
    public var stack: [String] = []
    public var live: [String] = []
    public var options = DriftChecker.Options()
    public var today: CalendarDate
    public var limits = ParseLimits.default
    /// The chart behind the rendered inputs: ownership and the values-anchor checks.
    public var chart: ChartContext?

    public init(contractPath: String, allowlistPath: String?, today: CalendarDate) {
        self.contractPath = contractPath
        self.allowlistPath = allowlistPath
        self.today = today
    }

    /// Reads everything and checks it. A contract or allowlist that cannot be
    /// read at all throws; faults in the manifests end up in the triage.
    public func run() throws(LayerContractError) -> Triage {
        let contract = try Contract.load(contractPath)
        let loadedChart = try chart?.load(limits: limits)
        let allowlist = try allowlistPath.map { path throws(LayerContractError) in try Allowlist.load(path, today: today) }
            ?? .empty
        var resources: [CheckedResource] = []
        var notices: [ManifestNotice] = []
        var errors: [YAMLError] = []
        var inputCount = 0
        var renderedPaths = RenderedPathIndex()
        for (paths, origin) in [(rendered, InputOrigin.rendered), (stack, .stack), (live, .live)] {
            var discovery = InputDiscovery.discover(paths)
            if origin == .rendered { discovery.sources += renderedStreams }
            notices.append(contentsOf: discovery.notices)
            errors.append(contentsOf: discovery.errors)
            for source in discovery.sources {
                inputCount += 1
                let keepPaths = loadedChart != nil && origin == .rendered
                let facts = ManifestReader.read(source, limits: limits) { document in
                    if keepPaths { renderedPaths.add(document, origin: origin) }
                }
                resources.append(contentsOf: facts.resources.map { CheckedResource($0, origin: origin) })
                notices.append(contentsOf: facts.notices)
                if let error = facts.error { errors.append(error) }
            }
        }
        // With only a chart and nothing rendered, there is nothing to compare
        // resources with: every contract Service would read as missing.
        let hasManifests = inputCount > 0
        var findings = hasManifests ? DriftChecker(contract: contract, options: options).check(resources) : []
        if let loadedChart {
            findings = AnchorChecker(contract: contract, chart: loadedChart, components: options.components)
                .check(after: findings)
            findings = Ownership(chart: loadedChart).assignOwners(findings, index: renderedPaths)
        }
        return Triage(contract: contract, findings: findings, allowlist: allowlist, notices: notices,
                      inputErrors: errors, resourceCount: resources.count, inputCount: inputCount,
                      reportsStaleExceptions: hasManifests)
    }
}

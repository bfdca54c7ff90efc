import ManifestModel

/// One drift check, from resolved paths to a triage. The command line
/// resolves flags, configuration and defaults; this reads and checks.
public struct CheckRun: Sendable {
    public var contractPath: String
    public var allowlistPath: String?
    public var rendered: [String] = []
    public var stack: [String] = []
    public var live: [String] = []
    public var options = DriftChecker.Options()
    public var today: CalendarDate
    public var limits = ParseLimits.default

    public init(contractPath: String, allowlistPath: String?, today: CalendarDate) {
        self.contractPath = contractPath
        self.allowlistPath = allowlistPath
        self.today = today
    }

    /// Reads everything and checks it. A contract or allowlist that cannot be
    /// read at all throws; faults in the manifests end up in the triage.
    public func run() throws(LayerContractError) -> Triage {
        let contract = try Contract.load(contractPath)
        let allowlist = try allowlistPath.map { path throws(LayerContractError) in try Allowlist.load(path, today: today) }
            ?? .empty
        var resources: [CheckedResource] = []
        var notices: [ManifestNotice] = []
        var errors: [YAMLError] = []
        var inputCount = 0
        for (paths, origin) in [(rendered, InputOrigin.rendered), (stack, .stack), (live, .live)] {
            let discovery = InputDiscovery.discover(paths)
            notices.append(contentsOf: discovery.notices)
            errors.append(contentsOf: discovery.errors)
            for source in discovery.sources {
                inputCount += 1
                let facts = ManifestReader.read(source, limits: limits)
                resources.append(contentsOf: facts.resources.map { CheckedResource($0, origin: origin) })
                notices.append(contentsOf: facts.notices)
                if let error = facts.error { errors.append(error) }
            }
        }
        let findings = DriftChecker(contract: contract, options: options).check(resources)
        return Triage(contract: contract, findings: findings, allowlist: allowlist, notices: notices,
                      inputErrors: errors, resourceCount: resources.count, inputCount: inputCount)
    }
}

import Dispatch
import ManifestModel
import Synchronization

/// The check of a `.render-check.yaml` with `charts:`: one `CheckRun` per
/// entry (its rendered chart, the shared stack and live inputs), all against
/// the same contract and allowlist, run on all cores and put together into
/// one triage in entry order, so the result does not depend on which entry
/// finished first.
public struct ChartSetRun: Sendable {
    public struct Entry: Sendable {
        public var name: String
        public var run: CheckRun

        public init(name: String, run: CheckRun) {
            self.name = name
            self.run = run
        }
    }

    public var contractPath: String
    public var allowlistPath: String?
    public var today: CalendarDate
    public var entries: [Entry]

    public init(contractPath: String, allowlistPath: String?, today: CalendarDate, entries: [Entry]) {
        self.contractPath = contractPath
        self.allowlistPath = allowlistPath
        self.today = today
        self.entries = entries
    }

    /// Every finding carries its entry's name, except those of the shared
    /// stack manifests, which every entry sees alike and which are listed once.
    public func run() throws(LayerContractError) -> Triage {
        let contract = try Contract.load(contractPath)
        let allowlist = try allowlistPath.map { path throws(LayerContractError) in try Allowlist.load(path, today: today) }
            ?? .empty
        let results = Mutex<[Result<Triage, LayerContractError>?]>(Array(repeating: nil, count: entries.count))
        let entries = self.entries
        DispatchQueue.concurrentPerform(iterations: entries.count) { index in
            let result: Result<Triage, LayerContractError>
            do throws(LayerContractError) {
                result = .success(try entries[index].run.run())
            } catch {
                result = .failure(error)
            }
            results.withLock { $0[index] = result }
        }
        var findings: [Finding] = []
        var shared: Set<Finding> = []
        var notices: [ManifestNotice] = []
        var seenNotices: Set<ManifestNotice> = []
        var errors: [YAMLError] = []
        var seenErrors: Set<String> = []
        var resources = 0
        var inputs = 0
        for (entry, result) in zip(entries, results.withLock { $0 }) {
            let triage = try result!.get()
            for finding in triage.active + triage.suppressed.map(\.finding) {
                guard finding.owner.layer != .stack else {
                    if shared.insert(finding).inserted { findings.append(finding) }
                    continue
                }
                var tagged = finding
                tagged.chart = entry.name
                findings.append(tagged)
            }
            for notice in triage.notices where seenNotices.insert(notice).inserted { notices.append(notice) }
            for error in triage.inputErrors where seenErrors.insert(error.description).inserted { errors.append(error) }
            resources += triage.resourceCount
            inputs += triage.inputCount
        }
        return Triage(contract: contract, findings: findings, allowlist: allowlist, notices: notices,
                      inputErrors: errors, resourceCount: resources, inputCount: inputs,
                      reportsStaleExceptions: true)
    }
}

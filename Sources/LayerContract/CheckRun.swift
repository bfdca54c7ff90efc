import ManifestModel
import ValuesAnchors

/// One drift check, from resolved paths to a triage. The command line
/// resolves flags, configuration and defaults; this reads and checks.
///
/// Inputs are read in parallel, one input per core at a time, each streamed
/// document by document through a `ResourceSieve`, so what a run holds grows
/// with the resources the checks need, not with the bytes read. Results are
/// put together in input order, so the outcome does not depend on which
/// input finished first.
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
    /// What an ownership experiment measured for that chart, if one ran or was cached.
    public var measured: MeasuredOwnership?
    /// `chart` already loaded (by an editor session that also needs it): used instead of loading it again.
    public var preloadedChart: LoadedChart?

    public init(contractPath: String, allowlistPath: String?, today: CalendarDate) {
        self.contractPath = contractPath
        self.allowlistPath = allowlistPath
        self.today = today
    }

    /// One input to read, and what reading it gave.
    private struct Input: Sendable {
        var source: InputSource
        var origin: InputOrigin
        /// Ownership needs every rendered node's path (only with a chart).
        var keepPaths: Bool
    }

    private struct InputRead: Sendable {
        var notices: [ManifestNotice]
        var error: YAMLError?
        var digest: ResourceSieve.Digest
        var paths: RenderedPathIndex?
    }

    /// The inputs of one origin, with what discovering them reported.
    private struct Group {
        var notices: [ManifestNotice]
        var errors: [YAMLError]
        var inputs: Range<Int>
    }

    /// Reads everything and checks it. A contract or allowlist that cannot be
    /// read at all throws; faults in the manifests end up in the triage.
    public func run() throws(LayerContractError) -> Triage {
        let contract = try Contract.load(contractPath)
        let allowlist = try allowlistPath.map { path throws(LayerContractError) in try Allowlist.load(path, today: today) }
            ?? .empty
        var inputs: [Input] = []
        var groups: [Group] = []
        for (paths, origin) in [(rendered, InputOrigin.rendered), (stack, .stack), (live, .live)] {
            var discovery = InputDiscovery.discover(paths)
            if origin == .rendered { discovery.sources += renderedStreams }
            let first = inputs.count
            inputs += discovery.sources.map {
                Input(source: $0, origin: origin, keepPaths: (chart != nil || preloadedChart != nil) && origin == .rendered)
            }
            groups.append(Group(notices: discovery.notices, errors: discovery.errors, inputs: first..<inputs.count))
        }

        // The chart (templates and values) loads while the inputs are read:
        // one more job for the cores, not a step before them.
        let jobs: [Job] = (preloadedChart == nil ? chart.map { [.chart($0)] } ?? [] : []) + inputs.map { .input($0) }
        var loadedChart = preloadedChart
        var reads: [InputRead] = []
        reads.reserveCapacity(inputs.count)
        for result in Parallel.map(jobs, { job in run(job, contract: contract) }) {
            switch result {
            case .chart(let loaded): loadedChart = try loaded.get()
            case .input(let read): reads.append(read)
            }
        }

        var notices: [ManifestNotice] = []
        var errors: [YAMLError] = []
        for group in groups {
            notices.append(contentsOf: group.notices)
            errors.append(contentsOf: group.errors)
            for index in group.inputs {
                notices.append(contentsOf: reads[index].notices)
                if let error = reads[index].error { errors.append(error) }
            }
        }
        var renderedPaths = RenderedPathIndex()
        for read in reads {
            if let paths = read.paths { renderedPaths.merge(paths) }
        }
        let resources = resolve(reads, inputs: inputs, contract: contract, errors: &errors, paths: &renderedPaths)
        let resourceCount = reads.reduce(0) { $0 + $1.digest.resourceCount }

        // With only a chart and nothing rendered, there is nothing to compare
        // resources with: every contract Service would read as missing.
        let hasManifests = !inputs.isEmpty
        var findings = hasManifests ? DriftChecker(contract: contract, options: options).check(resources) : []
        if let loadedChart {
            // Chart files left unread (outside the chart, not regular files) are said, never dropped.
            notices += loadedChart.files.skipped.map {
                ManifestNotice(kind: .skipped, message: $0.reason, location: SourceLocation(file: $0.path, line: 1, column: 1))
            }
            if !findings.isEmpty {
                // The anchor checks read every branch, the owners of these findings the
                // branches the values take: two readings of the templates, one per core.
                let ownership = loadedChart.ownership
                _ = Parallel.map([true, false]) { everyBranch in
                    if everyBranch { _ = ownership.index } else { ownership.readBranchesTaken() }
                }
            }
            findings = AnchorChecker(contract: contract, chart: loadedChart, components: options.components)
                .check(after: findings)
            findings = Ownership(chart: loadedChart, measured: measured).assignOwners(findings, index: renderedPaths)
        }
        return Triage(contract: contract, findings: findings, allowlist: allowlist, notices: notices,
                      inputErrors: errors, resourceCount: resourceCount, inputCount: inputs.count,
                      reportsStaleExceptions: hasManifests)
    }

    // MARK: - Reading

    private enum Job: Sendable {
        case chart(ChartContext)
        case input(Input)
    }

    private enum JobResult: Sendable {
        case chart(Result<LoadedChart, LayerContractError>)
        case input(InputRead)
    }

    private func run(_ job: Job, contract: Contract) -> JobResult {
        switch job {
        case .chart(let chart):
            do throws(LayerContractError) {
                return .chart(.success(try chart.load(limits: limits)))
            } catch {
                return .chart(.failure(error))
            }
        case .input(let input):
            return .input(read(input, contract: contract))
        }
    }

    private func read(_ input: Input, contract: Contract) -> InputRead {
        var sieve = ResourceSieve(contract: contract, origin: input.origin,
                                  rereadable: input.source != .standardInput)
        // Findings point only at resources the sieve keeps, so only their
        // documents' paths are kept, once per distinct resource.
        var paths = input.keepPaths ? RenderedPathIndex() : nil
        var lastIndexed = -1
        let origin = input.origin
        let facts = ManifestReader.forEachView(in: input.source, limits: limits,
                                               visit: input.keepPaths ? { paths?.count($0) } : nil) { view in
            if sieve.take(view), paths != nil, view.document.index != lastIndexed {
                lastIndexed = view.document.index
                paths?.add(view.document, origin: origin)
            }
        }
        return InputRead(notices: facts.notices, error: facts.error, digest: sieve.digest, paths: paths)
    }

    /// The resources the checks need, in input order: what the sieves kept,
    /// plus the pending workloads that a found Service's selector or a
    /// `workloadRef` turns out to need, read again from their inputs.
    private func resolve(_ reads: [InputRead], inputs: [Input], contract: Contract,
                         errors: inout [YAMLError], paths: inout RenderedPathIndex) -> [CheckedResource] {
        // The Services the checks will find: the first of each contract name.
        let names = Set(contract.services.map(\.serviceName.value))
        var found: Set<String> = []
        var selectors: [[UInt32]] = []
        var references: Set<UInt32> = []
        for read in reads {
            for (_, checked) in read.digest.kept {
                let resource = checked.resource
                if let service = resource.service, names.contains(resource.nameValue),
                   found.insert(resource.nameValue).inserted, let selector = service.selector {
                    selectors.append(selector.pairs.map { ResourceSieve.pairHash($0.key.value, $0.value.value) })
                }
                if let reference = resource.workload?.workloadReference {
                    references.insert(ResourceSieve.scopedNameHash(resource.namespace?.value, reference.name.value))
                }
            }
        }
        let wanted: [[Int]] = reads.map { read in
            read.digest.pending.compactMap { pending in
                let referenced = pending.scopedNameHash != 0 && references.contains(pending.scopedNameHash)
                let selected = selectors.contains {
                    ResourceSieve.mayMatch(pending, selector: $0, pairHashes: read.digest.pairHashes)
                }
                return referenced || selected ? Int(pending.ordinal) : nil
            }
        }
        let rereads = Parallel.map(Array(inputs.indices.filter { !wanted[$0].isEmpty })) { index in
            (index, reread(inputs[index], reads[index].digest, ordinals: wanted[index]))
        }
        var recovered: [Int: [(ordinal: Int, resource: CheckedResource)]] = [:]
        for (index, result) in rereads {
            recovered[index] = result.resources
            if let error = result.error { errors.append(error) }
            if let found = result.paths { paths.merge(found) }
        }

        var resources: [CheckedResource] = []
        resources.reserveCapacity(reads.reduce(0) { $0 + $1.digest.kept.count })
        for (index, read) in reads.enumerated() {
            guard let extra = recovered[index], !extra.isEmpty else {
                resources.append(contentsOf: read.digest.kept.lazy.map(\.resource))
                continue
            }
            let merged = (read.digest.kept + extra).sorted { $0.ordinal < $1.ordinal }
            resources.append(contentsOf: merged.lazy.map(\.resource))
        }
        return Self.mergingRepeats(resources)
    }

    /// The same document read in several inputs (or kept once and recovered
    /// once) is one resource with repeats, the first in input order.
    private static func mergingRepeats(_ resources: [CheckedResource]) -> [CheckedResource] {
        var merged: [CheckedResource] = []
        merged.reserveCapacity(resources.count)
        var byFingerprint: [DocumentFingerprint: [Int]] = [:]
        for checked in resources {
            guard let fingerprint = checked.fingerprint else {
                merged.append(checked)
                continue
            }
            if let first = byFingerprint[fingerprint]?.first(where: { checked.isRepeat(of: merged[$0]) }) {
                merged[first].repeats.add(checked.repeats, first: checked.place)
            } else {
                byFingerprint[fingerprint, default: []].append(merged.count)
                merged.append(checked)
            }
        }
        return merged
    }

    /// Reads an input again for the workloads at `ordinals`, and checks that
    /// they are still what the first read saw. The copies the sieve let go
    /// with them (same identity, same pod template labels) are read too: an
    /// identical copy is a repeat, a different one a resource of its own.
    private func reread(_ input: Input, _ digest: ResourceSieve.Digest, ordinals: [Int])
        -> (resources: [(ordinal: Int, resource: CheckedResource)], error: YAMLError?, paths: RenderedPathIndex?) {
        let wanted = Set(ordinals)
        var ordinal = 0
        var resources: [(ordinal: Int, resource: CheckedResource)] = []
        var recoveredWanted = 0
        var changed = false
        var pairHashes: [UInt32] = []
        let expected = Dictionary(digest.pending.map { (Int($0.ordinal), $0) }, uniquingKeysWith: { first, _ in first })
        let copiesOf = Dictionary(ordinals.compactMap { expected[$0].map { ($0.identityHash, $0) } },
                                  uniquingKeysWith: { first, _ in first })
        func labels(_ pending: ResourceSieve.Pending) -> ArraySlice<UInt32> {
            digest.pairHashes[Int(pending.firstPair)..<Int(pending.firstPair) + Int(pending.pairCount)]
        }
        var paths = input.keepPaths ? RenderedPathIndex() : nil
        var lastIndexed = -1
        _ = ManifestReader.forEachView(in: input.source, limits: limits,
                                       visit: input.keepPaths ? { paths?.count($0) } : nil) { view in
            defer { ordinal += 1 }
            let isWanted = wanted.contains(ordinal)
            guard isWanted || (view.isWorkload && !copiesOf.isEmpty) else { return }
            let identity = ResourceSieve.identityHash(view)
            guard isWanted || copiesOf[identity] != nil else { return }
            pairHashes.removeAll(keepingCapacity: true)
            let again = view.isWorkload ? ResourceSieve.pending(view, ordinal: ordinal, into: &pairHashes) : nil
            if isWanted {
                guard let again, let before = expected[ordinal], again.scopedNameHash == before.scopedNameHash,
                      identity == before.identityHash, pairHashes[...] == labels(before) else {
                    changed = true
                    return
                }
                recoveredWanted += 1
            } else {
                guard let again, let first = copiesOf[identity], again.scopedNameHash == first.scopedNameHash,
                      pairHashes[...] == labels(first) else { return }
            }
            let fingerprint = view.document.fingerprint()
            let candidate = CheckedResource(view, resource: view.resource(), origin: input.origin, fingerprint: fingerprint)
            if let index = resources.firstIndex(where: { candidate.isRepeat(of: $0.resource) }) {
                resources[index].resource.repeats.add(ResourceRepeats.Place(file: view.document.file, line: view.document.span.start.line))
                return
            }
            resources.append((ordinal, candidate))
            if paths != nil, view.document.index != lastIndexed {
                lastIndexed = view.document.index
                paths?.add(view.document, origin: input.origin)
            }
        }
        guard !changed, recoveredWanted == wanted.count else {
            return ([], YAMLError(stage: .io, problem: "the input changed while it was being read; run the check again",
                                  location: SourceLocation(file: input.source.displayName, line: 1, column: 1)), nil)
        }
        return (resources, nil, paths)
    }
}

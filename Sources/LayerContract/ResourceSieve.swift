import ManifestModel

/// Decides, resource by resource while one input streams past, which
/// resources the drift checks can still need, so that a run keeps those and
/// forgets the rest: memory grows with what the checks need, not with the
/// bytes read.
///
/// `DriftChecker` reads resources only through these doors, and the sieve
/// keeps every resource that can pass through one of them (keep the two in
/// step; `ResourceSieveTests` checks that sieved and unsieved runs agree):
///
/// - the first Service named by the contract (per name), and the first
///   Service whose selector contains a contract selector (the rename hint);
/// - workloads the contract selects (`matchLabels` contains a contract
///   selector), and workloads with a `workloadRef`;
/// - pod templates a found Service's selector matches: kept when they
///   contain a contract selector or the selector of a contract Service
///   already read in this input; the other workloads leave only a few hashed
///   facts behind (`Pending`), and the rare one a Service read later turns
///   out to select is read again at the end (see `CheckRun`);
/// - stack resources whose namespace differs from the contract's (a
///   rendered resource is held to it only as a component's Service or
///   workload, which the doors above keep), and the first
///   resource of each distinct (`helm.sh/chart`, `app.kubernetes.io/version`)
///   pair: the release-metadata family keeps the first finding of a key.
///
/// Everything else is counted and dropped.
struct ResourceSieve {
    /// A workload dropped for now, remembered by its ordinal in the input
    /// and hashes of what could make it needed again.
    struct Pending: Sendable {
        var ordinal: UInt32
        /// Hash of `namespace/name` for Deployments (a `workloadRef` names
        /// them), else 0.
        var scopedNameHash: UInt32
        var firstPair: UInt32
        var pairCount: UInt16
        /// The pod template has labels (a selector can match it).
        var hasLabels: Bool
        /// `identityHash` of the workload: re-reading it finds its copies by it.
        var identityHash = 0
    }

    /// What the sieve kept of one input.
    struct Digest: Sendable {
        var kept: [(ordinal: Int, resource: CheckedResource)] = []
        var pending: [Pending] = []
        /// Hashes of the pending pod templates' label pairs.
        var pairHashes: [UInt32] = []
        /// Every resource read, kept or not.
        var resourceCount = 0
    }

    private let origin: InputOrigin
    /// The contract's Service names (each once) and selectors, as bytes.
    private let serviceNames: [[UInt8]]
    private let contractSelectors: LabelSelectors
    private let expectedNamespace: [UInt8]?
    /// When the input cannot be read a second time (standard input), pending
    /// workloads are kept (trimmed to their pod templates) instead.
    private let rereadable: Bool

    private var namedServicesSeen: [Bool]
    private var selectorsMatched: [Bool]
    /// Selectors of the contract's Services read so far in this input.
    private var ownSelectors = LabelSelectors()
    /// (`helm.sh/chart`, `app.kubernetes.io/version`) pairs seen, by hash.
    private var chartLabelsSeen: [UInt64: [ChartLabels]] = [:]
    private(set) var digest = Digest()
    /// Indexes in `digest.kept` by `identityHash`: a resource read again
    /// is found among these and costs a count, not its facts.
    private var keptByIdentity: [Int: [Int]] = [:]
    /// Pending workloads already remembered, by identity and label hashes.
    private var pendingSeen: Set<Int> = []
    private var lastFingerprint: (document: Int, fingerprint: DocumentFingerprint)?

    private struct ChartLabels {
        var chart: [UInt8]
        var appVersion: [UInt8]?
    }

    init(contract: Contract, origin: InputOrigin, rereadable: Bool) {
        self.origin = origin
        var names: [[UInt8]] = []
        for service in contract.services where !names.contains(Array(service.serviceName.value.utf8)) {
            names.append(Array(service.serviceName.value.utf8))
        }
        serviceNames = names
        contractSelectors = LabelSelectors(contract.services.map { service in
            service.selector.map { ($0.key.value, $0.value.value) }
        })
        expectedNamespace = contract.namespaces[origin.namespaceLayer].map { Array($0.value.utf8) }
        self.rereadable = rereadable
        namedServicesSeen = Array(repeating: false, count: names.count)
        selectorsMatched = Array(repeating: false, count: contract.services.count)
    }

    /// Takes the next resource of the input; true when it is kept as a new
    /// resource (not when it repeats one already kept, nor when it is let go).
    @discardableResult
    mutating func take(_ view: ResourceView) -> Bool {
        let ordinal = digest.resourceCount
        digest.resourceCount += 1
        let identity = Self.identityHash(view)
        if let candidates = keptByIdentity[identity] {
            let fingerprint = fingerprint(of: view.document)
            if let index = candidates.first(where: {
                digest.kept[$0].resource.fingerprint == fingerprint && digest.kept[$0].resource.itemIndex == view.itemIndex
            }) {
                // The same document again: its facts are the first copy's, its place a count.
                digest.kept[index].resource.repeats.add(
                    ResourceRepeats.Place(file: view.document.file, line: view.document.span.start.line))
                return false
            }
        }
        if needs(view) {
            keep(view, view.resource(), ordinal: ordinal, identity: identity)
            return true
        }
        guard view.isWorkload else { return false }
        let first = digest.pairHashes.count
        guard var pending = Self.pending(view, ordinal: ordinal, into: &digest.pairHashes) else { return false }
        if rereadable {
            pending.identityHash = identity
            // A workload let go once with these labels and this name is let
            // go for good: re-reading finds its copies (`CheckRun`).
            var labels = Hasher()
            labels.combine(identity)
            for hash in digest.pairHashes[first...] { labels.combine(hash) }
            if pendingSeen.insert(labels.finalize()).inserted {
                digest.pending.append(pending)
            } else {
                digest.pairHashes.removeLast(Int(pending.pairCount))
            }
            return false
        }
        // Standard input cannot be read again: the workload stays,
        // trimmed to what a selector or a `workloadRef` can still ask.
        digest.pairHashes.removeLast(Int(pending.pairCount))
        keep(view, Self.podTemplateOnly(view.resource()), ordinal: ordinal, identity: identity)
        return true
    }

    private mutating func keep(_ view: ResourceView, _ resource: Resource, ordinal: Int, identity: Int) {
        let checked = CheckedResource(view, resource: resource, origin: origin, fingerprint: fingerprint(of: view.document))
        keptByIdentity[identity, default: []].append(digest.kept.count)
        digest.kept.append((ordinal, checked))
    }

    /// The fingerprint of the document being read, computed once per document.
    private mutating func fingerprint(of document: YAMLDocument) -> DocumentFingerprint {
        if let cached = lastFingerprint, cached.document == document.index { return cached.fingerprint }
        let fingerprint = document.fingerprint()
        lastFingerprint = (document.index, fingerprint)
        return fingerprint
    }

    /// A seeded hash of kind, namespace and name, read from the bytes: the
    /// cheap first question before a document's fingerprint is asked.
    static func identityHash(_ view: ResourceView) -> Int {
        var hasher = Hasher()
        view.withKind { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(0xFF as UInt8)
        if let namespace = view.namespace {
            view.document.withTextBytes(namespace) { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
        hasher.combine(0xFF as UInt8)
        view.withName { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        return hasher.finalize()
    }

    /// A workload the sieve let go, as a later Service selector or Rollout
    /// can see it: its identity and pod template. What else it holds could
    /// only have mattered to the families that kept it in full (`needs`).
    private static func podTemplateOnly(_ resource: Resource) -> Resource {
        var trimmed = resource
        trimmed.apiVersion = nil
        trimmed.labels = nil
        trimmed.annotations = nil
        trimmed.workload?.matchLabels = nil
        trimmed.workload?.matchExpressions = []
        trimmed.workload?.templateAnnotations = nil
        return trimmed
    }

    // MARK: - What the checks read

    private mutating func needs(_ view: ResourceView) -> Bool {
        var keep = false
        if view.isService {
            let named = view.withName { name in serviceNames.firstIndex { $0.elementsEqual(name) } }
            if let named, !namedServicesSeen[named] {
                namedServicesSeen[named] = true
                keep = true
                if let selector = view.serviceSelector { ownSelectors.append(Self.pairs(selector)) }
            }
            view.serviceSelector?.forEachContained(contractSelectors) { index in
                if !selectorsMatched[index] {
                    selectorsMatched[index] = true
                    keep = true
                }
            }
        }
        if view.isWorkload {
            if view.hasWorkloadReference { keep = true }
            view.matchLabels?.forEachContained(contractSelectors) { _ in keep = true }
            if !keep, let labels = view.templateLabels {
                labels.forEachContained(contractSelectors) { _ in keep = true }
                labels.forEachContained(ownSelectors) { _ in keep = true }
            }
        }
        if origin == .stack, let expectedNamespace, view.hasName, let namespace = view.namespace,
           !view.document.textEquals(namespace, expectedNamespace) {
            keep = true
        }
        if origin != .stack, let labels = view.labels, let chart = labels.value(forKey: Self.chartLabel) {
            if firstOfItsRelease(chart: chart, appVersion: labels.value(forKey: Self.appVersionLabel), in: view.document) {
                keep = true
            }
        }
        return keep
    }

    private static let chartLabel = Array("helm.sh/chart".utf8)
    private static let appVersionLabel = Array("app.kubernetes.io/version".utf8)

    /// True the first time this pair of release labels is seen in the input.
    private mutating func firstOfItsRelease(chart: NodeID, appVersion: NodeID?, in document: YAMLDocument) -> Bool {
        var hash = FNV1a64()
        document.withTextBytes(chart) { hash.add($0) }
        if let appVersion {
            hash.add(1)
            document.withTextBytes(appVersion) { hash.add($0) }
        }
        let known = chartLabelsSeen[hash.value] ?? []
        let seen = known.contains { labels in
            document.textEquals(chart, labels.chart)
                && (appVersion == nil ? labels.appVersion == nil
                    : labels.appVersion.map { document.textEquals(appVersion!, $0) } ?? false)
        }
        guard !seen else { return false }
        let labels = ChartLabels(chart: document.withTextBytes(chart) { Array($0) },
                                 appVersion: appVersion.map { node in document.withTextBytes(node) { Array($0) } })
        chartLabelsSeen[hash.value, default: []].append(labels)
        return true
    }

    // MARK: - Pending workloads

    /// The pending record of a workload, or nil when nothing can need it: no
    /// pod template labels for a selector to match and not a Deployment.
    static func pending(_ view: ResourceView, ordinal: Int, into pairHashes: inout [UInt32]) -> Pending? {
        let isDeployment = view.isDeployment
        let labels = view.templateLabels
        guard isDeployment || labels != nil else { return nil }
        let first = pairHashes.count
        if let labels {
            var pairs: [(key: NodeID, value: NodeID)] = []
            labels.forEachPair { pairs.append(($0, $1)) }
            let document = view.document
            // A label map's value for a key is its last one, as selectors read it.
            for (index, pair) in pairs.enumerated()
            where !pairs[(index + 1)...].contains(where: { later in document.withTextBytes(later.key) { document.textEquals(pair.key, $0) } }) {
                var hash = FNV1a32()
                document.withTextBytes(pair.key) { hash.add($0) }
                hash.add(0)
                document.withTextBytes(pair.value) { hash.add($0) }
                pairHashes.append(hash.value)
            }
        }
        var nameHash: UInt32 = 0
        if isDeployment {
            var hash = FNV1a32()
            if let namespace = view.namespace { view.document.withTextBytes(namespace) { hash.add($0) } }
            hash.add(UInt8(ascii: "/"))
            view.withName { hash.add($0) }
            nameHash = hash.value | 1
        }
        return Pending(ordinal: UInt32(truncatingIfNeeded: ordinal), scopedNameHash: nameHash,
                       firstPair: UInt32(truncatingIfNeeded: first),
                       pairCount: UInt16(clamping: pairHashes.count - first),
                       hasLabels: labels != nil)
    }

    /// True when a selector may match the pending pod template: every pair's
    /// hash is among the template's. Hashes can collide, never miss, so a
    /// match is confirmed by reading the workload itself again.
    static func mayMatch(_ pending: Pending, selector: [UInt32], pairHashes: [UInt32]) -> Bool {
        guard pending.hasLabels else { return false }
        let start = Int(pending.firstPair), end = start + Int(pending.pairCount)
        return selector.allSatisfy { hash in pairHashes[start..<end].contains(hash) }
    }

    private static func pairs(_ map: LabelMap) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        map.forEachPair { key, value in result.append((map.document.text(key), map.document.text(value))) }
        return result
    }

    /// The hash `pending` gives a label pair, from a built `Resource`'s strings.
    static func pairHash(_ key: String, _ value: String) -> UInt32 {
        var hash = FNV1a32()
        hash.add(key)
        hash.add(0)
        hash.add(value)
        return hash.value
    }

    /// The hash `pending` gives a Deployment's `namespace/name`.
    static func scopedNameHash(_ namespace: String?, _ name: String) -> UInt32 {
        var hash = FNV1a32()
        hash.add(namespace ?? "")
        hash.add(UInt8(ascii: "/"))
        hash.add(name)
        return hash.value | 1
    }
}

import ManifestModel
import ValuesAnchors

/// Turns what is known of the chart into the owners findings and the blame
/// report show: the measured ownership where the experiment saw the leaf,
/// else the static reading of the templates (spec section 5.1).
public struct Ownership: Sendable {
    public let chart: LoadedChart?
    public let measured: MeasuredOwnership?
    /// At most this many `controlled_by` keys: the spec's "a few".
    static let maxControlledBy = 3

    public init(chart: LoadedChart?, measured: MeasuredOwnership? = nil) {
        self.chart = chart
        self.measured = measured
    }

    /// The owner of the node at `location`, described by `entry`; `describedPath`
    /// is `RenderedSegment.describe(entry.path)` when the caller already has it.
    public func owner(of entry: RenderedPathIndex.Entry, at location: SourceLocation, describedPath: String? = nil) -> Owner {
        guard entry.origin == .rendered, let chart, let source = entry.source else {
            return Owner(layer: entry.origin.ownerLayer, location: location)
        }
        let provenance = chart.ownership.provenance(source: source, path: entry.path, value: entry.value)
        if let measured, let value = entry.value,
           let leaf = measured.leaf(source: source, identity: entry.identity, ordinal: entry.ordinal,
                                    path: describedPath ?? RenderedSegment.describe(entry.path), value: value),
           let owner = owner(measured: leaf, in: measured, chart: chart, reading: provenance) {
            return owner
        }
        if let provenance { return Self.owner(provenance) }
        return Owner(layer: entry.origin.ownerLayer, location: location)
    }

    static func owner(_ provenance: Provenance) -> Owner {
        Owner(layer: provenance.layer == .values ? .values : .chartTemplates,
              anchor: provenance.anchor?.anchor, location: provenance.location, template: provenance.template,
              via: provenance.via, controlledBy: provenance.controlledBy.map(\.anchor), mode: .static)
    }

    /// The measured owner of a leaf; nil where the reading must answer: the
    /// experiment could not pin the leaf down, or the keys the reading names
    /// are ones the experiment could not change (booleans, nulls, refused).
    private func owner(measured leaf: MeasuredOwnership.Leaf, in measured: MeasuredOwnership, chart: LoadedChart,
                       reading provenance: Provenance?) -> Owner? {
        let template = provenance?.template
        let via = provenance?.via
        switch leaf.status {
        case .measured:
            break
        case .volatile:
            // Different in every render: no values key owns it.
            return Owner(layer: .chartTemplates, location: template ?? provenance?.location, template: template,
                         via: via, mode: .measured)
        case .unresolved:
            // The reading answers, less the keys the experiment ruled out.
            guard let provenance, !leaf.drivers.isEmpty else { return nil }
            let possible = Set(leaf.drivers)
            var narrowed = Self.owner(provenance)
            if let anchor = provenance.anchor, !possible.contains(anchor) {
                narrowed.layer = .chartTemplates
                narrowed.anchor = nil
                narrowed.location = template ?? provenance.location
            }
            narrowed.controlledBy = provenance.controlledBy.filter(possible.contains).map(\.anchor)
            return narrowed
        }
        guard !leaf.drivers.isEmpty else {
            if let provenance, Self.claimsUnmeasurable(provenance, values: chart.values.values, unmeasured: measured.unmeasured) {
                return nil
            }
            return Owner(layer: .chartTemplates, location: template ?? provenance?.location, template: template,
                         via: via, mode: .measured)
        }
        if leaf.carried > 0 {
            let anchor = leaf.drivers[0]
            return Owner(layer: .values, anchor: anchor.anchor,
                         location: valuesLocation(anchor, chart: chart, reading: provenance),
                         template: template, via: via,
                         controlledBy: leaf.drivers.dropFirst().prefix(Self.maxControlledBy).map(\.anchor), mode: .measured)
        }
        return Owner(layer: .chartTemplates, location: template ?? provenance?.location, template: template, via: via,
                     controlledBy: leaf.drivers.prefix(Self.maxControlledBy).map(\.anchor), mode: .measured)
    }

    /// True when every key the reading claims is one no experiment changes.
    private static func claimsUnmeasurable(_ provenance: Provenance, values: ValuesNode, unmeasured: [ValuesPath]) -> Bool {
        let claims = (provenance.anchor.map { [$0] } ?? []) + provenance.controlledBy
        guard !claims.isEmpty else { return false }
        return claims.allSatisfy { claim in
            if unmeasured.contains(claim) { return true }
            switch values.node(at: claim)?.content {
            case .scalar(.bool)?, .scalar(.null)?: return true
            case .map(let entries)?: return entries.isEmpty
            case .list(let items)?: return items.isEmpty
            default: return false
            }
        }
    }

    /// Where a values key was set: the file that won the merge, a subchart's
    /// own values.yaml, or the reading's place for it.
    private func valuesLocation(_ path: ValuesPath, chart: LoadedChart, reading provenance: Provenance?) -> SourceLocation? {
        if let location = chart.values.values.keyLocation(at: path) { return location }
        if let provenance, provenance.anchor == path { return provenance.location }
        return chart.values.values.origin
    }

    /// Gives every finding located in rendered output the owner its
    /// provenance names; a missing Service is owned where the chart named
    /// the Service it did render. Release metadata belongs to Chart.yaml
    /// unless a values key supplies it.
    public func assignOwners(_ findings: [Finding], index: RenderedPathIndex) -> [Finding] {
        guard let chart else { return findings }
        return findings.map { finding in
            var finding = finding
            let place = finding.related ?? finding.location
            if let entry = index.entry(at: place), entry.origin == .rendered {
                let owner = owner(of: entry, at: place)
                if owner.layer != .rendered { finding.owner = owner }
            }
            if finding.family == .release, finding.owner.layer != .values,
               let metadata = Self.chartMetadata(for: finding.diffKey, chart: chart.files) {
                finding.owner = Owner(layer: .chartMetadata, location: metadata, template: finding.owner.template,
                                      via: finding.owner.via, mode: finding.owner.mode)
            }
            return finding
        }
    }

    /// The Chart.yaml line behind a `release.<field>` key.
    static func chartMetadata(for diffKey: String, chart: ChartFiles) -> SourceLocation? {
        switch diffKey {
        case "release.chart_name": return chart.name.location
        case "release.chart_version": return chart.version?.location
        case "release.app_version": return chart.appVersion?.location
        default: return nil
        }
    }
}

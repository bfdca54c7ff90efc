import ManifestModel
import ValuesAnchors

/// Turns provenance from the chart into the owners findings and blame report.
public struct Ownership: Sendable {
    public let chart: LoadedChart?

    public init(chart: LoadedChart?) {
        self.chart = chart
    }

    /// The owner of the node at `location`, described by `entry`.
    public func owner(of entry: RenderedPathIndex.Entry, at location: SourceLocation) -> Owner {
        if entry.origin == .rendered, let chart, let source = entry.source,
           let provenance = chart.ownership.provenance(source: source, path: entry.path, value: entry.value) {
            return Self.owner(provenance)
        }
        return Owner(layer: entry.origin.ownerLayer, location: location)
    }

    static func owner(_ provenance: Provenance) -> Owner {
        Owner(layer: provenance.layer == .values ? .values : .chartTemplates,
              anchor: provenance.anchor?.anchor, location: provenance.location, template: provenance.template,
              via: provenance.via, controlledBy: provenance.controlledBy.map(\.anchor))
    }

    /// Gives every finding located in rendered output the owner its
    /// provenance names; a missing Service is owned where the chart named
    /// the Service it did render.
    public func assignOwners(_ findings: [Finding], index: RenderedPathIndex) -> [Finding] {
        guard chart != nil else { return findings }
        return findings.map { finding in
            var finding = finding
            let place = finding.related ?? finding.location
            if let entry = index.entry(at: place), entry.origin == .rendered {
                let owner = owner(of: entry, at: place)
                if owner.layer != .rendered { finding.owner = owner }
            }
            return finding
        }
    }
}

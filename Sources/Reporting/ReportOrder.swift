import LayerContract
import ManifestModel

/// The orders reports list things in. Each is total: ties on the visible
/// order are broken by everything the report shows about the item, so the
/// output never depends on the order findings were produced in.
enum ReportOrder {
    /// The triage's order: diff key, then rendered location.
    static func byKey(_ findings: [Finding]) -> [Finding] {
        sorted(findings) { ($0.diffKey, $0.location) < ($1.diffKey, $1.location) }
    }

    /// The editor's order: rendered location, then diff key.
    static func byLocation(_ findings: [Finding]) -> [Finding] {
        sorted(findings) { ($0.location, $0.diffKey) < ($1.location, $1.diffKey) }
    }

    static func suppressed(_ items: [Triage.Suppressed]) -> [Triage.Suppressed] {
        items.map { (item: $0, signature: JSONReporter.signature(of: $0.finding)) }
            .sorted {
                ($0.item.finding.diffKey, $0.item.finding.location, $0.item.exceptionID, $0.signature)
                    < ($1.item.finding.diffKey, $1.item.finding.location, $1.item.exceptionID, $1.signature)
            }
            .map(\.item)
    }

    static func inputErrors(_ errors: [YAMLError]) -> [YAMLError] {
        errors.sorted { ($0.location, $0.description) < ($1.location, $1.description) }
    }

    private static func sorted(_ findings: [Finding], by less: (Finding, Finding) -> Bool) -> [Finding] {
        var ordered = findings.sorted(by: less)
        // Only findings the visible order cannot tell apart need their signature,
        // which is the finding formatted whole: rare, and dear to make for every one.
        var start = 0
        while start < ordered.count {
            var end = start + 1
            while end < ordered.count, !less(ordered[start], ordered[end]) { end += 1 }
            if end - start > 1 {
                let tied = ordered[start..<end].map { (finding: $0, signature: JSONReporter.signature(of: $0)) }
                    .sorted { $0.signature < $1.signature }
                ordered.replaceSubrange(start..<end, with: tied.map(\.finding))
            }
            start = end
        }
        return ordered
    }
}

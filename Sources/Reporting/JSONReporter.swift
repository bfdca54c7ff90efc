import LayerContract
import ManifestModel

/// `--format json`: the triage document `layer-drift-triage.json`, a superset
/// of the reference live check's (`ops/schema/layer-drift-triage.schema.json`
/// describes it). Keys sorted, two-space indent, trailing newline, and the
/// same bytes for the same triage whatever order the findings came in.
public struct JSONReporter: Reporter {
    public static let schemaVersion: Int64 = 1

    public init() {}

    public func report(_ triage: Triage, context: ReportContext) -> String {
        guard let file = context.configuration, case .object(var members) = Self.document(triage) else {
            return Self.document(triage).formatted()
        }
        members["configuration"] = .string(file)
        return JSONValue.object(members).formatted()
    }

    static func document(_ triage: Triage) -> JSONValue {
        let skipped = triage.notices.filter { $0.kind == .skipped }.map { notice -> JSONValue in
            [
                "file": .string(notice.location.file),
                "line": JSONValue(notice.location.line),
                "column": JSONValue(notice.location.column),
                "message": .string(notice.message),
            ]
        }
        return [
            "schema_version": .int(schemaVersion),
            "contract_version": .string(triage.contractVersion),
            "allowlist_errors": .array(triage.allowlistErrors.map { .string($0.text) }),
            "allowlist_warnings": .array(triage.allowlistWarnings.map { .string($0.text) }),
            "active_differences": .array(ReportOrder.byKey(triage.active).map(difference)),
            "suppressed_differences": .array(ReportOrder.suppressed(triage.suppressed).map(suppressed)),
            "skipped": .array(skipped),
            "summary": [
                "active_errors": JSONValue(triage.activeErrors),
                "active_warnings": JSONValue(triage.activeWarnings),
                "suppressed": JSONValue(triage.suppressed.count),
                "allowlist_errors": JSONValue(triage.allowlistErrors.count),
                "allowlist_warnings": JSONValue(triage.allowlistWarnings.count),
                "resources": JSONValue(triage.resourceCount),
                "inputs": JSONValue(triage.inputCount),
            ],
        ]
    }

    /// An entry of `active_differences`: the reference's five keys first in
    /// meaning, then where it is, who owns it and how to fix it.
    static func difference(_ finding: Finding) -> JSONValue {
        var entry: JSONValue = [
            "diff_key": .string(finding.diffKey),
            "component": JSONValue(finding.component),
            "kind": .string(finding.family.kind),
            "expected": value(finding.expected),
            "actual": value(finding.actual),
            "severity": .string(finding.severity.rawValue),
            "message": .string(finding.message),
            "family": .string(finding.family.id),
            "location": location(finding.location),
            "owner": owner(finding.owner),
            "remedy": .string(finding.remedy),
            "resource": finding.resource.map(resource) ?? .null,
        ]
        // Only when repeats hold the key: a triage without repeats keeps its bytes.
        if case .object(var fields) = entry, !finding.otherLocations.isEmpty || finding.moreLocations > 0 {
            fields["other_locations"] = .array(finding.otherLocations.map(location))
            fields["more_locations"] = JSONValue(finding.moreLocations)
            entry = .object(fields)
        }
        return withChart(finding, entry)
    }

    /// `chart`, the `charts:` entry a finding came from, only when the run checked entries.
    static func withChart(_ finding: Finding, _ value: JSONValue) -> JSONValue {
        guard let chart = finding.chart, case .object(var members) = value else { return value }
        members["chart"] = .string(chart)
        return .object(members)
    }

    static func suppressed(_ item: Triage.Suppressed) -> JSONValue {
        let finding = item.finding
        return withChart(finding, [
            "diff_key": .string(finding.diffKey),
            "exception_id": .string(item.exceptionID),
            "component": JSONValue(finding.component),
            "kind": .string(finding.family.kind),
            "expected": value(finding.expected),
            "actual": value(finding.actual),
            "location": location(finding.location),
        ])
    }

    static func location(_ location: SourceLocation) -> JSONValue {
        [
            "file": .string(location.file),
            "line": JSONValue(location.span.start.line),
            "column": JSONValue(location.span.start.column),
            "end_line": JSONValue(location.span.end.line),
            "end_column": JSONValue(location.span.end.column),
        ]
    }

    static func owner(_ owner: Owner) -> JSONValue {
        .object(JSONObject(members: ownerMembers(owner).map { ($0.key, $0.value) }))
    }

    /// An owner's members in key order, for writers that skip building the object.
    static func ownerMembers(_ owner: Owner) -> [(key: String, value: JSONValue)] {
        [
            ("anchor", JSONValue(owner.anchor)),
            ("column", JSONValue(owner.location?.column)),
            ("controlled_by", .array(owner.controlledBy.map(JSONValue.string))),
            ("file", JSONValue(owner.location?.file)),
            ("layer", .string(owner.layer.rawValue)),
            ("line", JSONValue(owner.location?.line)),
            ("mode", JSONValue(owner.mode?.rawValue)),
            ("template", owner.template.map { ["file": .string($0.file), "line": JSONValue($0.line)] } ?? .null),
            ("via", JSONValue(owner.via)),
        ]
    }

    static func resource(_ resource: ResourceIdentity) -> JSONValue {
        ["kind": .string(resource.kind), "namespace": JSONValue(resource.namespace), "name": .string(resource.name)]
    }

    static func value(_ value: ReportValue) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .string(let text): return .string(text)
        case .array(let items): return .array(items.map(Self.value))
        }
    }

    /// Everything the report shows about a finding, to break ties in sorting.
    static func signature(of finding: Finding) -> String {
        difference(finding).formatted()
    }
}

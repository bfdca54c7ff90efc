import LayerContract
import ManifestModel

/// `--format sarif`: a SARIF 2.1.0 log for code scanning. One rule per
/// diff-key family; each result sits at the owner (the values or template
/// line a reviewer must change), with the rendered location related to it,
/// the Kubernetes object as a logical location, and a fingerprint derived
/// from the diff key and the object, never from line numbers. Suppressed
/// findings are kept, marked with the allowlist exception that suppressed
/// them; allowlist problems, skipped inputs and input errors become the
/// invocation's notifications.
public struct SARIFReporter: Reporter {
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
    public static let fingerprintKey = "diffKey/v1"
    public static let sourceRoot = "%SRCROOT%"

    public init() {}

    public func report(_ triage: Triage, context: ReportContext) -> String {
        Self.log(triage, context: context).formatted()
    }

    static func log(_ triage: Triage, context: ReportContext) -> JSONValue {
        var driver: JSONObject = [
            "name": "render-check",
            "version": .string(context.toolVersion),
            "rules": .array(CheckFamily.all.map(rule)),
        ]
        if let uri = context.informationURI { driver["informationUri"] = .string(uri) }
        let results = ReportOrder.byKey(triage.active).map { result($0, exceptionID: nil, fix: context.fixes[$0.diffKey]) }
            + ReportOrder.suppressed(triage.suppressed).map { result($0.finding, exceptionID: $0.exceptionID) }
        let run: JSONValue = [
            "tool": ["driver": .object(driver)],
            "columnKind": "unicodeCodePoints",
            "results": .array(results),
            "invocations": [invocation(triage, configuration: context.configuration)],
        ]
        return ["$schema": .string(schemaURI), "version": "2.1.0", "runs": [run]]
    }

    // MARK: Rules

    static func rule(_ family: CheckFamily) -> JSONValue {
        let triage = "Fix it at the owner the result points to (a values key, a chart template line or a stack "
            + "manifest), never downstream; if the change was intended, run `render-check contract generate` and "
            + "commit the diff; if it is unavoidable, add a scoped allowlist exception with owner, issue and expiry."
        return [
            "id": .string(family.id),
            "name": .string(ruleName(family.id)),
            "shortDescription": ["text": .string(family.summary)],
            "fullDescription": ["text": .string(family.rationale)],
            "help": [
                "text": .string("Diff key: \(family.pattern). \(family.summary) \(family.rationale) \(triage)"),
                "markdown": .string("**Diff key:** `\(family.pattern)`\n\n\(family.summary)\n\n\(family.rationale)\n\n\(triage)"),
            ],
            "defaultConfiguration": ["level": .string(level(family.severity))],
            "properties": [
                "diffKeyPattern": .string(family.pattern),
                "kind": .string(family.kind),
                "referenceFamily": .bool(family.isReferenceFamily),
                "tags": ["kubernetes", "layer-drift"],
            ],
        ]
    }

    /// `service-port` -> `ServicePort`.
    static func ruleName(_ id: String) -> String {
        id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    static func level(_ severity: CheckFamily.Severity) -> String {
        severity == .error ? "error" : "warning"
    }

    // MARK: Results

    static func result(_ finding: Finding, exceptionID: String?, fix: ValuesFix? = nil) -> JSONValue {
        let primary = GitHubReporter.primaryLocation(of: finding)
        var location: JSONObject = ["physicalLocation": physicalLocation(primary)]
        if let resource = finding.resource {
            location["logicalLocations"] = [[
                "name": .string(resource.name),
                "fullyQualifiedName": .string(resource.qualifiedName),
                "kind": "resource",
            ]]
        }
        var result: JSONObject = [
            "ruleId": .string(finding.family.id),
            "level": .string(level(finding.severity)),
            "message": ["text": .string("\(finding.message) [\(finding.diffKey)] owner: \(finding.owner.summary). \(finding.remedy)")],
            "locations": [.object(location)],
            "partialFingerprints": [fingerprintKey: .string(fingerprint(finding))],
            "properties": [
                "diffKey": .string(finding.diffKey),
                "component": JSONValue(finding.component),
                "ownerLayer": .string(finding.owner.layer.rawValue),
                "expected": JSONReporter.value(finding.expected),
                "actual": JSONReporter.value(finding.actual),
            ],
        ]
        if let chart = finding.chart, case .object(var properties)? = result["properties"] {
            properties["chart"] = .string(chart)
            result["properties"] = .object(properties)
        }
        if let index = CheckFamily.all.firstIndex(of: finding.family) {
            result["ruleIndex"] = JSONValue(index)
        }
        var related: [JSONValue] = []
        if finding.location != primary {
            related.append(relatedLocation(1, finding.location, "rendered here"))
        }
        if let template = finding.owner.template, template != primary, template != finding.location {
            let via = finding.owner.via.map { " through \($0)" } ?? ""
            related.append(relatedLocation(2, template, "written by this template line\(via)"))
        }
        // The same key in identical repeats of the resource, ids after the two above.
        for (offset, other) in finding.otherLocations.enumerated() {
            related.append(relatedLocation(3 + offset, other, "the same key in a repeat of this resource"))
        }
        if finding.moreLocations > 0, case .object(var properties)? = result["properties"] {
            properties["moreLocations"] = JSONValue(finding.moreLocations)
            result["properties"] = .object(properties)
        }
        if !related.isEmpty { result["relatedLocations"] = .array(related) }
        if let fix { result["fixes"] = [self.fix(fix)] }
        if let exceptionID {
            result["suppressions"] = [["kind": "external", "status": "accepted", "justification": .string(exceptionID)]]
        }
        return .object(result)
    }

    /// The one-scalar edit of the owning values file, as `check --fix` makes it.
    static func fix(_ fix: ValuesFix) -> JSONValue {
        [
            "description": ["text": .string("Set \(fix.anchor) to \(fix.expected.text), the contract's value for \(fix.diffKey)")],
            "artifactChanges": [[
                "artifactLocation": artifactLocation(fix.file),
                "replacements": [[
                    "deletedRegion": region(fix.edit.span),
                    "insertedContent": ["text": .string(fix.edit.replacement)],
                ]],
            ]],
        ]
    }

    /// FNV-1a 64 of the diff key and the object's identity: stable while the
    /// drift stays the same, whatever lines move around it.
    static func fingerprint(_ finding: Finding) -> String {
        FNV1a64.hex([finding.diffKey, finding.resource?.qualifiedName ?? ""] + (finding.chart.map { [$0] } ?? []))
    }

    static func relatedLocation(_ id: Int, _ location: SourceLocation, _ message: String) -> JSONValue {
        ["id": JSONValue(id), "physicalLocation": physicalLocation(location), "message": ["text": .string(message)]]
    }

    // MARK: Invocation

    static func invocation(_ triage: Triage, configuration file: String? = nil) -> JSONValue {
        var invocation: JSONObject = ["executionSuccessful": .bool(triage.inputErrors.isEmpty)]
        if let file { invocation["properties"] = ["configuration": .string(file)] }
        let configuration = triage.allowlistErrors.map { notification("allowlist", "error", $0.text, $0.location) }
            + triage.allowlistWarnings.map { notification("allowlist", "warning", $0.text, $0.location) }
        let execution = triage.notices.map { notification($0.kind.rawValue, "note", $0.message, $0.location) }
            + ReportOrder.inputErrors(triage.inputErrors).map {
                notification("input-error", "error", TextReporter.problem(of: $0), $0.location)
            }
        if !configuration.isEmpty { invocation["toolConfigurationNotifications"] = .array(unique(configuration)) }
        if !execution.isEmpty { invocation["toolExecutionNotifications"] = .array(unique(execution)) }
        return .object(invocation)
    }

    static func notification(_ id: String, _ level: String, _ text: String, _ location: SourceLocation) -> JSONValue {
        [
            "descriptor": ["id": .string(id)],
            "level": .string(level),
            "message": ["text": .string(text)],
            "locations": [["physicalLocation": physicalLocation(location)]],
        ]
    }

    /// SARIF wants these arrays free of duplicates; keeps the first of each.
    static func unique(_ values: [JSONValue]) -> [JSONValue] {
        var seen = Set<JSONValue>()
        return values.filter { seen.insert($0).inserted }
    }

    // MARK: Locations

    static func physicalLocation(_ location: SourceLocation) -> JSONValue {
        ["artifactLocation": artifactLocation(location.file), "region": region(location.span)]
    }

    /// The path as given: a relative one stays relative to `%SRCROOT%`, an
    /// absolute one becomes a `file://` URI. Characters a URI reference
    /// cannot hold are percent-encoded.
    static func artifactLocation(_ path: String) -> JSONValue {
        if path.hasPrefix("/") {
            return ["uri": .string("file://" + percentEncoded(path))]
        }
        var relative = Substring(path)
        while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
        return ["uri": .string(percentEncoded(String(relative))), "uriBaseId": .string(sourceRoot)]
    }

    /// 1-based start; the (exclusive) end only when the span ends after it
    /// starts, so a point stays a point.
    static func region(_ span: Span) -> JSONValue {
        let start = Mark(line: max(1, span.start.line), column: max(1, span.start.column))
        var region: JSONObject = ["startLine": JSONValue(start.line), "startColumn": JSONValue(start.column)]
        if span.end > start {
            region["endLine"] = JSONValue(span.end.line)
            region["endColumn"] = JSONValue(max(1, span.end.column))
        }
        return .object(region)
    }

    private static let uriSafe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/!$&'()*+,;=@".utf8)
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func percentEncoded(_ path: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        for byte in path.utf8 {
            if uriSafe.contains(byte) {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

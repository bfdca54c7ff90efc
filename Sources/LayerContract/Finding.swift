import ManifestModel

/// A JSON value for `expected` and `actual`.
public enum ReportValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([ReportValue])

    public init(_ scalar: ScalarValue?) {
        switch scalar {
        case nil, .null?: self = .null
        case .bool(let value)?: self = .bool(value)
        case .int(let value)?: self = .int(value)
        case .float(let value)?: self = .string(String(value))
        case .string(let value)?: self = .string(value)
        }
    }

    public var text: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        case .array(let values): return "[" + values.map(\.text).joined(separator: ", ") + "]"
        }
    }
}

/// Which layer must change to fix a finding.
public enum Layer: String, Sendable, Hashable, CaseIterable {
    case values
    case chartTemplates = "chart-templates"
    /// Chart.yaml: the chart's name, version and appVersion.
    case chartMetadata = "chart-metadata"
    case stack
    case contract
    case rendered
    case live
}

/// How an owner was found (spec section 5.1).
public enum OwnershipMode: String, Sendable, Hashable, CaseIterable {
    /// Helm rendered the chart with changed values and the value changed.
    case measured
    /// The template text was read.
    case `static`
}

/// Who owns the drifted value: the layer, and the file and line to change.
public struct Owner: Sendable, Hashable {
    public var layer: Layer
    /// The values key (`values.service.port`) when the layer is `values`.
    public var anchor: String?
    public var location: SourceLocation?
    /// The template line that wrote the value.
    public var template: SourceLocation?
    /// The helper it came through (`include "atlas.labels"`).
    public var via: String?
    /// Values keys that would change the value although they did not supply it.
    public var controlledBy: [String]
    /// How the owner was found: by experiment with Helm, or by reading the
    /// chart; nil where no chart was involved (stack, contract, live).
    public var mode: OwnershipMode?

    public init(layer: Layer, anchor: String? = nil, location: SourceLocation?, template: SourceLocation? = nil,
                via: String? = nil, controlledBy: [String] = [], mode: OwnershipMode? = nil) {
        self.layer = layer
        self.anchor = anchor
        self.location = location
        self.template = template
        self.via = via
        self.controlledBy = controlledBy
        self.mode = mode
    }

    /// `values.service.port at charts/x/values.yaml:17:9 [measured]`, or the
    /// layer and place; the mode in brackets where a chart was read or measured.
    public var summary: String {
        let name = anchor ?? layer.rawValue
        let how = mode.map { " [\($0.rawValue)]" } ?? ""
        guard let location else { return name + how }
        return "\(name) at \(location)\(how)"
    }
}

/// The Kubernetes object a finding is about, for SARIF logical locations and
/// fingerprints.
public struct ResourceIdentity: Sendable, Hashable, Comparable {
    public var kind: String
    public var namespace: String?
    public var name: String

    public init(kind: String, namespace: String?, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public var qualifiedName: String {
        "\(kind)/\(namespace.map { $0 + "/" } ?? "")\(name)"
    }

    public static func < (lhs: ResourceIdentity, rhs: ResourceIdentity) -> Bool {
        lhs.qualifiedName < rhs.qualifiedName
    }
}

/// One difference between the inputs and the contract. The diff key is its
/// identity: human-readable, stable, free of line numbers.
public struct Finding: Sendable, Hashable {
    public var diffKey: String
    public var family: CheckFamily
    public var component: String?
    public var expected: ReportValue
    public var actual: ReportValue
    public var message: String
    /// Where the drifted key sits in the input (the contract line for `.missing`).
    public var location: SourceLocation
    public var owner: Owner
    public var resource: ResourceIdentity?
    /// A rendered place the finding is about when its location is elsewhere:
    /// for a missing Service, the name of the chart's Service that was rendered.
    public var related: SourceLocation?
    /// The `charts:` entry of `.render-check.yaml` the finding came from,
    /// when a run checks several.
    public var chart: String?
    /// The same key in identical repeats of the resource (concatenated
    /// renders), in input order: at most `locationLimit - 1` places.
    public var otherLocations: [SourceLocation] = []
    /// Repeats holding the key beyond `otherLocations`.
    public var moreLocations = 0

    /// Locations a finding lists, its own included.
    public static let locationLimit = 10

    public init(diffKey: String, family: CheckFamily, component: String?, expected: ReportValue, actual: ReportValue,
                message: String, location: SourceLocation, owner: Owner, resource: ResourceIdentity? = nil) {
        self.diffKey = diffKey
        self.family = family
        self.component = component
        self.expected = expected
        self.actual = actual
        self.message = message
        self.location = location
        self.owner = owner
        self.resource = resource
    }

    public var severity: CheckFamily.Severity { family.severity }

    /// `also at F:L:C, F:L:C and 12 more`, when repeats hold the same key.
    public var elsewhere: String? {
        guard !otherLocations.isEmpty || moreLocations > 0 else { return nil }
        let listed = otherLocations.map(\.description).joined(separator: ", ")
        let more = moreLocations > 0 ? "\(listed.isEmpty ? "" : " and ")\(moreLocations) more" : ""
        return "also at \(listed)\(more)"
    }

    /// One line in the runbook's triage order: fix at the owner; or, if the
    /// change was intended, regenerate the contract; or a scoped exception.
    public var remedy: String {
        let fix: String
        if family == .valuesUnused {
            return "Remove \(owner.anchor ?? "the key") at \(owner.location?.description ?? "its values file") or make a template read it; "
                + "if it must stay, add a scoped allowlist exception (owner, issue, expiry) for `\(diffKey)`."
        }
        switch owner.layer {
        case .values: fix = "set \(owner.anchor ?? "the values key") at \(owner.location?.description ?? "its values file")"
        case .chartTemplates: fix = "change the chart template at \((owner.location ?? owner.template)?.description ?? "its line")"
        case .chartMetadata: fix = "set it in Chart.yaml at \(owner.location?.description ?? "its line")"
        case .stack: fix = "fix the stack manifest at \(owner.location?.description ?? "its line")"
        case .contract: fix = "deploy what the contract declares at \(owner.location?.description ?? "its line") (or fix the contract)"
        case .rendered: fix = "fix the chart that rendered \(location.file)"
        case .live: fix = "fix the layer that deployed it (never patch the live object)"
        }
        return "Fix it at the owner: \(fix); if the change was intended, run `render-check contract generate` and commit the diff; "
            + "if it is unavoidable, add a scoped allowlist exception (owner, issue, expiry) for `\(diffKey)`."
    }
}

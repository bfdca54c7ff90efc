/// A named family of diff keys: registered once, with what it means, how
/// severe it is and how to fix it. Reporters, SARIF rules and
/// `ops/CONTRACT.md` all derive from this registry.
public struct CheckFamily: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case error
        case warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    /// Stable identifier (`service-port`), used as the SARIF rule id.
    public let id: String
    /// The key's grammar, as `ops/CONTRACT.md` writes it.
    public let pattern: String
    /// The triage JSON's `kind`.
    public let kind: String
    public let severity: Severity
    public let summary: String
    public let rationale: String
    /// Whether the reference live check emits this family too.
    public let isReferenceFamily: Bool
}

extension CheckFamily {
    public static let serviceMissing = CheckFamily(
        id: "service-missing", pattern: "service.<component>.missing", kind: "service", severity: .error,
        summary: "No Service is named services.<component>.service_name.",
        rationale: "Clients address the component by this name; without it the layer is unreachable.",
        isReferenceFamily: true)
    public static let servicePort = CheckFamily(
        id: "service-port", pattern: "service.<component>.port.<key>", kind: "port", severity: .error,
        summary: "The Service port named <key> (or, for `service`, the first port) differs from ports.<component>.<key>.",
        rationale: "Every consumer of the contract dials this port.",
        isReferenceFamily: true)
    public static let workloadLabel = CheckFamily(
        id: "workload-label", pattern: "<kind>.<name>.label.<label>", kind: "label", severity: .error,
        summary: "A workload selected by services.<component>.selector lacks a labels.required label in metadata.labels.",
        rationale: "Dashboards, policies and the live check find workloads by these labels.",
        isReferenceFamily: true)
    public static let serviceSelector = CheckFamily(
        id: "service-selector", pattern: "service.<component>.selector.<label>", kind: "selector", severity: .error,
        summary: "The Service's spec.selector lacks or changes a pair of services.<component>.selector.",
        rationale: "A changed selector sends traffic to other pods, or to none.",
        isReferenceFamily: false)
    public static let serviceUnmatched = CheckFamily(
        id: "service-unmatched", pattern: "service.<component>.selector.unmatched", kind: "selector", severity: .error,
        summary: "The Service's selector matches the pod template of no workload (a dangling Service).",
        rationale: "A Service with no endpoints accepts connections and drops them.",
        isReferenceFamily: false)
    public static let serviceTargetPort = CheckFamily(
        id: "service-target-port", pattern: "service.<component>.targetPort.<port>", kind: "targetPort", severity: .error,
        summary: "A named targetPort no container of the selected pods declares, a numeric one none exposes, or a protocol that differs from the container port's.",
        rationale: "The Service forwards to a port nothing listens on.",
        isReferenceFamily: false)
    public static let containerPort = CheckFamily(
        id: "container-port", pattern: "<kind>.<name>.port.container", kind: "container-port", severity: .error,
        summary: "No container of the component's workload exposes ports.<component>.container.",
        rationale: "The contract's container port is what the Service's targetPort and probes rely on.",
        isReferenceFamily: false)
    public static let workloadAnnotation = CheckFamily(
        id: "workload-annotation", pattern: "<kind>.<name>.annotation.<key>", kind: "annotation", severity: .error,
        summary: "A labels.required_annotations key is missing on the workload.",
        rationale: "Required annotations carry ownership and policy metadata.",
        isReferenceFamily: false)
    public static let namespace = CheckFamily(
        id: "namespace", pattern: "<kind>.<name>.namespace", kind: "namespace", severity: .error,
        summary: "A resource's metadata.namespace differs from the contract's namespace for its layer.",
        rationale: "Resources in the wrong namespace are invisible to the layer that expects them.",
        isReferenceFamily: false)
    public static let release = CheckFamily(
        id: "release", pattern: "release.<field>", kind: "release", severity: .error,
        summary: "Chart.yaml or the rendered helm.sh/chart and app.kubernetes.io/version labels differ from release_metadata.defaults (chart_name, chart_version, app_version).",
        rationale: "Release metadata ties what runs to the chart version that was reviewed.",
        isReferenceFamily: false)
    public static let valuesUnused = CheckFamily(
        id: "values-unused", pattern: "values.<path>.unused", kind: "unused", severity: .warning,
        summary: "An anchor key under values.service, values.server or values.rollout that no template reads.",
        rationale: "Changing it changes nothing, so the contract's anchor is not where the value comes from.",
        isReferenceFamily: false)

    /// Every family, in the order the triage lists them.
    public static let all: [CheckFamily] = [
        serviceMissing, servicePort, workloadLabel, serviceSelector, serviceUnmatched, serviceTargetPort,
        containerPort, workloadAnnotation, namespace, release, valuesUnused,
    ]

    public static func named(_ id: String) -> CheckFamily? { all.first { $0.id == id } }
}

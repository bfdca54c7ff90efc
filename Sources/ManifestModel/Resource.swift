/// A key/value pair of a string map (labels, annotations, selectors), each
/// side with its own position.
public struct StringPair: Sendable, Hashable {
    public var key: Located<String>
    public var value: Located<String>

    public init(key: Located<String>, value: Located<String>) {
        self.key = key
        self.value = value
    }
}

/// A string map in document order, with the position of the map itself.
public struct StringMap: Sendable, Hashable {
    public var pairs: [StringPair]
    public var location: SourceLocation

    public init(pairs: [StringPair], location: SourceLocation) {
        self.pairs = pairs
        self.location = location
    }

    /// The value for a key (the last one, as Kubernetes' decoder keeps).
    public subscript(key: String) -> StringPair? {
        pairs.last { $0.key.value == key }
    }

    /// True when every pair of `other` is present here with the same value.
    public func contains(all other: [(String, String)]) -> Bool {
        other.allSatisfy { self[$0.0]?.value.value == $0.1 }
    }
}

/// One Kubernetes object read from a document (or from a `List`'s items).
public struct Resource: Sendable {
    public var apiVersion: Located<String>?
    public var kind: Located<String>
    public var name: Located<String>?
    public var namespace: Located<String>?
    public var labels: StringMap?
    public var annotations: StringMap?
    /// Where the object's mapping starts.
    public var location: SourceLocation
    /// Where `metadata` sits, if present.
    public var metadataLocation: SourceLocation?
    /// The template that rendered it, from the `# Source:` comment.
    public var source: Located<String>?
    public var documentIndex: Int
    /// Position in a `List`'s items, when it came from one.
    public var itemIndex: Int?
    public var service: ServiceSpec?
    public var workload: WorkloadSpec?

    public var kindName: String { kind.value }
    public var nameValue: String { name?.value ?? "" }
}

public struct ServiceSpec: Sendable {
    public var type: Located<String>?
    public var selector: StringMap?
    public var ports: [ServicePort]
    public var specLocation: SourceLocation?
}

public enum TargetPort: Sendable, Hashable, CustomStringConvertible {
    case number(Int64)
    case name(String)

    public var description: String {
        switch self {
        case .number(let value): return String(value)
        case .name(let value): return value
        }
    }
}

public struct ServicePort: Sendable {
    public var name: Located<String>?
    public var port: Located<ScalarValue>?
    public var targetPort: Located<TargetPort>?
    public var `protocol`: Located<String>?
    public var nodePort: Located<ScalarValue>?
    public var location: SourceLocation
}

public struct SelectorRequirement: Sendable, Hashable {
    public var key: Located<String>
    public var `operator`: Located<String>
    public var values: [Located<String>]
}

/// An Argo Rollout's reference to the Deployment whose pod template it uses.
public struct WorkloadReference: Sendable, Hashable {
    public var apiVersion: Located<String>?
    public var kind: Located<String>?
    public var name: Located<String>
}

public struct ContainerPort: Sendable {
    public var name: Located<String>?
    public var containerPort: Located<ScalarValue>?
    public var `protocol`: Located<String>?
    public var location: SourceLocation
}

public struct Container: Sendable {
    public var name: Located<String>?
    public var ports: [ContainerPort]
    public var isInit: Bool
    public var location: SourceLocation
}

/// The parts of a workload the checks need: its selector and its pod template.
public struct WorkloadSpec: Sendable {
    public var matchLabels: StringMap?
    public var matchExpressions: [SelectorRequirement]
    public var selectorLocation: SourceLocation?
    public var templateLabels: StringMap?
    public var templateAnnotations: StringMap?
    public var templateLocation: SourceLocation?
    public var containers: [Container]
    public var workloadReference: WorkloadReference?
}

import ManifestModel

/// Where an input came from, which decides the layer that owns what is in it
/// until ownership analysis says more.
public enum InputOrigin: String, Sendable, Hashable {
    /// `helm template` output (or any rendered manifest given as input).
    case rendered
    /// Plain manifests deployed by stack setup (`--stack`).
    case stack
    /// A snapshot of a live cluster (`--live`, `kubectl get -o json`).
    case live

    /// The contract's `namespaces` key for resources of this origin.
    var namespaceLayer: String {
        self == .stack ? "stack" : "k8s"
    }

    var ownerLayer: Layer {
        switch self {
        case .rendered: return .rendered
        case .stack: return .stack
        case .live: return .live
        }
    }
}

public struct CheckedResource: Sendable {
    public var resource: Resource
    public var origin: InputOrigin

    public init(_ resource: Resource, origin: InputOrigin) {
        self.resource = resource
        self.origin = origin
    }

    var identity: ResourceIdentity {
        ResourceIdentity(kind: resource.kind.value, namespace: resource.namespace?.value, name: resource.nameValue)
    }

    /// `<kind>.<name>` as diff keys start for workloads: the kind lowercased.
    var keyPrefix: String {
        resource.kind.value.lowercased() + "." + resource.nameValue
    }
}

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
    /// Identical copies of this resource read after it (`ResourceSieve`).
    public var repeats = ResourceRepeats()
    /// What its document holds, and the line it starts at: a repeat's
    /// positions are this resource's shifted by whole lines.
    var fingerprint: DocumentFingerprint?
    var documentLine = 0
    /// Position in a `List`'s items, part of what makes two copies the same.
    var itemIndex: Int?

    public init(_ resource: Resource, origin: InputOrigin) {
        self.resource = resource
        self.origin = origin
    }

    init(_ view: ResourceView, resource: Resource, origin: InputOrigin, fingerprint: DocumentFingerprint) {
        self.init(resource, origin: origin)
        self.fingerprint = fingerprint
        documentLine = view.document.span.start.line
        itemIndex = view.itemIndex
    }

    /// True when `other` is this resource read again: same origin, kind,
    /// namespace and name, from a document with the same fingerprint.
    func isRepeat(of other: CheckedResource) -> Bool {
        fingerprint != nil && fingerprint == other.fingerprint && itemIndex == other.itemIndex && origin == other.origin
            && resource.kind.value == other.resource.kind.value && resource.nameValue == other.resource.nameValue
            && resource.namespace?.value == other.resource.namespace?.value
    }

    /// `location`, a place in this resource, as it sits in the listed
    /// repeats, and how many repeats are not listed. A place outside the
    /// resource (a `workloadRef`'s target) has no repeats of its own here.
    func repeatedLocations(of location: SourceLocation) -> (listed: [SourceLocation], more: Int) {
        let object = resource.location
        guard location.file == object.file, location.span.start >= object.span.start,
              location.span.end <= object.span.end else { return ([], 0) }
        let listed = repeats.places.map { place in
            let shift = place.line - documentLine
            return SourceLocation(file: place.file, span: Span(
                start: Mark(line: location.span.start.line + shift, column: location.span.start.column),
                end: Mark(line: location.span.end.line + shift, column: location.span.end.column)))
        }
        return (listed, repeats.count - listed.count)
    }

    /// Where this resource's own document starts, as a repeat's place.
    var place: ResourceRepeats.Place {
        ResourceRepeats.Place(file: resource.location.file, line: documentLine)
    }

    var identity: ResourceIdentity {
        ResourceIdentity(kind: resource.kind.value, namespace: resource.namespace?.value, name: resource.nameValue)
    }

    /// `<kind>.<name>` as diff keys start for workloads: the kind lowercased.
    var keyPrefix: String {
        resource.kind.value.lowercased() + "." + resource.nameValue
    }
}

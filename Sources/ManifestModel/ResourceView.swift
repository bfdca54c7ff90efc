/// One Kubernetes object of a document, found but not yet read: where its
/// facts sit in the tree. Questions about it are answered from the
/// document's bytes without creating a string, so a caller can look at
/// every object of a large stream and build a `Resource` (`resource()`) only
/// for the few it keeps.
///
/// This is the one place that knows where Kubernetes keeps each fact (the
/// pod template of a Deployment, a CronJob or a Pod, a Rollout's
/// `workloadRef`, ...): `ResourceExtractor` reads through it.
public struct ResourceView: Sendable {
    /// What the object's kind makes of it.
    enum Kind: Sendable {
        case service
        case pod
        case cronJob
        case replicationController
        case rollout
        /// Deployment, StatefulSet, DaemonSet, ReplicaSet, Job.
        case workload
        case other
    }

    public let document: YAMLDocument
    /// The object's mapping (aliases resolved).
    public let object: NodeID
    /// Position in a `List`'s items, when it came from one.
    public let itemIndex: Int?
    let kindNode: NodeID
    let kind: Kind
    let metadata: NodeID?
    let spec: NodeID?
    let nameNode: NodeID?
    let namespaceNode: NodeID?
    let labelsNode: NodeID?
    let annotationsNode: NodeID?
    /// The mapping that holds a workload's selector and template: the spec,
    /// or for a CronJob `spec.jobTemplate.spec`. A Pod has none.
    let templateOwner: NodeID?
    let selectorNode: NodeID?
    let templateNode: NodeID?
    let templateMetadataNode: NodeID?

    init(document: YAMLDocument, object: NodeID, kindNode: NodeID, itemIndex: Int?) {
        self.document = document
        self.object = object
        self.itemIndex = itemIndex
        self.kindNode = kindNode
        let kind = Self.kind(of: kindNode, in: document)
        self.kind = kind
        let metadata = document.mappingNode(document.value(in: object, forKey: "metadata"))
        let spec = document.mappingNode(document.value(in: object, forKey: "spec"))
        self.metadata = metadata
        self.spec = spec
        if let metadata {
            nameNode = document.value(in: metadata, forKey: "name")
            namespaceNode = document.value(in: metadata, forKey: "namespace")
            labelsNode = document.value(in: metadata, forKey: "labels")
            annotationsNode = document.value(in: metadata, forKey: "annotations")
        } else {
            (nameNode, namespaceNode, labelsNode, annotationsNode) = (nil, nil, nil, nil)
        }
        let owner: NodeID?
        switch kind {
        case .cronJob:
            owner = document.mappingNode(spec.flatMap { document.value(in: $0, forKey: "jobTemplate") })
                .flatMap { document.mappingNode(document.value(in: $0, forKey: "spec")) }
        case .pod, .service, .other:
            owner = nil
        default:
            owner = spec
        }
        templateOwner = owner
        if let owner {
            selectorNode = document.value(in: owner, forKey: "selector")
            let template = document.mappingNode(document.value(in: owner, forKey: "template"))
            templateNode = template
            templateMetadataNode = document.mappingNode(template.flatMap { document.value(in: $0, forKey: "metadata") })
        } else {
            (selectorNode, templateNode, templateMetadataNode) = (nil, nil, nil)
        }
    }

    private static func kind(of node: NodeID, in document: YAMLDocument) -> Kind {
        if document.textEquals(node, "Service") { return .service }
        if document.textEquals(node, "Deployment") || document.textEquals(node, "StatefulSet")
            || document.textEquals(node, "DaemonSet") || document.textEquals(node, "ReplicaSet")
            || document.textEquals(node, "Job") { return .workload }
        if document.textEquals(node, "Pod") { return .pod }
        if document.textEquals(node, "CronJob") { return .cronJob }
        if document.textEquals(node, "Rollout") { return .rollout }
        if document.textEquals(node, "ReplicationController") { return .replicationController }
        return .other
    }

    // MARK: - What the object is

    public var isService: Bool { kind == .service }

    /// A kind with a pod template: the workload kinds `Resource.workload` is read for.
    public var isWorkload: Bool { kind != .service && kind != .other }

    public var isDeployment: Bool { document.textEquals(kindNode, "Deployment") }

    /// True when the kind is exactly `name`.
    public func isKind(_ name: StaticString) -> Bool { document.textEquals(kindNode, name) }

    /// A `List` or `*List` object, whose `items` are the resources.
    var isList: Bool {
        document.withTextBytes(kindNode) { text in
            let suffix: StaticString = "List"
            guard text.count >= suffix.utf8CodeUnitCount else { return false }
            let tail = UnsafeBufferPointer(rebasing: text[(text.count - suffix.utf8CodeUnitCount)...])
            return tail.elementsEqual(UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount))
        }
    }

    // MARK: - Where the facts sit

    var apiVersionNode: NodeID? { document.value(in: object, forKey: "apiVersion") }

    /// `spec.selector.matchLabels`, or a ReplicationController's `spec.selector` map.
    var matchLabelsNode: NodeID? {
        guard let selector = selectorNode else { return nil }
        if kind == .replicationController { return selector }
        return document.mappingNode(selector).flatMap { document.value(in: $0, forKey: "matchLabels") }
    }

    var matchExpressionsNode: NodeID? {
        guard kind != .replicationController, let selector = document.mappingNode(selectorNode) else { return nil }
        return document.value(in: selector, forKey: "matchExpressions")
    }

    var workloadReferenceNode: NodeID? {
        guard kind == .rollout else { return nil }
        return document.mappingNode(templateOwner.flatMap { document.value(in: $0, forKey: "workloadRef") })
    }

    /// The pod template's labels: a Pod's own, else `template.metadata.labels`.
    var templateLabelsNode: NodeID? {
        kind == .pod ? labelsNode : templateMetadataNode.flatMap { document.value(in: $0, forKey: "labels") }
    }

    var templateAnnotationsNode: NodeID? {
        kind == .pod ? annotationsNode : templateMetadataNode.flatMap { document.value(in: $0, forKey: "annotations") }
    }

    /// Where the pod spec sits: a Pod's `spec`, else `template.spec`.
    var podSpecNode: NodeID? {
        kind == .pod ? spec : document.mappingNode(templateNode.flatMap { document.value(in: $0, forKey: "spec") })
    }

    var serviceSelectorNode: NodeID? {
        guard kind == .service else { return nil }
        return spec.flatMap { document.value(in: $0, forKey: "selector") }
    }

    // MARK: - Facts as bytes

    /// Calls `body` with the name's bytes (empty when the object has none).
    public func withName<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        guard let node = document.stringNode(nameNode) else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try document.withTextBytes(node, body)
    }

    /// Calls `body` with the kind's bytes.
    public func withKind<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try document.withTextBytes(kindNode, body)
    }

    public var hasName: Bool { document.stringNode(nameNode) != nil }

    /// The namespace as a string node, if the object names one.
    public var namespace: NodeID? { document.stringNode(namespaceNode) }

    /// `metadata.labels`, when it is a mapping.
    public var labels: LabelMap? { LabelMap(document, labelsNode) }

    /// A Service's `spec.selector`, when it is a mapping.
    public var serviceSelector: LabelMap? { LabelMap(document, serviceSelectorNode) }

    /// A workload's `matchLabels` (a ReplicationController's selector map).
    public var matchLabels: LabelMap? { isWorkload && kind != .pod ? LabelMap(document, matchLabelsNode) : nil }

    /// A workload's pod template labels.
    public var templateLabels: LabelMap? { isWorkload ? LabelMap(document, templateLabelsNode) : nil }

    /// A Rollout's `workloadRef` with a name: its pod template is another workload's.
    public var hasWorkloadReference: Bool {
        guard let reference = workloadReferenceNode else { return false }
        return document.stringNode(document.value(in: reference, forKey: "name")) != nil
    }

    /// The whole `Resource`, strings and positions included.
    public func resource() -> Resource {
        ResourceExtractor.build(self)
    }
}

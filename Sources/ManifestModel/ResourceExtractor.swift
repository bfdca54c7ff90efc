/// Reads the Kubernetes facts the checks need out of one document's tree.
/// Only these facts outlive the document.
public struct ResourceExtractor {
    static let workloadKinds: Set<String> = [
        "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "Rollout",
        "ReplicationController",
    ]

    let document: YAMLDocument
    private(set) var notices: [ManifestNotice] = []

    public init(document: YAMLDocument) {
        self.document = document
    }

    /// The resources of the document: one, the items of a `List`, or none
    /// (with a notice saying why).
    public static func resources(in document: YAMLDocument) -> (resources: [Resource], notices: [ManifestNotice]) {
        var extractor = ResourceExtractor(document: document)
        let resources = extractor.extract()
        return (resources, extractor.notices)
    }

    mutating func extract() -> [Resource] {
        for duplicate in document.duplicateKeys {
            notices.append(ManifestNotice(kind: .duplicateKey,
                                          message: "duplicate key \"\(duplicate.key)\" (first at \(duplicate.first.line):\(duplicate.first.column)); the later value wins",
                                          location: duplicate.duplicate, related: duplicate.first))
        }
        guard let root = document.root.map(document.resolved) else {
            skip("empty document", at: document.location(forSpan: document.span))
            return []
        }
        switch document.kind(root) {
        case .scalar:
            if document.value(root) == .null {
                // An empty document's null sits at the token that ends it, often
                // the next document's `---`: point at the document itself instead.
                skip("empty document", at: document.location(forSpan: document.span))
            } else {
                skip("document is a scalar, not a Kubernetes object", at: document.location(root))
            }
            return []
        case .sequence:
            skip("document is a sequence, not a Kubernetes object", at: document.location(root))
            return []
        case .mapping, .alias:
            break
        }
        guard let resource = resource(at: root, itemIndex: nil) else { return [] }
        guard resource.kind.value == "List" || resource.kind.value.hasSuffix("List"),
              let items = document.value(in: root, forKey: "items") else {
            return [resource]
        }
        guard document.kind(items) == .sequence else {
            invalid("\(resource.kind.value).items is not a sequence", at: document.location(items))
            return []
        }
        var expanded: [Resource] = []
        for (index, item) in document.items(items).enumerated() {
            let item = document.resolved(item)
            guard document.kind(item) == .mapping else {
                skip("\(resource.kind.value) item \(index) is not a Kubernetes object", at: document.location(item))
                continue
            }
            if let child = self.resource(at: item, itemIndex: index) { expanded.append(child) }
        }
        return expanded
    }

    // MARK: - Objects

    private mutating func resource(at node: NodeID, itemIndex: Int?) -> Resource? {
        guard let kind = string(document.value(in: node, forKey: "kind")) else {
            skip("object has no kind", at: document.location(node))
            return nil
        }
        let metadata = mapping(document.value(in: node, forKey: "metadata"))
        var resource = Resource(
            apiVersion: string(document.value(in: node, forKey: "apiVersion")),
            kind: kind,
            name: metadata.flatMap { string(document.value(in: $0, forKey: "name")) },
            namespace: metadata.flatMap { string(document.value(in: $0, forKey: "namespace")) },
            labels: metadata.flatMap { stringMap(document.value(in: $0, forKey: "labels")) },
            annotations: metadata.flatMap { stringMap(document.value(in: $0, forKey: "annotations")) },
            location: document.location(node),
            metadataLocation: metadata.map { document.location($0) },
            source: document.source,
            documentIndex: document.index,
            itemIndex: itemIndex)
        let spec = mapping(document.value(in: node, forKey: "spec"))
        if kind.value == "Service" {
            resource.service = service(spec)
        } else if Self.workloadKinds.contains(kind.value) {
            resource.workload = workload(kind: kind.value, object: node, metadata: metadata, spec: spec)
        }
        return resource
    }

    private mutating func service(_ spec: NodeID?) -> ServiceSpec {
        guard let spec else { return ServiceSpec(type: nil, selector: nil, ports: [], specLocation: nil) }
        var ports: [ServicePort] = []
        if let list = sequence(document.value(in: spec, forKey: "ports")) {
            for item in document.items(list) {
                let item = document.resolved(item)
                guard document.kind(item) == .mapping else {
                    invalid("a Service port is not a mapping", at: document.location(item))
                    continue
                }
                ports.append(ServicePort(
                    name: string(document.value(in: item, forKey: "name")),
                    port: scalar(document.value(in: item, forKey: "port")),
                    targetPort: targetPort(document.value(in: item, forKey: "targetPort")),
                    protocol: string(document.value(in: item, forKey: "protocol")),
                    nodePort: scalar(document.value(in: item, forKey: "nodePort")),
                    location: document.location(item)))
            }
        }
        return ServiceSpec(type: string(document.value(in: spec, forKey: "type")),
                           selector: stringMap(document.value(in: spec, forKey: "selector")),
                           ports: ports, specLocation: document.location(spec))
    }

    private mutating func workload(kind: String, object: NodeID, metadata: NodeID?, spec: NodeID?) -> WorkloadSpec {
        var result = WorkloadSpec(matchLabels: nil, matchExpressions: [], selectorLocation: nil,
                                  templateLabels: nil, templateAnnotations: nil, templateLocation: nil,
                                  containers: [], workloadReference: nil)
        if kind == "Pod" {
            result.templateLabels = metadata.flatMap { stringMap(document.value(in: $0, forKey: "labels")) }
            result.templateAnnotations = metadata.flatMap { stringMap(document.value(in: $0, forKey: "annotations")) }
            result.templateLocation = document.location(object)
            result.containers = containers(spec)
            return result
        }
        var owner = spec
        if kind == "CronJob" {
            owner = mapping(spec.flatMap { document.value(in: $0, forKey: "jobTemplate") })
                .flatMap { mapping(document.value(in: $0, forKey: "spec")) }
        }
        guard let owner else { return result }
        if let selector = document.value(in: owner, forKey: "selector") {
            result.selectorLocation = document.location(selector)
            if kind == "ReplicationController" {
                result.matchLabels = stringMap(selector)
            } else if let selector = mapping(selector) {
                result.matchLabels = stringMap(document.value(in: selector, forKey: "matchLabels"))
                result.matchExpressions = requirements(document.value(in: selector, forKey: "matchExpressions"))
            }
        }
        if kind == "Rollout", let reference = mapping(document.value(in: owner, forKey: "workloadRef")),
           let name = string(document.value(in: reference, forKey: "name")) {
            result.workloadReference = WorkloadReference(
                apiVersion: string(document.value(in: reference, forKey: "apiVersion")),
                kind: string(document.value(in: reference, forKey: "kind")),
                name: name)
        }
        if let template = mapping(document.value(in: owner, forKey: "template")) {
            result.templateLocation = document.location(template)
            if let templateMetadata = mapping(document.value(in: template, forKey: "metadata")) {
                result.templateLabels = stringMap(document.value(in: templateMetadata, forKey: "labels"))
                result.templateAnnotations = stringMap(document.value(in: templateMetadata, forKey: "annotations"))
            }
            result.containers = containers(mapping(document.value(in: template, forKey: "spec")))
        }
        return result
    }

    private mutating func containers(_ podSpec: NodeID?) -> [Container] {
        guard let podSpec else { return [] }
        var result: [Container] = []
        let lists = [(document.value(in: podSpec, forKey: "containers"), false),
                     (document.value(in: podSpec, forKey: "initContainers"), true)]
        for (list, isInit) in lists {
            guard let list = sequence(list) else { continue }
            for item in document.items(list) {
                let item = document.resolved(item)
                guard document.kind(item) == .mapping else {
                    invalid("a container is not a mapping", at: document.location(item))
                    continue
                }
                var ports: [ContainerPort] = []
                if let portList = sequence(document.value(in: item, forKey: "ports")) {
                    for port in document.items(portList) {
                        let port = document.resolved(port)
                        guard document.kind(port) == .mapping else {
                            invalid("a container port is not a mapping", at: document.location(port))
                            continue
                        }
                        ports.append(ContainerPort(
                            name: string(document.value(in: port, forKey: "name")),
                            containerPort: scalar(document.value(in: port, forKey: "containerPort")),
                            protocol: string(document.value(in: port, forKey: "protocol")),
                            location: document.location(port)))
                    }
                }
                result.append(Container(name: string(document.value(in: item, forKey: "name")),
                                        ports: ports, isInit: isInit, location: document.location(item)))
            }
        }
        return result
    }

    private mutating func requirements(_ node: NodeID?) -> [SelectorRequirement] {
        guard let list = sequence(node) else { return [] }
        var result: [SelectorRequirement] = []
        for item in document.items(list) {
            let item = document.resolved(item)
            guard document.kind(item) == .mapping,
                  let key = string(document.value(in: item, forKey: "key")),
                  let op = string(document.value(in: item, forKey: "operator")) else {
                invalid("a matchExpressions entry lacks key or operator", at: document.location(item))
                continue
            }
            var values: [Located<String>] = []
            if let list = sequence(document.value(in: item, forKey: "values")) {
                values = document.items(list).compactMap { string($0) }
            }
            result.append(SelectorRequirement(key: key, operator: op, values: values))
        }
        return result
    }

    // MARK: - Typed reads

    private func mapping(_ node: NodeID?) -> NodeID? {
        guard let node else { return nil }
        let target = document.resolved(node)
        return document.kind(target) == .mapping ? target : nil
    }

    private mutating func sequence(_ node: NodeID?) -> NodeID? {
        guard let node else { return nil }
        let target = document.resolved(node)
        switch document.kind(target) {
        case .sequence: return target
        case .scalar where document.value(target) == .null: return nil
        default:
            invalid("expected a sequence", at: document.location(node))
            return nil
        }
    }

    /// A scalar's text with its position; null and collections give nil.
    private func string(_ node: NodeID?) -> Located<String>? {
        guard let node else { return nil }
        let target = document.resolved(node)
        guard document.kind(target) == .scalar else { return nil }
        if document.scalarStyle(target) == .plain, document.tag(target) == nil, document.value(target) == .null {
            return nil
        }
        return Located(document.text(target), at: document.location(node))
    }

    private func scalar(_ node: NodeID?) -> Located<ScalarValue>? {
        guard let node else { return nil }
        let target = document.resolved(node)
        guard document.kind(target) == .scalar else { return nil }
        return Located(document.value(target), at: document.location(node))
    }

    private func targetPort(_ node: NodeID?) -> Located<TargetPort>? {
        guard let value = scalar(node) else { return nil }
        switch value.value {
        case .int(let number): return Located(.number(number), at: value.location)
        case .null: return nil
        default: return Located(.name(document.text(document.resolved(node!))), at: value.location)
        }
    }

    private mutating func stringMap(_ node: NodeID?) -> StringMap? {
        guard let node else { return nil }
        let target = document.resolved(node)
        switch document.kind(target) {
        case .mapping: break
        case .scalar where document.value(target) == .null: return nil
        default:
            invalid("expected a map of strings", at: document.location(node))
            return nil
        }
        var pairs: [StringPair] = []
        for (key, value) in zip(document.keys(target), document.values(target)) {
            guard let keyText = string(key) else { continue }
            let valueNode = document.resolved(value)
            guard document.kind(valueNode) == .scalar else {
                invalid("value of \"\(keyText.value)\" is not a string", at: document.location(value))
                continue
            }
            pairs.append(StringPair(key: keyText, value: Located(document.text(valueNode), at: document.location(value))))
        }
        return StringMap(pairs: pairs, location: document.location(node))
    }

    private mutating func skip(_ message: String, at location: SourceLocation) {
        notices.append(ManifestNotice(kind: .skipped, message: message, location: location))
    }

    private mutating func invalid(_ message: String, at location: SourceLocation) {
        notices.append(ManifestNotice(kind: .invalid, message: message, location: location))
    }
}

extension YAMLDocument {
    func location(forSpan span: Span) -> SourceLocation {
        SourceLocation(file: file, span: span)
    }
}

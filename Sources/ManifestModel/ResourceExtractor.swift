/// Reads the Kubernetes facts the checks need out of one document's tree.
/// Only these facts outlive the document.
///
/// Two steps: `views(in:)` walks the document once, finds its objects and
/// reports every shape Kubernetes would reject (as notices), creating no
/// string on the way; `ResourceView.resource()` then builds the full
/// `Resource` of an object, for the objects a caller keeps.
public struct ResourceExtractor {
    let document: YAMLDocument
    private(set) var notices: [ManifestNotice] = []

    public init(document: YAMLDocument) {
        self.document = document
    }

    /// The resources of the document: one, the items of a `List`, or none
    /// (with a notice saying why).
    public static func resources(in document: YAMLDocument) -> (resources: [Resource], notices: [ManifestNotice]) {
        let found = views(in: document)
        return (found.views.map { $0.resource() }, found.notices)
    }

    /// The objects of the document, unread, and the notices about its shape.
    public static func views(in document: YAMLDocument) -> (views: [ResourceView], notices: [ManifestNotice]) {
        var extractor = ResourceExtractor(document: document)
        let views = extractor.extract()
        return (views, extractor.notices)
    }

    mutating func extract() -> [ResourceView] {
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
            if document.isNull(root) {
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
        guard let view = object(at: root, itemIndex: nil) else { return [] }
        guard view.isList, let items = document.value(in: root, forKey: "items") else {
            return [view]
        }
        let kind = document.text(view.kindNode)
        guard document.kind(items) == .sequence else {
            invalid("\(kind).items is not a sequence", at: document.location(items))
            return []
        }
        var expanded: [ResourceView] = []
        for (index, item) in document.items(items).enumerated() {
            let item = document.resolved(item)
            guard document.kind(item) == .mapping else {
                skip("\(kind) item \(index) is not a Kubernetes object", at: document.location(item))
                continue
            }
            if let child = object(at: item, itemIndex: index) { expanded.append(child) }
        }
        return expanded
    }

    // MARK: - Shapes (notices only)

    private mutating func object(at node: NodeID, itemIndex: Int?) -> ResourceView? {
        guard let kindNode = document.stringNode(document.value(in: node, forKey: "kind")) else {
            skip("object has no kind", at: document.location(node))
            return nil
        }
        let view = ResourceView(document: document, object: node, kindNode: kindNode, itemIndex: itemIndex)
        checkStringMap(view.labelsNode)
        checkStringMap(view.annotationsNode)
        if view.isService {
            checkService(view)
        } else if view.isWorkload {
            checkWorkload(view)
        }
        return view
    }

    private mutating func checkService(_ view: ResourceView) {
        guard let spec = view.spec else { return }
        if let list = checkSequence(document.value(in: spec, forKey: "ports")) {
            for item in document.items(list) {
                let item = document.resolved(item)
                if document.kind(item) != .mapping {
                    invalid("a Service port is not a mapping", at: document.location(item))
                }
            }
        }
        checkStringMap(view.serviceSelectorNode)
    }

    private mutating func checkWorkload(_ view: ResourceView) {
        if view.kind == .pod {
            // A Pod's labels and annotations are its template's too, and read twice.
            checkStringMap(view.labelsNode)
            checkStringMap(view.annotationsNode)
            checkContainers(view.podSpecNode)
            return
        }
        guard view.templateOwner != nil else { return }
        if let selector = view.selectorNode {
            if view.kind == .replicationController {
                checkStringMap(selector)
            } else if document.mappingNode(selector) != nil {
                checkStringMap(view.matchLabelsNode)
                checkRequirements(view.matchExpressionsNode)
            }
        }
        if view.templateNode != nil {
            if view.templateMetadataNode != nil {
                checkStringMap(view.templateLabelsNode)
                checkStringMap(view.templateAnnotationsNode)
            }
            checkContainers(view.podSpecNode)
        }
    }

    private mutating func checkContainers(_ podSpec: NodeID?) {
        guard let podSpec else { return }
        let lists = [document.value(in: podSpec, forKey: "containers"), document.value(in: podSpec, forKey: "initContainers")]
        for list in lists {
            guard let list = checkSequence(list) else { continue }
            for item in document.items(list) {
                let item = document.resolved(item)
                guard document.kind(item) == .mapping else {
                    invalid("a container is not a mapping", at: document.location(item))
                    continue
                }
                if let ports = checkSequence(document.value(in: item, forKey: "ports")) {
                    for port in document.items(ports) {
                        let port = document.resolved(port)
                        if document.kind(port) != .mapping {
                            invalid("a container port is not a mapping", at: document.location(port))
                        }
                    }
                }
            }
        }
    }

    private mutating func checkRequirements(_ node: NodeID?) {
        guard let list = checkSequence(node) else { return }
        for item in document.items(list) {
            let item = document.resolved(item)
            guard document.kind(item) == .mapping,
                  document.stringNode(document.value(in: item, forKey: "key")) != nil,
                  document.stringNode(document.value(in: item, forKey: "operator")) != nil else {
                invalid("a matchExpressions entry lacks key or operator", at: document.location(item))
                continue
            }
            _ = checkSequence(document.value(in: item, forKey: "values"))
        }
    }

    /// A sequence, nothing for null, else an "expected a sequence" notice.
    private mutating func checkSequence(_ node: NodeID?) -> NodeID? {
        guard let node else { return nil }
        let target = document.resolved(node)
        switch document.kind(target) {
        case .sequence: return target
        case .scalar where document.isNull(target): return nil
        default:
            invalid("expected a sequence", at: document.location(node))
            return nil
        }
    }

    private mutating func checkStringMap(_ node: NodeID?) {
        guard let node else { return }
        let target = document.resolved(node)
        switch document.kind(target) {
        case .mapping: break
        case .scalar where document.isNull(target): return
        default:
            invalid("expected a map of strings", at: document.location(node))
            return
        }
        let keys = document.keys(target), values = document.values(target)
        for index in keys.indices {
            guard let key = document.stringNode(keys[index]) else { continue }
            let value = values[index]
            guard document.kind(document.resolved(value)) == .scalar else {
                invalid("value of \"\(document.text(key))\" is not a string", at: document.location(value))
                continue
            }
        }
    }

    private mutating func skip(_ message: String, at location: SourceLocation) {
        notices.append(ManifestNotice(kind: .skipped, message: message, location: location))
    }

    private mutating func invalid(_ message: String, at location: SourceLocation) {
        notices.append(ManifestNotice(kind: .invalid, message: message, location: location))
    }

    // MARK: - Building a Resource (the shapes were reported by the walk)

    static func build(_ view: ResourceView) -> Resource {
        let reader = FactReader(document: view.document)
        let document = view.document
        let kind = Located(document.text(view.kindNode), at: document.location(view.kindNode))
        let metadata = view.metadata
        var resource = Resource(
            apiVersion: reader.string(view.apiVersionNode),
            kind: kind,
            name: reader.string(view.nameNode),
            namespace: reader.string(view.namespaceNode),
            labels: reader.stringMap(view.labelsNode),
            annotations: reader.stringMap(view.annotationsNode),
            location: document.location(view.object),
            metadataLocation: metadata.map { document.location($0) },
            source: document.source,
            documentIndex: document.index,
            itemIndex: view.itemIndex)
        if view.isService {
            resource.service = reader.service(view)
        } else if view.isWorkload {
            resource.workload = reader.workload(view)
        }
        return resource
    }
}

/// Builds the values of a `Resource` from nodes whose shapes were already
/// reported: what Kubernetes would reject is skipped without a word.
private struct FactReader {
    let document: YAMLDocument

    func service(_ view: ResourceView) -> ServiceSpec {
        guard let spec = view.spec else { return ServiceSpec(type: nil, selector: nil, ports: [], specLocation: nil) }
        var ports: [ServicePort] = []
        if let list = sequence(document.value(in: spec, forKey: "ports")) {
            ports.reserveCapacity(document.items(list).count)
            for item in document.items(list) {
                let item = document.resolved(item)
                guard document.kind(item) == .mapping else { continue }
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
                           selector: stringMap(view.serviceSelectorNode),
                           ports: ports, specLocation: document.location(spec))
    }

    func workload(_ view: ResourceView) -> WorkloadSpec {
        var result = WorkloadSpec(matchLabels: nil, matchExpressions: [], selectorLocation: nil,
                                  templateLabels: nil, templateAnnotations: nil, templateLocation: nil,
                                  containers: [], workloadReference: nil)
        if view.kind == .pod {
            result.templateLabels = stringMap(view.labelsNode)
            result.templateAnnotations = stringMap(view.annotationsNode)
            result.templateLocation = document.location(view.object)
            result.containers = containers(view.podSpecNode)
            return result
        }
        guard view.templateOwner != nil else { return result }
        if let selector = view.selectorNode {
            result.selectorLocation = document.location(selector)
            if view.kind == .replicationController {
                result.matchLabels = stringMap(selector)
            } else if document.mappingNode(selector) != nil {
                result.matchLabels = stringMap(view.matchLabelsNode)
                result.matchExpressions = requirements(view.matchExpressionsNode)
            }
        }
        if let reference = view.workloadReferenceNode,
           let name = string(document.value(in: reference, forKey: "name")) {
            result.workloadReference = WorkloadReference(
                apiVersion: string(document.value(in: reference, forKey: "apiVersion")),
                kind: string(document.value(in: reference, forKey: "kind")),
                name: name)
        }
        if let template = view.templateNode {
            result.templateLocation = document.location(template)
            if view.templateMetadataNode != nil {
                result.templateLabels = stringMap(view.templateLabelsNode)
                result.templateAnnotations = stringMap(view.templateAnnotationsNode)
            }
            result.containers = containers(view.podSpecNode)
        }
        return result
    }

    private func containers(_ podSpec: NodeID?) -> [Container] {
        guard let podSpec else { return [] }
        var result: [Container] = []
        let lists = [(document.value(in: podSpec, forKey: "containers"), false),
                     (document.value(in: podSpec, forKey: "initContainers"), true)]
        for (list, isInit) in lists {
            guard let list = sequence(list) else { continue }
            for item in document.items(list) {
                let item = document.resolved(item)
                guard document.kind(item) == .mapping else { continue }
                var ports: [ContainerPort] = []
                if let portList = sequence(document.value(in: item, forKey: "ports")) {
                    for port in document.items(portList) {
                        let port = document.resolved(port)
                        guard document.kind(port) == .mapping else { continue }
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

    private func requirements(_ node: NodeID?) -> [SelectorRequirement] {
        guard let list = sequence(node) else { return [] }
        var result: [SelectorRequirement] = []
        for item in document.items(list) {
            let item = document.resolved(item)
            guard document.kind(item) == .mapping,
                  let key = string(document.value(in: item, forKey: "key")),
                  let op = string(document.value(in: item, forKey: "operator")) else { continue }
            var values: [Located<String>] = []
            if let list = sequence(document.value(in: item, forKey: "values")) {
                values = document.items(list).compactMap { string($0) }
            }
            result.append(SelectorRequirement(key: key, operator: op, values: values))
        }
        return result
    }

    // MARK: - Typed reads

    private func sequence(_ node: NodeID?) -> NodeID? {
        guard let node else { return nil }
        let target = document.resolved(node)
        return document.kind(target) == .sequence ? target : nil
    }

    /// A scalar's text with its position; null and collections give nil.
    func string(_ node: NodeID?) -> Located<String>? {
        guard let node, let target = document.stringNode(node) else { return nil }
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

    func stringMap(_ node: NodeID?) -> StringMap? {
        guard let node else { return nil }
        let target = document.resolved(node)
        guard document.kind(target) == .mapping else { return nil }
        var pairs: [StringPair] = []
        pairs.reserveCapacity(document.pairCount(target))
        let keys = document.keys(target), values = document.values(target)
        for index in keys.indices {
            guard let keyText = string(keys[index]) else { continue }
            let value = values[index]
            let valueNode = document.resolved(value)
            guard document.kind(valueNode) == .scalar else { continue }
            pairs.append(StringPair(key: keyText, value: Located(document.text(valueNode), at: document.location(value))))
        }
        return StringMap(pairs: pairs, location: document.location(node))
    }
}

extension YAMLDocument {
    func location(forSpan span: Span) -> SourceLocation {
        SourceLocation(file: file, span: span)
    }
}

import ManifestModel

/// The layer contract (`ops/inventory/layers.json`): the shape the cluster
/// must keep. Only what the checks read is modelled; unknown fields are
/// ignored, as the contract's own compatibility policy asks.
public struct Contract: Sendable {
    public struct Service: Sendable {
        public var component: Located<String>
        public var serviceName: Located<String>
        public var selector: [StringPair]
    }

    public struct Port: Sendable {
        public var key: Located<String>
        public var value: Located<Int64>
    }

    public var file: String
    public var contractVersion: Located<String>
    /// Sorted by component.
    public var services: [Service]
    /// Ports per component, each list sorted by key.
    public var ports: [String: [Port]]
    public var requiredLabels: [Located<String>]
    public var requiredAnnotations: [Located<String>]
    /// Namespace per layer (`stack`, `k8s`, `e2e`, ...).
    public var namespaces: [String: Located<String>]
    /// `release_metadata.defaults`.
    public var releaseDefaults: [String: Located<String>]
    public var location: SourceLocation

    public func service(_ component: String) -> Service? {
        services.first { $0.component.value == component }
    }

    public func port(_ component: String, _ key: String) -> Port? {
        ports[component]?.first { $0.key.value == key }
    }

    public static func load(_ path: String) throws(LayerContractError) -> Contract {
        try read(JSONCursor.open(path), file: path)
    }

    static func read(_ root: JSONCursor, file: String) throws(LayerContractError) -> Contract {
        _ = try root.requireMapping()
        let version = try root.require("contract_version").requireString()

        var services: [Service] = []
        for (component, entry) in try root.require("services").requireMapping().entries() {
            let name = try entry.require("service_name").requireString()
            guard !name.value.isEmpty else { throw LayerContractError("`\(entry.path).service_name` is empty", at: name.location) }
            var selector: [StringPair] = []
            for (key, value) in try entry.require("selector").requireMapping().entries() {
                selector.append(StringPair(key: key, value: try value.requireString()))
            }
            guard !selector.isEmpty else {
                throw LayerContractError("`\(entry.path).selector` needs at least one label", at: entry.location)
            }
            services.append(Service(component: component, serviceName: name, selector: selector))
        }
        services.sort { $0.component.value < $1.component.value }

        var ports: [String: [Port]] = [:]
        for (component, entry) in try root.require("ports").requireMapping().entries() {
            var list: [Port] = []
            for (key, value) in try entry.requireMapping().entries() {
                list.append(Port(key: key, value: try value.requireInteger()))
            }
            ports[component.value] = list.sorted { $0.key.value < $1.key.value }
        }

        let labels = try root.require("labels").requireMapping()
        let required = try labels.require("required").requireStrings()
        let annotations = try labels.child("required_annotations")?.requireStrings() ?? []

        var namespaces: [String: Located<String>] = [:]
        for (layer, value) in try root.require("namespaces").requireMapping().entries() {
            namespaces[layer.value] = try value.requireString()
        }

        var defaults: [String: Located<String>] = [:]
        let release = try root.require("release_metadata").requireMapping()
        for (field, value) in try release.require("defaults").requireMapping().entries() {
            defaults[field.value] = try value.requireString()
        }

        return Contract(file: file, contractVersion: version, services: services, ports: ports,
                        requiredLabels: required, requiredAnnotations: annotations,
                        namespaces: namespaces, releaseDefaults: defaults, location: root.location)
    }
}

import ManifestModel
import ValuesAnchors

/// Step 1 of the runbook: when a chart change is intended, derive the layer
/// contract again from what the chart renders and what the stack deploys.
///
/// Derived: `services` (each component's `service_name` and `selector`, from
/// its Service), `ports` (one port: `service` plus the `container` port its
/// targetPort reaches; several: one entry per port name), `labels.required`
/// (only when labels are given), and `release_metadata.defaults` (Chart.yaml
/// and the release). Everything else is kept verbatim from the existing
/// contract. Pure: it reads the files it is given and prints nothing.
public struct ContractGenerator: Sendable {
    /// The contract as it stands: the sections to keep, and where each member
    /// sits for messages.
    public struct Existing: Sendable {
        public var file: String
        public var tree: JSONTree
        public var locations: JSONTree.Locations
        /// The file exactly as read, to tell a reformat from no change.
        public var bytes: [UInt8]

        /// Reads the contract with the project's parser. The sections
        /// generation rewrites must have the contract's shape; anything else
        /// is kept as it is, whatever it holds.
        public static func load(_ path: String) throws(LayerContractError) -> Existing {
            let bytes: [UInt8]
            do {
                bytes = try FileBytes.read(path)
            } catch {
                throw LayerContractError(error)
            }
            let root = try JSONCursor.open(path)
            _ = try root.requireMapping()
            if let services = root.child("services") {
                for (_, entry) in try services.requireMapping().entries() {
                    _ = try entry.requireMapping()
                    _ = try entry.child("service_name")?.requireString()
                    if let selector = try entry.child("selector")?.requireMapping() {
                        for (_, value) in selector.entries() { _ = try value.requireString() }
                    }
                }
            }
            if let ports = root.child("ports") {
                for (_, entry) in try ports.requireMapping().entries() { _ = try entry.requireMapping() }
            }
            if let labels = root.child("labels") {
                _ = try labels.requireMapping().child("required")?.requireStrings()
            }
            if let release = root.child("release_metadata") {
                if let defaults = try release.requireMapping().child("defaults") {
                    for (_, value) in try defaults.requireMapping().entries() { _ = try value.requireString() }
                }
            }
            var locations: JSONTree.Locations = [:]
            let tree = try JSONTree.read(root, locations: &locations)
            return Existing(file: path, tree: tree, locations: locations, bytes: bytes)
        }

        /// `release_metadata.defaults.<field>`, if the contract has it.
        public func releaseDefault(_ field: String) -> String? {
            tree["release_metadata"]?["defaults"]?[field]?.stringValue
        }
    }

    /// Something generation decided that the reader should know: a component
    /// dropped or renamed, a port it could not resolve, a namespace it keeps.
    public struct Note: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var message: String
        public var location: SourceLocation?

        public init(_ message: String, at location: SourceLocation?) {
            self.message = message
            self.location = location
        }

        public static func < (lhs: Note, rhs: Note) -> Bool {
            switch (lhs.location, rhs.location) {
            case let (left?, right?): return (left, lhs.message) < (right, rhs.message)
            case (nil, nil): return lhs.message < rhs.message
            case (nil, _): return true
            case (_, nil): return false
            }
        }

        public var description: String {
            (location.map { "\($0): " } ?? "render-check: ") + "warning: " + message
        }
    }

    public struct Result: Sendable {
        public var contract: JSONTree
        public var notes: [Note] = []
        /// Skipped inputs and faults that are not errors (duplicate keys, ...).
        public var notices: [ManifestNotice] = []
        /// Inputs that could not be read: a contract from part of the inputs
        /// would be wrong, so the caller must not use `contract`.
        public var inputErrors: [YAMLError] = []
    }

    /// `release_metadata.required_fields` for a contract started from nothing.
    public static let defaultRequiredFields = ["release_name", "namespace", "chart_name", "chart_version", "app_version"]

    public var chartDirectory: String
    public var release: String
    public var namespace: String
    public var existing: Existing?
    public var rendered: [String] = []
    /// Rendered streams already in memory (`helm template` output).
    public var renderedStreams: [InputSource] = []
    public var stack: [String] = []
    /// `--required-label`s; nil keeps the contract's `labels.required`.
    public var requiredLabels: [String]?
    public var limits = ParseLimits.default

    public init(chartDirectory: String, release: String, namespace: String, existing: Existing?) {
        self.chartDirectory = chartDirectory
        self.release = release
        self.namespace = namespace
        self.existing = existing
    }

    public func generate() throws(LayerContractError) -> Result {
        let chart: ChartFiles
        do {
            chart = try ChartFiles.load(chartDirectory)
        } catch {
            throw LayerContractError(error.problem, at: error.location)
        }
        var result = Result(contract: .object([:]))
        let resources = read(into: &result)
        let index = ResourceIndex(resources)
        var notes: [Note] = []
        var root = existing?.tree.objectValue ?? Self.skeleton(namespace: namespace)
        if existing == nil {
            notes.append(Note("no existing contract: contract_version, compatibility, layer_dependencies, ssot and namespaces (every layer in \(namespace)) are written with their conventional values; they are kept from now on, edit them by hand", at: nil))
        }

        let (services, ports) = deriveServices(index, notes: &notes)
        root["services"] = .object(services)
        root["ports"] = .object(ports)
        root["labels"] = labels()
        root["release_metadata"] = releaseMetadata(chart)
        noteNamespaces(resources, notes: &notes)

        result.contract = .object(root)
        result.notes = notes.sorted()
        return result
    }

    /// What a first contract holds besides what is derived: the sections
    /// the check and the contract schema need, at their conventional values
    /// (version 1.0.0, the layers' reference dependencies, every layer in the
    /// release's namespace), so `init` and a first `contract generate` write
    /// a contract that the check accepts and the schema validates. Each is
    /// kept verbatim from then on and edited by hand.
    static func skeleton(namespace: String) -> [String: JSONTree] {
        func layers(_ names: [String]) -> JSONTree { .object(["may_reference": .array(names.map(JSONTree.string))]) }
        return [
            "contract_version": .string("1.0.0"),
            "compatibility": .object([
                "policy": .string("Minor/patch updates are backward-compatible; major updates may remove or rename fields."),
                "current_major": .int(1),
                "notes": .array([.string("Consumers must ignore unknown fields.")]),
            ]),
            "layer_dependencies": .object([
                "stack": layers(["stack", "_lib", "run", "configs"]),
                "k8s": layers(["k8s", "stack", "observe", "e2e", "_lib", "run", "configs"]),
                "e2e": layers(["e2e", "k8s", "run", "_lib", "configs"]),
                "observe": layers(["observe", "k8s", "stack", "load", "e2e", "run", "_lib", "configs"]),
                "load": layers(["load", "e2e", "run", "_lib", "configs"]),
            ]),
            "ssot": .object([
                "namespaces": .string("configs/sources/operations/ops/namespaces.json"),
                "ports": .string("configs/sources/operations/ops/ports.json"),
                "profiles": .string("ops/stack/profiles.json"),
            ]),
            "namespaces": .object(["stack": .string(namespace), "k8s": .string(namespace), "e2e": .string(namespace)]),
        ]
    }

    // MARK: - Inputs

    private func read(into result: inout Result) -> [CheckedResource] {
        var resources: [CheckedResource] = []
        for (paths, origin) in [(rendered, InputOrigin.rendered), (stack, .stack)] {
            var discovery = InputDiscovery.discover(paths)
            if origin == .rendered { discovery.sources += renderedStreams }
            result.notices += discovery.notices
            result.inputErrors += discovery.errors
            for source in discovery.sources {
                let facts = ManifestReader.read(source, limits: limits)
                resources += facts.resources.map { CheckedResource($0, origin: origin) }
                result.notices += facts.notices
                if let error = facts.error { result.inputErrors.append(error) }
            }
        }
        return resources
    }

    // MARK: - services and ports

    private struct Component {
        var name: String
        var serviceName: String?
        var selector: [(String, String)]
    }

    private func deriveServices(_ index: ResourceIndex, notes: inout [Note]) -> (services: [String: JSONTree], ports: [String: JSONTree]) {
        let existingServices = existing?.tree["services"]?.objectValue ?? [:]
        let existingPorts = existing?.tree["ports"]?.objectValue ?? [:]
        let components = JSONTree.sortedKeys(existingServices).map { name -> Component in
            let entry = existingServices[name]!
            let selector = entry["selector"]?.objectValue ?? [:]
            return Component(name: name, serviceName: entry["service_name"]?.stringValue,
                             selector: JSONTree.sortedKeys(selector).compactMap { key in
                                 selector[key]!.stringValue.map { (key, $0) }
                             })
        }

        // Every Service of the inputs, once per name (the first, as the check
        // finds it), in input order.
        var candidates: [CheckedResource] = []
        var firstByName: [String: CheckedResource] = [:]
        for service in index.services {
            let name = service.resource.nameValue
            if let first = firstByName[name] {
                notes.append(Note("a second Service named \(name) is ignored; the first is at \(first.resource.location)",
                                  at: service.resource.location))
                continue
            }
            firstByName[name] = service
            candidates.append(service)
        }

        // 1. By service name. 2. A component whose Service is gone takes an
        // unclaimed Service that selects its pods (a rename): an exact
        // selector first, then one that adds pairs.
        var matched: [String: CheckedResource] = [:]
        var claimed: Set<String> = []
        for component in components {
            if let name = component.serviceName, let service = firstByName[name] {
                matched[component.name] = service
                claimed.insert(name)
            }
        }
        for exact in [true, false] {
            for component in components where matched[component.name] == nil && !component.selector.isEmpty {
                let wanted = Dictionary(component.selector, uniquingKeysWith: { _, last in last })
                let rename = candidates.first { service in
                    guard !claimed.contains(service.resource.nameValue),
                          let selector = service.resource.service?.selector, selector.contains(all: component.selector) else { return false }
                    return !exact || Self.dictionary(selector) == wanted
                }
                guard let rename else { continue }
                matched[component.name] = rename
                claimed.insert(rename.resource.nameValue)
                notes.append(Note("no Service named \(component.serviceName ?? "(none)") for component \(component.name); Service \(rename.resource.nameValue) selects its pods, so it is taken as the renamed Service",
                                  at: rename.resource.name?.location ?? rename.resource.location))
            }
        }

        var services: [String: JSONTree] = [:]
        var ports: [String: JSONTree] = [:]
        // Port entries of components the contract does not list as services are not derivable: kept.
        for (name, entry) in existingPorts where existingServices[name] == nil { ports[name] = entry }

        for component in components {
            guard let service = matched[component.name] else {
                notes.append(Note("component \(component.name): no Service named \(component.serviceName ?? "(none)") in the inputs and none selects its pods; it is left out of services and ports (was a stack manifest or chart missing?)",
                                  at: existing?.locations[["services", component.name]]))
                continue
            }
            var entry = existingServices[component.name]?.objectValue ?? [:]
            entry["service_name"] = .string(service.resource.nameValue)
            if let selector = Self.selectorTree(service) {
                entry["selector"] = selector
            } else {
                notes.append(Note("Service \(service.resource.nameValue) has no selector; services.\(component.name).selector is kept from the contract",
                                  at: service.resource.location))
            }
            services[component.name] = .object(entry)
            ports[component.name] = nil
            if let derived = derivePorts(component.name, service, index,
                                         keptContainer: existingPorts[component.name]?["container"], notes: &notes) {
                ports[component.name] = derived
            }
        }

        for service in candidates where !claimed.contains(service.resource.nameValue) {
            let serviceName = service.resource.nameValue
            guard let selector = Self.selectorTree(service) else {
                notes.append(Note("Service \(serviceName) has no selector and is in no contract component; a component needs a selector, so it is left out",
                                  at: service.resource.location))
                continue
            }
            var name = serviceName
            var suffix = 2
            while services[name] != nil || existingServices[name] != nil {
                name = "\(serviceName)-\(suffix)"
                suffix += 1
            }
            notes.append(Note("Service \(serviceName) is in no contract component; added as component \(name)",
                              at: service.resource.name?.location ?? service.resource.location))
            services[name] = .object(["service_name": .string(serviceName), "selector": selector])
            ports[name] = nil
            if let derived = derivePorts(name, service, index, keptContainer: nil, notes: &notes) {
                ports[name] = derived
            }
        }
        return (services, ports)
    }

    /// The reference convention: one port is `service` (compared with the
    /// first port) plus `container`, the container port it reaches; several
    /// ports are recorded by name (an unnamed one as `service`).
    private func derivePorts(_ component: String, _ service: CheckedResource, _ index: ResourceIndex,
                             keptContainer: JSONTree?, notes: inout [Note]) -> JSONTree? {
        guard let spec = service.resource.service else { return nil }
        let name = service.resource.nameValue
        var numbered: [(port: ServicePort, number: Int64)] = []
        for port in spec.ports {
            guard let number = port.port?.value.intValue else {
                notes.append(Note("Service \(name) has a port without an integer `port`; it is left out of ports.\(component)",
                                  at: port.port?.location ?? port.location))
                continue
            }
            numbered.append((port, number))
        }
        guard !numbered.isEmpty else { return nil }
        guard numbered.count == 1 else {
            var entry: [String: JSONTree] = [:]
            for (port, number) in numbered {
                let key = port.name?.value ?? "service"
                if entry[key] != nil {
                    notes.append(Note("Service \(name) names two ports `\(key)`; ports.\(component).\(key) keeps the first",
                                      at: port.location))
                    continue
                }
                entry[key] = .int(number)
            }
            return .object(entry)
        }
        let (port, number) = numbered[0]
        var entry: [String: JSONTree] = ["service": .int(number)]
        let target = port.targetPort?.value ?? .number(number)
        let pods = spec.selector.map { index.podTemplates(matching: $0) } ?? []
        if let container = Self.containerPort(target, in: pods) {
            entry["container"] = .int(container)
        } else {
            let why = pods.isEmpty
                ? "Service \(name) selects no pod template, so its targetPort \(target) reaches no container port"
                : "Service \(name) targets port \(target), which no container of the selected pods declares"
            if let keptContainer {
                entry["container"] = keptContainer
                notes.append(Note("\(why); ports.\(component).container is kept from the contract (\(keptContainer.compactText))",
                                  at: port.targetPort?.location ?? port.location))
            } else {
                notes.append(Note("\(why); ports.\(component).container is left out", at: port.targetPort?.location ?? port.location))
            }
        }
        return .object(entry)
    }

    /// The container port a targetPort reaches in the selected pods: the
    /// port of that name, or the number itself when a container declares it.
    static func containerPort(_ target: TargetPort, in pods: [PodTemplate]) -> Int64? {
        let declared = pods.flatMap { $0.containers.filter { !$0.isInit }.flatMap(\.ports) }
        switch target {
        case .name(let name):
            return declared.first { $0.name?.value == name }?.containerPort?.value.intValue
        case .number(let number):
            return declared.contains { $0.containerPort?.value == .int(number) } ? number : nil
        }
    }

    private static func selectorTree(_ service: CheckedResource) -> JSONTree? {
        guard let selector = service.resource.service?.selector, !selector.pairs.isEmpty else { return nil }
        return .object(dictionary(selector).mapValues(JSONTree.string))
    }

    /// Later pairs win, as Kubernetes' decoder keeps the last duplicate.
    private static func dictionary(_ map: StringMap) -> [String: String] {
        Dictionary(map.pairs.map { ($0.key.value, $0.value.value) }, uniquingKeysWith: { _, last in last })
    }

    // MARK: - labels and release_metadata

    private func labels() -> JSONTree {
        var labels = existing?.tree["labels"]?.objectValue ?? ["required_annotations": .array([])]
        if let requiredLabels {
            var seen: Set<String> = []
            labels["required"] = .array(requiredLabels.filter { seen.insert($0).inserted }.map(JSONTree.string))
        } else if labels["required"] == nil {
            labels["required"] = .array([])
        }
        return .object(labels)
    }

    private func releaseMetadata(_ chart: ChartFiles) -> JSONTree {
        var metadata = existing?.tree["release_metadata"]?.objectValue
            ?? ["required_fields": .array(Self.defaultRequiredFields.map(JSONTree.string))]
        var defaults = metadata["defaults"]?.objectValue ?? [:]
        defaults["chart_name"] = .string(chart.name.value)
        defaults["chart_version"] = chart.version.map { .string($0.value) }
        defaults["app_version"] = chart.appVersion.map { .string($0.value) }
        defaults["release_name"] = .string(release)
        defaults["namespace"] = .string(namespace)
        metadata["defaults"] = .object(defaults)
        return .object(metadata)
    }

    // MARK: - namespaces (kept, but not silently)

    /// `namespaces` is kept verbatim; where the inputs sit elsewhere, say so
    /// once per layer and namespace, since the drift check will.
    private func noteNamespaces(_ resources: [CheckedResource], notes: inout [Note]) {
        guard let namespaces = existing?.tree["namespaces"]?.objectValue else { return }
        var seen: [String: (first: CheckedResource, count: Int)] = [:]
        var order: [(layer: String, actual: String)] = []
        for checked in resources where checked.resource.name != nil {
            let layer = checked.origin.namespaceLayer
            guard let expected = namespaces[layer]?.stringValue else { continue }
            let actual = checked.resource.namespace?.value ?? (checked.origin == .rendered ? namespace : nil)
            guard let actual, actual != expected else { continue }
            let key = layer + "\u{0}" + actual
            if let entry = seen[key] {
                seen[key] = (entry.first, entry.count + 1)
            } else {
                seen[key] = (checked, 1)
                order.append((layer, actual))
            }
        }
        for (layer, actual) in order {
            let (first, count) = seen[layer + "\u{0}" + actual]!
            let resource = first.resource
            notes.append(Note("\(count) resource\(count == 1 ? "" : "s") of the \(layer) layer sit in namespace \(actual) (first: \(resource.kind.value) \(resource.nameValue)); namespaces.\(layer) is kept as \(namespaces[layer]!.compactText): namespaces are not derived, edit the contract by hand if the move is intended",
                              at: resource.namespace?.location ?? resource.location))
        }
    }
}

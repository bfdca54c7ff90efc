import ManifestModel

/// Compares resources with the contract and yields one finding per drifted
/// diff key. Pure: everything it needs comes in through its inputs.
public struct DriftChecker: Sendable {
    public struct Options: Sendable {
        /// Check only these components (all when nil).
        public var components: Set<String>?
        /// The namespace `helm template -n` renders into, for rendered
        /// resources that do not name one.
        public var releaseNamespace: String?

        public init(components: Set<String>? = nil, releaseNamespace: String? = nil) {
            self.components = components
            self.releaseNamespace = releaseNamespace
        }
    }

    public let contract: Contract
    public let options: Options

    public init(contract: Contract, options: Options = Options()) {
        self.contract = contract
        self.options = options
    }

    public func check(_ resources: [CheckedResource]) -> [Finding] {
        var findings = FindingSet()
        let index = ResourceIndex(resources)
        // The resources a component consists of: its Service and the workloads its selector picks.
        var componentResources = Set<ResourceIdentity>()
        for service in contract.services where options.components?.contains(service.component.value) ?? true {
            let workloads = index.workloads(selectedBy: service.selector.map { ($0.key.value, $0.value.value) })
            checkService(service, index: index, into: &findings)
            checkWorkloads(workloads, of: service, into: &findings)
            if let found = index.service(named: service.serviceName.value) { componentResources.insert(found.identity) }
            componentResources.formUnion(workloads.map(\.checked.identity))
        }
        checkNamespaces(resources, components: componentResources, into: &findings)
        checkReleaseMetadata(resources, into: &findings)
        return findings.findings
    }

    // MARK: - Service families

    private func checkService(_ service: Contract.Service, index: ResourceIndex, into findings: inout FindingSet) {
        let component = service.component.value
        guard let found = index.service(named: service.serviceName.value), let spec = found.resource.service else {
            // A Service that selects the component's pods under another name is
            // most likely the one that was renamed.
            let pairs = service.selector.map { ($0.key.value, $0.value.value) }
            let renamed = index.services.first { $0.resource.service?.selector?.contains(all: pairs) ?? false }
            var finding = Finding(
                diffKey: "service.\(component).missing", family: .serviceMissing, component: component,
                expected: .string(service.serviceName.value), actual: .null,
                message: "no Service named \(service.serviceName.value) (services.\(component).service_name)"
                    + (renamed.map { "; Service \($0.resource.nameValue) selects its pods" } ?? ""),
                location: service.serviceName.location,
                owner: Owner(layer: .contract, location: service.serviceName.location))
            finding.related = renamed?.resource.name?.location
            findings.add(finding)
            return
        }
        checkPorts(component, found, spec, into: &findings)
        checkSelector(service, found, spec, into: &findings)
        let pods = spec.selector.map { index.podTemplates(matching: $0) } ?? []
        if let selector = spec.selector, !selector.pairs.isEmpty, pods.isEmpty {
            findings.add(Finding(
                diffKey: "service.\(component).selector.unmatched", family: .serviceUnmatched, component: component,
                expected: .string(Self.render(selector.pairs.map { ($0.key.value, $0.value.value) })), actual: .null,
                message: "Service \(found.resource.nameValue) selects no pod template of any workload",
                location: selector.location, owner: owner(found, at: selector.location), resource: found.identity), in: found)
        }
        if !pods.isEmpty {
            checkTargetPorts(component, found, spec, pods: pods, into: &findings)
        }
    }

    private func checkPorts(_ component: String, _ found: CheckedResource, _ spec: ServiceSpec, into findings: inout FindingSet) {
        for port in contract.ports[component] ?? [] where port.key.value != "container" {
            let key = port.key.value
            let servicePort = spec.ports.first { ($0.name?.value ?? "service") == key }
                ?? (key == "service" ? spec.ports.first : nil)
            let actual = servicePort?.port?.value
            guard actual != .int(port.value.value) else { continue }
            let location = servicePort?.port?.location ?? servicePort?.location ?? spec.specLocation ?? found.resource.location
            let described = actual.map { "is \(ReportValue($0).text)" } ?? "is missing"
            findings.add(Finding(
                diffKey: "service.\(component).port.\(key)", family: .servicePort, component: component,
                expected: .int(port.value.value), actual: ReportValue(actual),
                message: "Service \(found.resource.nameValue) port `\(key)` \(described); the contract's ports.\(component).\(key) is \(port.value.value)",
                location: location, owner: owner(found, at: location), resource: found.identity), in: found)
        }
    }

    private func checkSelector(_ service: Contract.Service, _ found: CheckedResource, _ spec: ServiceSpec,
                               into findings: inout FindingSet) {
        let component = service.component.value
        for pair in service.selector {
            let actual = spec.selector?[pair.key.value]
            guard actual?.value.value != pair.value.value else { continue }
            let location = actual?.value.location ?? spec.selector?.location ?? spec.specLocation ?? found.resource.location
            findings.add(Finding(
                diffKey: "service.\(component).selector.\(pair.key.value)", family: .serviceSelector, component: component,
                expected: .string(pair.value.value), actual: actual.map { .string($0.value.value) } ?? .null,
                message: actual == nil
                    ? "Service \(found.resource.nameValue) selector lacks \(pair.key.value)=\(pair.value.value)"
                    : "Service \(found.resource.nameValue) selects \(pair.key.value)=\(actual!.value.value); the contract says \(pair.value.value)",
                location: location, owner: owner(found, at: location), resource: found.identity), in: found)
        }
    }

    private func checkTargetPorts(_ component: String, _ found: CheckedResource, _ spec: ServiceSpec,
                                  pods: [PodTemplate], into findings: inout FindingSet) {
        let declared = pods.flatMap { $0.containers.filter { !$0.isInit }.flatMap(\.ports) }
        for port in spec.ports {
            guard let target = port.targetPort else { continue }
            let matches: [ContainerPort]
            switch target.value {
            case .name(let name): matches = declared.filter { $0.name?.value == name }
            case .number(let number): matches = declared.filter { $0.containerPort?.value == .int(number) }
            }
            let key = "service.\(component).targetPort.\(target.value)"
            // A numeric targetPort reaches a port the container never declares
            // (declaring is informational), so with nothing declared there is
            // nothing to hold it to; a name must resolve to a declaration.
            if case .number = target.value, declared.isEmpty { continue }
            if matches.isEmpty {
                let offered = declared.compactMap { port -> ReportValue? in
                    if case .name = target.value { return port.name.map { .string($0.value) } }
                    return port.containerPort.map { ReportValue($0.value) }
                }
                findings.add(Finding(
                    diffKey: key, family: .serviceTargetPort, component: component,
                    expected: Self.value(of: target.value), actual: .array(offered),
                    message: "Service \(found.resource.nameValue) targets port \(target.value), which no container of the selected pods declares",
                    location: target.location, owner: owner(found, at: target.location), resource: found.identity), in: found)
                continue
            }
            let serviceProtocol = port.protocol?.value ?? "TCP"
            if !matches.contains(where: { ($0.protocol?.value ?? "TCP") == serviceProtocol }) {
                let containerProtocol = matches[0].protocol?.value ?? "TCP"
                let location = port.protocol?.location ?? target.location
                findings.add(Finding(
                    diffKey: key, family: .serviceTargetPort, component: component,
                    expected: .string(containerProtocol), actual: .string(serviceProtocol),
                    message: "Service \(found.resource.nameValue) port \(target.value) uses \(serviceProtocol); the container port uses \(containerProtocol)",
                    location: location, owner: owner(found, at: location), resource: found.identity), in: found)
            }
        }
    }

    // MARK: - Workload families

    private func checkWorkloads(_ workloads: [ResourceIndex.Workload], of service: Contract.Service,
                                into findings: inout FindingSet) {
        let component = service.component.value
        for workload in workloads {
            let resource = workload.checked.resource
            let prefix = workload.checked.keyPrefix
            let required = [(contract.requiredLabels, resource.labels, "label", CheckFamily.workloadLabel),
                            (contract.requiredAnnotations, resource.annotations, "annotation", CheckFamily.workloadAnnotation)]
            for (keys, map, noun, family) in required {
                for key in keys where map?[key.value] == nil {
                    let location = map?.location ?? resource.metadataLocation ?? resource.location
                    findings.add(Finding(
                        diffKey: "\(prefix).\(noun).\(key.value)", family: family, component: component,
                        expected: .string("present"), actual: .string("missing"),
                        message: "\(resource.kind.value) \(resource.nameValue) lacks the required \(noun) \(key.value)",
                        location: location, owner: owner(workload.checked, at: location), resource: workload.checked.identity), in: workload.checked)
                }
            }
            if let expected = contract.port(component, "container") {
                let ports = workload.template.containers.filter { !$0.isInit }.flatMap(\.ports)
                if !ports.contains(where: { $0.containerPort?.value == .int(expected.value.value) }) {
                    let location = ports.first?.containerPort?.location ?? workload.template.containers.first?.location
                        ?? workload.template.location ?? resource.location
                    findings.add(Finding(
                        diffKey: "\(prefix).port.container", family: .containerPort, component: component,
                        expected: .int(expected.value.value),
                        actual: .array(ports.compactMap { $0.containerPort.map { ReportValue($0.value) } }),
                        message: "no container of \(resource.kind.value) \(resource.nameValue) exposes port \(expected.value.value) (ports.\(component).container)",
                        location: location, owner: owner(workload.checked, at: location), resource: workload.checked.identity), in: workload.checked)
                }
            }
        }
    }

    // MARK: - Resource-wide families

    /// A chart places some resources elsewhere on purpose (an extension API
    /// server's RoleBinding in kube-system, a leader-election Role in the
    /// namespace its values name), and the contract has one namespace per
    /// layer, so from a rendered chart only the component resources the
    /// contract describes are held to it. Stack manifests are the team's own,
    /// and every one of them is.
    private func checkNamespaces(_ resources: [CheckedResource], components: Set<ResourceIdentity>,
                                 into findings: inout FindingSet) {
        for checked in resources where checked.origin == .stack || components.contains(checked.identity) {
            let resource = checked.resource
            guard resource.name != nil, let expected = contract.namespaces[checked.origin.namespaceLayer] else { continue }
            let actual = resource.namespace?.value ?? (checked.origin == .rendered ? options.releaseNamespace : nil)
            guard let actual, actual != expected.value else { continue }
            let location = resource.namespace?.location ?? resource.metadataLocation ?? resource.location
            findings.add(Finding(
                diffKey: "\(checked.keyPrefix).namespace", family: .namespace, component: nil,
                expected: .string(expected.value), actual: .string(actual),
                message: "\(resource.kind.value) \(resource.nameValue) is in namespace \(actual); the contract's namespaces.\(checked.origin.namespaceLayer) is \(expected.value)",
                location: location, owner: owner(checked, at: location), resource: checked.identity), in: checked)
        }
    }

    private func checkReleaseMetadata(_ resources: [CheckedResource], into findings: inout FindingSet) {
        let defaults = contract.releaseDefaults
        for checked in resources where checked.origin != .stack {
            guard let chartLabel = checked.resource.labels?["helm.sh/chart"] else { continue }
            let (name, version) = Self.splitChartLabel(chartLabel.value.value, knownName: defaults["chart_name"]?.value)
            var observed: [(field: String, value: String, location: SourceLocation)] = [
                ("chart_name", name, chartLabel.value.location),
                ("chart_version", version, chartLabel.value.location),
            ]
            if let appVersion = checked.resource.labels?["app.kubernetes.io/version"] {
                observed.append(("app_version", appVersion.value.value, appVersion.value.location))
            }
            for (field, value, location) in observed {
                guard let expected = defaults[field], expected.value != value else { continue }
                findings.add(Finding(
                    diffKey: "release.\(field)", family: .release, component: nil,
                    expected: .string(expected.value), actual: .string(value),
                    message: "rendered \(field) is \(value); release_metadata.defaults.\(field) is \(expected.value)",
                    location: location, owner: owner(checked, at: location), resource: checked.identity), in: checked)
            }
        }
    }

    // MARK: - Helpers

    private func owner(_ checked: CheckedResource, at location: SourceLocation) -> Owner {
        Owner(layer: checked.origin.ownerLayer, location: location)
    }

    /// `helm.sh/chart` is `<name>-<version>` with `+` written as `_`; names
    /// may contain `-`, so the version starts at the first `-<digit>`.
    static func splitChartLabel(_ label: String, knownName: String?) -> (String, String) {
        if let knownName, label.hasPrefix(knownName + "-") {
            return (knownName, String(label.dropFirst(knownName.count + 1)).replacingUnderscores())
        }
        let characters = Array(label)
        for index in characters.indices.dropLast() where characters[index] == "-" && characters[index + 1].isNumber {
            return (String(characters[..<index]), String(characters[(index + 1)...]).replacingUnderscores())
        }
        return (label, "")
    }

    static func render(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
    }

    static func value(of target: TargetPort) -> ReportValue {
        switch target {
        case .name(let name): return .string(name)
        case .number(let number): return .int(number)
        }
    }
}

/// Findings keyed by diff key: the first finding of a key stands for it,
/// and lists where its resource's identical repeats hold the same key (at
/// most `Finding.locationLimit` places, and how many more there were).
struct FindingSet {
    private(set) var findings: [Finding] = []
    private var keys: Set<String> = []

    mutating func add(_ finding: Finding, in checked: CheckedResource? = nil) {
        guard keys.insert(finding.diffKey).inserted else { return }
        var finding = finding
        if let checked, checked.repeats.count > 0 {
            let repeated = checked.repeatedLocations(of: finding.location)
            finding.otherLocations = repeated.listed
            finding.moreLocations = repeated.more
        }
        findings.append(finding)
    }
}

private extension String {
    func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "+" : $0 })
    }
}

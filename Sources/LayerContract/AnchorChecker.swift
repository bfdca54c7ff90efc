import ManifestModel
import ValuesAnchors

/// The checks that need no rendering: the chart's values anchors
/// (`values.service`, `values.server`, `values.rollout`) against the
/// contract, reported at the values line before anything is deployed.
public struct AnchorChecker: Sendable {
    public static let anchorRoots = ["service", "server", "rollout"]

    public let contract: Contract
    public let chart: LoadedChart
    public let components: Set<String>?

    public init(contract: Contract, chart: LoadedChart, components: Set<String>?) {
        self.contract = contract
        self.chart = chart
        self.components = components
    }

    /// The component the chart serves: `--component`, else the contract
    /// service whose service_name ends with the chart's name.
    public var component: String? {
        if let components, components.count == 1 { return components.first }
        let name = chart.files.name.value
        return contract.services.first { $0.serviceName.value.hasSuffix(name) }?.component.value
    }

    /// `findings` plus the anchor findings whose keys are not already there.
    public func check(after findings: [Finding]) -> [Finding] {
        var set = FindingSet()
        for finding in findings { set.add(finding) }
        if let component {
            checkServicePort(component, into: &set)
            checkContainerPort(component, into: &set)
        }
        checkUnused(into: &set)
        return set.findings
    }

    private var values: ValuesNode { chart.values.values }

    private func owner(_ path: ValuesPath) -> Owner {
        Owner(layer: .values, anchor: path.anchor, location: values.keyLocation(at: path) ?? values.node(at: path)?.origin)
    }

    private func checkServicePort(_ component: String, into findings: inout FindingSet) {
        let path = ValuesPath([.key("service"), .key("port")])
        guard let expected = contract.port(component, "service"), let actual = values.value(at: path),
              actual != .int(expected.value.value), let location = values.keyLocation(at: path) else { return }
        findings.add(Finding(
            diffKey: "service.\(component).port.service", family: .servicePort, component: component,
            expected: .int(expected.value.value), actual: ReportValue(actual),
            message: "values.service.port is \(actual); the contract's ports.\(component).service is \(expected.value.value)",
            location: location, owner: owner(path)))
    }

    /// A `values.server` key a template writes into a containerPort must be
    /// the contract's container port.
    private func checkContainerPort(_ component: String, into findings: inout FindingSet) {
        guard let expected = contract.port(component, "container"),
              let serviceName = contract.service(component)?.serviceName.value else { return }
        for (chartPath, sites) in chart.ownership.index.sites.sorted(by: { $0.key < $1.key }) {
            for site in sites where site.keyPath.last == .key("containerPort") {
                for path in site.valuesRead where path.segments.first == .key("server") {
                    guard let actual = values.value(at: path), actual != .int(expected.value.value),
                          let location = values.keyLocation(at: path),
                          let kind = Self.kind(ofTemplate: chartPath, in: chart.files) else { continue }
                    findings.add(Finding(
                        diffKey: "\(kind.lowercased()).\(serviceName).port.container", family: .containerPort, component: component,
                        expected: .int(expected.value.value), actual: .array([ReportValue(actual)]),
                        message: "\(path.anchor) is \(actual), written to the containerPort at \(site.template); the contract's ports.\(component).container is \(expected.value.value)",
                        location: location, owner: owner(path)))
                }
            }
        }
    }

    /// Anchor keys no template reads: changing them changes nothing.
    private func checkUnused(into findings: inout FindingSet) {
        let reads = chart.ownership.index.reads
        // A key a template names in any action is read, whatever the reading made of that
        // action (a multi-line condition in a helper, say): "unused" must never be a guess.
        // A chain that stops at a map hands the whole map on (`omit .Values.service "x"`,
        // `toYaml .Values.service`), so every key under it may be read.
        var mentioned = Set<ValuesPath>()
        var handedOn = Set<ValuesPath>()
        for template in chart.files.templates {
            for path in ConditionReads.mentioned(in: template.text) {
                handedOn.insert(path)
                for length in 1...path.segments.count { mentioned.insert(ValuesPath(Array(path.segments.prefix(length)))) }
            }
        }
        func isHandedOn(_ path: ValuesPath) -> Bool {
            (1..<max(path.segments.count, 1)).contains { handedOn.contains(ValuesPath(Array(path.segments.prefix($0)))) }
        }
        for root in Self.anchorRoots {
            let base = ValuesPath([.key(root)])
            for leaf in values.node(at: base)?.leaves(under: base) ?? []
            where !Self.isRead(leaf.path, by: reads) && !mentioned.contains(leaf.path) && !isHandedOn(leaf.path) {
                guard let location = values.keyLocation(at: leaf.path) else { continue }
                findings.add(Finding(
                    diffKey: "\(leaf.path.anchor).unused", family: .valuesUnused, component: nil,
                    expected: .string("read by a template"), actual: .string("unused"),
                    message: "\(leaf.path.anchor) is read by no template of \(chart.files.name.value); changing it changes nothing",
                    location: location, owner: owner(leaf.path)))
            }
        }
    }

    static func isRead(_ path: ValuesPath, by reads: Set<[PatternSegment]>) -> Bool {
        reads.contains { pattern in
            for (segment, step) in zip(pattern, path.segments) {
                switch (segment, step) {
                case (.any, _): continue
                case (.key(let a), .key(let b)) where a == b: continue
                case (.key(let a), .index(let b)) where a == String(b): continue
                default: return false
                }
            }
            return true
        }
    }

    /// The literal `kind:` a template writes at its top level.
    static func kind(ofTemplate chartPath: String, in files: ChartFiles) -> String? {
        guard let template = files.templates.first(where: { $0.chartPath == chartPath }) else { return nil }
        for line in template.text.split(separator: "\n") where line.hasPrefix("kind:") {
            let kind = String(line.dropFirst(5).filter { !" \t\r\"'".contains($0) })
            if !kind.isEmpty, !kind.contains("{") { return kind }
        }
        return nil
    }
}

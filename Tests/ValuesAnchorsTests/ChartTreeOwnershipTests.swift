import Foundation
import ManifestModel
import ValuesAnchors
import XCTest

/// The static reading on a chart with subcharts: `Fixtures/umbrella` has a
/// folder subchart under an alias (`web` as `frontend`), a library chart
/// (`lib`, whose defines every chart calls), a packaged subchart
/// (`charts/packed-0.1.0.tgz`), `global` values and parent overrides. Its
/// rendered input comes from the real Helm binary when one is found.
final class ChartTreeOwnershipTests: XCTestCase {
    static let umbrella = ValuesFixtures.path("umbrella")

    struct Leaf {
        var source: String
        var path: [RenderedSegment]
        var value: String
    }

    func testTreeHasFolderArchiveAliasAndLibrarySubcharts() throws {
        let chart = try ChartFiles.load(Self.umbrella)
        // Ordered by chart name (lib, packed, web), each under the name its parent renders it as.
        XCTAssertEqual(chart.subcharts.map(\.renderedName), ["lib", "packed", "frontend"])
        let web = try XCTUnwrap(chart.subcharts.first { $0.renderedName == "frontend" })
        XCTAssertEqual(web.name.value, "web")
        XCTAssertEqual(web.templates.map(\.chartPath), ["templates/service.yaml"])
        let library = try XCTUnwrap(chart.subcharts.first { $0.renderedName == "lib" })
        XCTAssertTrue(library.isLibrary)
        let packed = try XCTUnwrap(chart.subcharts.first { $0.renderedName == "packed" })
        XCTAssertEqual(packed.templates.map(\.chartPath), ["templates/pdb.yaml"])
        XCTAssertTrue(packed.templates[0].text.contains("minAvailable: {{ .Values.replicas }}"), "read out of the gzip tar")
        XCTAssertTrue(packed.templates[0].displayPath.hasSuffix("charts/packed-0.1.0.tgz/packed/templates/pdb.yaml"))
        XCTAssertEqual(chart.chartPath(forSource: "umbrella/charts/frontend/templates/service.yaml"),
                       "charts/frontend/templates/service.yaml")
        XCTAssertEqual(chart.tree.map(\.sourcePrefix), ["", "charts/lib/", "charts/packed/", "charts/frontend/"])
    }

    func testSubchartValuesSitUnderTheAliasWithTheParentWinning() throws {
        let values = try ValuesLoader().load(chart: Self.umbrella).values
        let port = try ValuesPath(anchor: "values.frontend.service.port").unwrap()
        XCTAssertEqual(values.value(at: port), .int(8081))
        let portKey = try XCTUnwrap(values.keyLocation(at: port))
        XCTAssertEqual([portKey.file.hasSuffix("umbrella/values.yaml"), portKey.line == 18] , [true, true], "the parent's line")
        let type = try ValuesPath(anchor: "values.frontend.service.type").unwrap()
        XCTAssertEqual(values.value(at: type), .string("ClusterIP"))
        XCTAssertTrue(try XCTUnwrap(values.keyLocation(at: type)).file.hasSuffix("charts/web/values.yaml"), "the subchart's own line")
        let global = try ValuesPath(anchor: "values.frontend.global.registry").unwrap()
        XCTAssertEqual(values.value(at: global), .string("registry.example"), "global is copied into every subchart")
        let replicas = try ValuesPath(anchor: "values.packed.replicas").unwrap()
        XCTAssertEqual(values.value(at: replicas), .int(2))
        XCTAssertTrue(try XCTUnwrap(values.keyLocation(at: replicas)).file.hasSuffix("packed-0.1.0.tgz/packed/values.yaml"))
    }

    func testOwnersAcrossTheTree() throws {
        let (ownership, leaves) = try Self.renderedUmbrella(self)
        func owner(_ source: String, _ path: String) throws -> Provenance {
            let leaf = try XCTUnwrap(leaves.first { $0.source == source && RenderedSegment.describe($0.path) == path },
                                     "no rendered leaf \(source) \(path)")
            return try XCTUnwrap(ownership.provenance(source: leaf.source, path: leaf.path, value: leaf.value))
        }
        // A subchart value the parent overrides: the parent's line.
        let port = try owner("umbrella/charts/frontend/templates/service.yaml", "spec.ports[name=http].port")
        XCTAssertEqual(port.anchor?.anchor, "values.frontend.service.port")
        XCTAssertEqual(port.location?.line, 18)
        // A subchart value it does not: the subchart's values.yaml line.
        let type = try owner("umbrella/charts/frontend/templates/service.yaml", "spec.type")
        XCTAssertEqual(type.anchor?.anchor, "values.frontend.service.type")
        XCTAssertTrue(type.location?.file.hasSuffix("charts/web/values.yaml") ?? false)
        // `.Values.global.*` in a subchart is the root's `global`.
        let image = try owner("umbrella/charts/frontend/templates/service.yaml", "spec.template.spec.containers[name=web].image")
        XCTAssertEqual(image.anchor?.anchor, "values.global.registry")
        XCTAssertEqual(Set(image.controlledBy.map(\.anchor)), ["values.frontend.image.repository", "values.frontend.image.tag"])
        // A packaged subchart's template.
        let replicas = try owner("umbrella/charts/packed/templates/pdb.yaml", "spec.minAvailable")
        XCTAssertEqual(replicas.anchor?.anchor, "values.packed.replicas")
        // A library define called from a subchart reads the subchart's values.
        let name = try owner("umbrella/charts/frontend/templates/service.yaml", "metadata.name")
        XCTAssertEqual(name.layer, .chartTemplates)
        XCTAssertEqual(name.controlledBy.map(\.anchor), ["values.frontend.nameOverride"])
        // The same define through a dict context (`dict "ctx" $`).
        let label = try owner("umbrella/templates/configmap.yaml", "metadata.labels.app.kubernetes.io/name")
        XCTAssertEqual(label.controlledBy.map(\.anchor), ["values.nameOverride"])
        XCTAssertEqual(label.via, "include \"lib.labels\"")
        // `($ | merge (dict ...))` keeps `.Values`; toYaml of a subtree resolves to the leaf.
        let global = try owner("umbrella/templates/deployment.yaml", "spec.template.spec.containers[name=main].image")
        XCTAssertEqual(global.anchor?.anchor, "values.global.registry")
        let cpu = try owner("umbrella/templates/deployment.yaml", "spec.template.spec.containers[name=main].resources.limits.cpu")
        XCTAssertEqual(cpu.anchor?.anchor, "values.resources.limits.cpu")
        XCTAssertEqual(cpu.location?.line, 15)
        // range $k, $v over a map.
        let env = try owner("umbrella/templates/deployment.yaml", "spec.template.spec.containers[name=main].env[name=LOG_FORMAT].value")
        XCTAssertEqual(env.anchor?.anchor, "values.env.LOG_FORMAT")
        let retries = try owner("umbrella/templates/configmap.yaml", "data.retries")
        XCTAssertEqual(retries.anchor?.anchor, "values.configMap.data.retries")
    }

    func testConditionsAndUnknownsClaimNothing() throws {
        let (ownership, leaves) = try Self.renderedUmbrella(self)
        func claims(_ path: String) throws -> [String] {
            let leaf = try XCTUnwrap(leaves.first { $0.source == "umbrella/templates/configmap.yaml" && RenderedSegment.describe($0.path) == path })
            let found = try XCTUnwrap(ownership.provenance(source: leaf.source, path: leaf.path, value: leaf.value))
            return (found.layer == .values ? [found.anchor?.anchor ?? "values"] : []) + found.controlledBy.map(\.anchor)
        }
        // `if .Values.configMap.create` switches the whole document: no claim on what it holds.
        XCTAssertEqual(try claims("kind"), [])
        // `ternary "on" "off" .Values.feature.enabled`: a condition, not the value.
        XCTAssertEqual(try claims("data.enabled-switch"), [])
        // The else branch of `if .Values.feature.enabled` (false): `mode` is no owner of `plain`.
        XCTAssertEqual(try claims("data.mode"), [])
        // A hash of a value: the reader cannot tell what it is, so it says nothing.
        XCTAssertEqual(try claims("data.digest"), [])
        // A named item's name is its identity, claimed by no values key.
        let named = try XCTUnwrap(leaves.first { RenderedSegment.describe($0.path) == "spec.template.spec.containers[name=main].env[name=LOG_FORMAT].name" })
        let owner = try XCTUnwrap(ownership.provenance(source: named.source, path: named.path, value: named.value))
        XCTAssertEqual(owner.layer, .chartTemplates)
        XCTAssertEqual(owner.controlledBy, [])
    }

    /// Every values key the reading names as an owner, changed alone through
    /// real Helm, changes that rendered value.
    func testEveryAnchorIsConfirmedByHelm() throws {
        let helm = try XCTUnwrap(Self.helm(), "no helm binary")
        let (ownership, leaves) = try Self.renderedUmbrella(self)
        var checked = 0
        for leaf in leaves {
            guard let owner = ownership.provenance(source: leaf.source, path: leaf.path, value: leaf.value),
                  owner.layer == .values, let anchor = owner.anchor,
                  case .scalar(let scalar)? = ownership.values.node(at: anchor)?.content else { continue }
            let changed: String
            switch scalar {
            case .int(let number): changed = String(number + 7919)
            case .string(let text): changed = text + "zq9"
            default: continue
            }
            let rendered = try Self.run(helm, ["template", "rel", Self.umbrella, "-n", "ns", "--set",
                                               "\(anchor.description)=\(changed)"])
            let after = try Self.leaves(of: rendered)
            let same = after.first { $0.source == leaf.source && $0.path == leaf.path }
            XCTAssertNotEqual(same?.value, leaf.value, "\(anchor.anchor) does not drive \(leaf.source) \(RenderedSegment.describe(leaf.path))")
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 8)
    }

    func testBrokenArchiveIsSkippedWithAReason() throws {
        let folder = try ValuesFixtures.temporaryFolder(self)
        try FileManager.default.createDirectory(atPath: folder + "/charts", withIntermediateDirectories: true)
        try "name: parent\nversion: 1.0.0\n".write(toFile: folder + "/Chart.yaml", atomically: true, encoding: .utf8)
        try "not gzip".write(toFile: folder + "/charts/bad-0.1.0.tgz", atomically: true, encoding: .utf8)
        let chart = try ChartFiles.load(folder)
        XCTAssertEqual(chart.subcharts.count, 0)
        XCTAssertEqual(chart.skipped.count, 1)
        XCTAssertTrue(chart.skipped[0].reason.contains("gzip"), chart.skipped[0].reason)
    }

    // MARK: - Helpers

    static func renderedUmbrella(_ test: XCTestCase) throws -> (ChartOwnership, [Leaf]) {
        guard let helm = helm() else { throw XCTSkip("no helm binary found") }
        let chart = try ChartFiles.load(umbrella)
        let values = try ValuesLoader().load(chart: umbrella).values
        let rendered = try run(helm, ["template", "rel", umbrella, "-n", "ns"])
        return (ChartOwnership(chart: chart, values: values), try leaves(of: rendered))
    }

    static func leaves(of text: String) throws -> [Leaf] {
        let parser = try YAMLStreamParser(.bytes(Array(text.utf8), name: "rendered.yaml"))
        var result: [Leaf] = []
        while let document = try parser.nextDocument() {
            guard let source = document.source?.value else { continue }
            document.walk { leaf in
                guard leaf.isScalar else { return }
                result.append(Leaf(source: source, path: leaf.path, value: document.text(document.resolved(leaf.node))))
            }
        }
        return result
    }

    /// The helm the brief names: RENDER_CHECK_HELM, the repository's own, PATH, /opt/helm.
    static func helm() -> String? {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let named = environment["RENDER_CHECK_HELM"], !named.hasSuffix(".py") { candidates.append(named) }
        candidates.append(ValuesFixtures.repository + "/.build-tools/bin/helm")
        candidates += (environment["PATH"] ?? "").split(separator: ":").map { $0 + "/helm" }
        candidates.append("/opt/helm/bin/helm")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "helm", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "\(program) \(arguments.joined(separator: " ")) failed"])
        }
        return String(decoding: data, as: UTF8.self)
    }
}

private extension Optional {
    func unwrap(file: StaticString = #filePath, line: UInt = #line) throws -> Wrapped {
        try XCTUnwrap(self, file: file, line: line)
    }
}

import Foundation
import LayerContract
import ManifestModel
import XCTest

/// `contract generate` as a library: what it derives from the chart and the
/// stack, what it keeps verbatim, and what it tells the reader.
final class ContractGeneratorTests: XCTestCase {
    static let chart = RepositoryPaths.path("charts-fixtures/bijux-atlas")
    static let cleanRender = RepositoryPaths.path("charts-fixtures/rendered/bijux-atlas.yaml")

    /// The generator the fixtures use: release and namespace atlas-e2e, the stack, the committed contract.
    static func generator(rendered: [String] = [cleanRender], chart: String = chart,
                          existing: String? = RepositoryPaths.contract) throws -> ContractGenerator {
        var generator = ContractGenerator(chartDirectory: chart, release: "atlas-e2e", namespace: "atlas-e2e",
                                          existing: try existing.map { try ContractGenerator.Existing.load($0) })
        generator.rendered = rendered
        generator.stack = [RepositoryPaths.stack]
        return generator
    }

    func testCleanFixtureReproducesTheCommittedContract() throws {
        let generator = try Self.generator()
        let result = try generator.generate()
        XCTAssertEqual(result.inputErrors, [])
        XCTAssertEqual(result.notes, [])
        XCTAssertEqual(result.contract, try ContractGenerator.Existing.load(RepositoryPaths.contract).tree)
        XCTAssertEqual(try generator.generate().contract, result.contract, "generating twice differs")
    }

    /// The reference convention, component by component: one port is
    /// `service` + `container` (named targetPort: atlas, prometheus; numeric:
    /// redis, grafana; redis's port is unnamed), several ports go by name.
    func testPortsFollowTheReferenceConvention() throws {
        let ports = try XCTUnwrap(Self.generator().generate().contract["ports"])
        XCTAssertEqual(ports, .object([
            "atlas": .object(["service": .int(8080), "container": .int(8080)]),
            "grafana": .object(["service": .int(3000), "container": .int(3000)]),
            "minio": .object(["api": .int(9000), "console": .int(9001)]),
            "otel": .object(["grpc": .int(4317), "http": .int(4318)]),
            "prometheus": .object(["service": .int(9090), "container": .int(9090)]),
            "redis": .object(["service": .int(6379), "container": .int(6379)]),
        ]))
    }

    /// A Service port whose targetPort names a different container port, and
    /// a Service without any targetPort (Kubernetes then targets the port itself).
    func testContainerIsThePortTheTargetReaches() throws {
        let folder = try temporaryFolder()
        let rendered = try write(folder, "rendered.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: atlas-e2e-bijux-atlas}
            spec:
              selector: {app.kubernetes.io/name: bijux-atlas, app.kubernetes.io/instance: atlas-e2e}
              ports: [{name: web, port: 80, targetPort: serve}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: atlas}
            spec:
              selector: {matchLabels: {app.kubernetes.io/name: bijux-atlas}}
              template:
                metadata: {labels: {app.kubernetes.io/name: bijux-atlas, app.kubernetes.io/instance: atlas-e2e}}
                spec:
                  initContainers: [{name: init, ports: [{name: serve, containerPort: 1}]}]
                  containers: [{name: atlas, ports: [{name: metrics, containerPort: 9102}, {name: serve, containerPort: 8443}]}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: plain}
            spec:
              selector: {app: plain}
              ports: [{port: 7000}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: plain}
            spec:
              selector: {matchLabels: {app: plain}}
              template:
                metadata: {labels: {app: plain}}
                spec: {containers: [{name: plain, ports: [{containerPort: 7000}]}]}
            """)
        let contract = try Self.generator(rendered: [rendered]).generate().contract
        XCTAssertEqual(contract["ports"]?["atlas"], .object(["service": .int(80), "container": .int(8443)]))
        XCTAssertEqual(contract["ports"]?["plain"], .object(["service": .int(7000), "container": .int(7000)]))
    }

    /// targetport-unnamed: `web` reaches no container port. The contract's
    /// container port is kept (the container still listens there) and the
    /// reader is told; with no contract value there is nothing to keep.
    func testAnUnresolvedTargetPortKeepsTheContainerPortAndSaysSo() throws {
        let rendered = RepositoryPaths.path("charts-fixtures/variants/targetport-unnamed/rendered.yaml")
        let result = try Self.generator(rendered: [rendered]).generate()
        XCTAssertEqual(result.contract["ports"]?["atlas"], .object(["service": .int(8080), "container": .int(8080)]))
        XCTAssertEqual(result.notes.map(\.message), [
            "Service atlas-e2e-bijux-atlas targets port web, which no container of the selected pods declares; ports.atlas.container is kept from the contract (8080)",
        ])
        XCTAssertEqual(result.notes.first?.location?.description, "\(rendered):19:19")

        let fromNothing = try Self.generator(rendered: [rendered], existing: nil).generate()
        XCTAssertEqual(fromNothing.contract["ports"]?["atlas-e2e-bijux-atlas"], .object(["service": .int(8080)]))
    }

    /// missing-service: the component keeps its name; its Service is the
    /// renamed one that selects the same pods.
    func testARenamedServiceKeepsItsComponent() throws {
        let rendered = RepositoryPaths.path("charts-fixtures/variants/missing-service/rendered.yaml")
        let result = try Self.generator(rendered: [rendered]).generate()
        XCTAssertEqual(result.contract["services"]?["atlas"]?["service_name"], .string("atlas-api"))
        XCTAssertNil(result.contract["services"]?["atlas-api"])
        XCTAssertEqual(result.notes.map(\.message), [
            "no Service named atlas-e2e-bijux-atlas for component atlas; Service atlas-api selects its pods, so it is taken as the renamed Service",
        ])
    }

    /// Without the stack, its five components have no Service: they are left
    /// out, each with a note at the contract line that declares it. A Service
    /// no component names becomes a component named after it.
    func testComponentsComeAndGoWithTheirServices() throws {
        var generator = try Self.generator()
        generator.stack = []
        let folder = try temporaryFolder()
        let extra = try write(folder, "extra.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: jaeger, namespace: atlas-e2e}
            spec:
              selector: {app: jaeger}
              ports: [{name: ui, port: 16686}, {name: otlp, port: 4317}]
            """)
        generator.rendered.append(extra)
        let result = try generator.generate()
        let services = try XCTUnwrap(result.contract["services"]?.objectValue)
        XCTAssertEqual(JSONTree.sortedKeys(services), ["atlas", "jaeger"])
        XCTAssertEqual(services["jaeger"], .object(["service_name": .string("jaeger"), "selector": .object(["app": .string("jaeger")])]))
        XCTAssertEqual(result.contract["ports"]?["jaeger"], .object(["ui": .int(16686), "otlp": .int(4317)]))
        XCTAssertNil(result.contract["ports"]?["redis"])
        let dropped = result.notes.filter { $0.message.hasPrefix("component ") }
        XCTAssertEqual(dropped.map { $0.message.split(separator: ":")[0] },
                       ["component grafana", "component minio", "component otel", "component prometheus", "component redis"])
        XCTAssertTrue(dropped.allSatisfy { $0.location?.file == RepositoryPaths.contract })
        XCTAssertTrue(result.notes.contains { $0.message == "Service jaeger is in no contract component; added as component jaeger" })
    }

    /// compatibility, layer_dependencies, ssot, namespaces, contract_version
    /// and every field generation does not know survive unchanged, down to
    /// unknown members of a component and ports of a component without a Service entry.
    func testEverythingNotDerivedIsKeptVerbatim() throws {
        let committed = try String(contentsOfFile: RepositoryPaths.contract, encoding: .utf8)
        let edited = committed
            .replacingOccurrences(of: "  \"contract_version\": \"1.0.0\",",
                                  with: "  \"contract_version\": \"1.0.0\",\n  \"x_owner\": {\"team\": \"ops\", \"tiers\": [1, \"two\", null, true, {\"k\": -3}]},")
            .replacingOccurrences(of: "      \"service_name\": \"redis\"",
                                  with: "      \"service_name\": \"redis\",\n      \"tier\": \"cache\"")
            .replacingOccurrences(of: "  \"ports\": {", with: "  \"ports\": {\n    \"sidecar\": {\"metrics\": 9102},")
        let path = try temporaryContract(edited)
        let existing = try ContractGenerator.Existing.load(path)
        let generated = try Self.generator(existing: path).generate().contract
        XCTAssertEqual(generated, existing.tree)
        XCTAssertEqual(generated["x_owner"]?["tiers"], .array([.int(1), .string("two"), .null, .bool(true), .object(["k": .int(-3)])]))
        XCTAssertEqual(generated["services"]?["redis"]?["tier"], .string("cache"))
        XCTAssertEqual(generated["ports"]?["sidecar"], .object(["metrics": .int(9102)]))
        for section in ["compatibility", "layer_dependencies", "ssot", "namespaces", "contract_version"] {
            XCTAssertEqual(generated[section], existing.tree[section], section)
        }
    }

    func testRequiredLabelsAreKeptUnlessGiven() throws {
        var generator = try Self.generator()
        XCTAssertEqual(try generator.generate().contract["labels"]?["required"],
                       .array([.string("app.kubernetes.io/name"), .string("app.kubernetes.io/instance")]))
        generator.requiredLabels = ["team", "app.kubernetes.io/name", "team"]
        let labels = try generator.generate().contract["labels"]
        XCTAssertEqual(labels?["required"], .array([.string("team"), .string("app.kubernetes.io/name")]))
        XCTAssertEqual(labels?["required_annotations"], .array([]))
    }

    /// Chart.yaml gives name, version and appVersion; the release and the
    /// namespace are the ones rendered with; required_fields is kept.
    func testReleaseMetadataComesFromChartYamlAndTheRelease() throws {
        let chart = try chartCopy(laying: RepositoryPaths.path("charts-fixtures/variants/release-metadata-drift"))
        var generator = try Self.generator(chart: chart)
        generator.release = "atlas-blue"
        generator.namespace = "atlas-blue-ns"
        let metadata = try XCTUnwrap(generator.generate().contract["release_metadata"])
        XCTAssertEqual(metadata["defaults"], .object([
            "app_version": .string("0.2.0"), "chart_name": .string("bijux-atlas"), "chart_version": .string("0.2.0"),
            "namespace": .string("atlas-blue-ns"), "release_name": .string("atlas-blue"),
        ]))
        XCTAssertEqual(metadata["required_fields"],
                       .array(ContractGenerator.defaultRequiredFields.map { JSONTree.string($0) }))
    }

    /// namespace-drift: namespaces are not derived, so the contract keeps
    /// atlas-e2e, but generation says the chart now renders elsewhere.
    func testNamespacesAreKeptAndAMoveIsNoted() throws {
        let rendered = RepositoryPaths.path("charts-fixtures/variants/namespace-drift/rendered.yaml")
        let result = try Self.generator(rendered: [rendered]).generate()
        XCTAssertEqual(result.contract, try ContractGenerator.Existing.load(RepositoryPaths.contract).tree)
        XCTAssertEqual(result.notes.map(\.message), [
            "2 resources of the k8s layer sit in namespace atlas-staging (first: Service atlas-e2e-bijux-atlas); namespaces.k8s is kept as \"atlas-e2e\": namespaces are not derived, edit the contract by hand if the move is intended",
        ])
    }

    /// A first contract is complete: what cannot be derived gets its
    /// conventional value, every layer in the release's namespace.
    func testWithoutAContractEverySectionIsWritten() throws {
        let result = try Self.generator(existing: nil).generate()
        XCTAssertEqual(JSONTree.sortedKeys(try XCTUnwrap(result.contract.objectValue)),
                       ["compatibility", "contract_version", "labels", "layer_dependencies", "namespaces", "ports",
                        "release_metadata", "services", "ssot"])
        XCTAssertEqual(result.contract["contract_version"], .string("1.0.0"))
        XCTAssertEqual(result.contract["namespaces"]?["k8s"], result.contract["release_metadata"]?["defaults"]?["namespace"])
        XCTAssertEqual(result.contract["labels"], .object(["required": .array([]), "required_annotations": .array([])]))
        XCTAssertEqual(result.contract["services"]?["atlas-e2e-bijux-atlas"]?["service_name"], .string("atlas-e2e-bijux-atlas"))
        XCTAssertTrue(result.notes.first?.message.hasPrefix("no existing contract") ?? false)
    }

    // MARK: - Faults

    func testUnreadableInputsAreErrorsNotPartialContracts() throws {
        let folder = try temporaryFolder()
        let broken = try write(folder, "broken.yaml", "kind: Service\nmetadata: [\n")
        let result = try Self.generator(rendered: [broken, folder + "/absent.yaml"]).generate()
        XCTAssertEqual(result.inputErrors.map { "\($0.location.file):\($0.location.line)" },
                       ["\(folder)/absent.yaml:1", "\(broken):3"])
    }

    func testAContractThatCannotBeUsedNamesItsLine() throws {
        let wrongType = try temporaryContract("{\n  \"services\": {\n    \"atlas\": {\"service_name\": 3}\n  }\n}\n")
        XCTAssertThrowsError(try ContractGenerator.Existing.load(wrongType)) { error in
            XCTAssertEqual((error as? LayerContractError)?.description,
                           "\(wrongType):3:31: error: `services.atlas.service_name` must be a string")
        }
        let fraction = try temporaryContract("{\n  \"ratio\": 0.5\n}\n")
        XCTAssertThrowsError(try ContractGenerator.Existing.load(fraction)) { error in
            XCTAssertEqual((error as? LayerContractError)?.location.description, "\(fraction):2:12")
        }
        let syntax = try temporaryContract("{\n  \"services\": {,\n}\n")
        XCTAssertThrowsError(try ContractGenerator.Existing.load(syntax)) { error in
            XCTAssertEqual((error as? LayerContractError)?.location.line, 2)
        }
        var generator = try Self.generator()
        generator.chartDirectory = "/nonexistent/chart"
        XCTAssertThrowsError(try generator.generate()) { error in
            XCTAssertEqual((error as? LayerContractError)?.location.file, "/nonexistent/chart")
        }
    }

    // MARK: - Helpers

    private func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("render-check-generate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder.path
    }

    private func temporaryContract(_ text: String) throws -> String {
        try write(temporaryFolder(), "layers.json", text)
    }

    private func write(_ folder: String, _ name: String, _ text: String) throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The fixture chart with a variant's Chart.yaml and templates laid over it.
    private func chartCopy(laying variant: String) throws -> String {
        let copy = try temporaryFolder() + "/bijux-atlas"
        try FileManager.default.copyItem(atPath: Self.chart, toPath: copy)
        for name in ["Chart.yaml", "templates"] where FileManager.default.fileExists(atPath: variant + "/" + name) {
            let files = name == "Chart.yaml" ? ["Chart.yaml"]
                : try FileManager.default.subpathsOfDirectory(atPath: variant + "/templates").map { "templates/" + $0 }
            for file in files where !FilePath.isDirectory(variant + "/" + file) {
                try? FileManager.default.removeItem(atPath: copy + "/" + file)
                try FileManager.default.copyItem(atPath: variant + "/" + file, toPath: copy + "/" + file)
            }
        }
        return copy
    }
}

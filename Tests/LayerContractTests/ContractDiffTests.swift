import Foundation
import LayerContract
import ManifestModel
import XCTest

/// `contract diff`: the paths regenerating would change, and for every drift
/// variant exactly the contract paths that drift is about.
final class ContractDiffTests: XCTestCase {
    func testChangesAreListedByPathInWrittenOrder() {
        let old: JSONTree = .object([
            "ports": .object(["atlas": .object(["service": .int(8080), "container": .int(8080)])]),
            "services": .object(["gone": .object(["service_name": .string("gone")])]),
            "labels": .object(["required": .array([.string("a"), .string("b")])]),
            "Zeta": .null,
        ])
        let new: JSONTree = .object([
            "ports": .object(["atlas": .object(["service": .int(9090), "container": .int(8080)])]),
            "services": .object(["new": .object(["service_name": .string("new")])]),
            "labels": .object(["required": .array([.string("b"), .string("a")])]),
            "Zeta": .object([:]),
        ])
        let diff = ContractDiff(from: old, to: new)
        XCTAssertEqual(diff.changes.map(\.summary), [
            "changed Zeta: null -> {}",
            "changed labels.required: [\"a\", \"b\"] -> [\"b\", \"a\"]",
            "changed ports.atlas.service: 8080 -> 9090",
            "removed services.gone: {\"service_name\": \"gone\"}",
            "added services.new: {\"service_name\": \"new\"}",
        ])
        XCTAssertEqual(diff.changes.map(\.kind), [.changed, .changed, .changed, .removed, .added])
        XCTAssertTrue(ContractDiff(from: new, to: new).isEmpty)
    }

    func testATypeChangeIsOneChangeNotAListOfMembers() {
        let diff = ContractDiff(from: .object(["a": .object(["b": .int(1)])]), to: .object(["a": .array([.int(1)])]))
        XCTAssertEqual(diff.changes.map(\.summary), ["changed a: {\"b\": 1} -> [1]"])
    }

    func testCompactTextEscapesLikeJSON() {
        XCTAssertEqual(JSONTree.string("a\"b\\c\nd\u{1}é").compactText, "\"a\\\"b\\\\c\\nd\\u0001é\"")
        XCTAssertEqual(JSONTree.object(["b": .bool(false), "a": .int(-1)]).compactText, "{\"a\": -1, \"b\": false}")
    }

    /// Changes point at the contract line to edit; an added member at the
    /// nearest object that exists.
    func testChangesAreLocatedInTheOldContract() throws {
        let path = try temporaryContract("{\n  \"ports\": {\n    \"atlas\": {\"service\": 8080}\n  }\n}\n")
        let existing = try ContractGenerator.Existing.load(path)
        let new: JSONTree = .object(["ports": .object(["atlas": .object(["service": .int(9090), "container": .int(8080)])]),
                                     "services": .object([:])])
        let diff = ContractDiff(from: existing.tree, to: new)
        XCTAssertEqual(diff.changes.map { "\(ContractDiff.location(of: $0, in: existing.locations)!.description) \($0.summary)" }, [
            "\(path):3:14 added ports.atlas.container: 8080",
            "\(path):3:26 changed ports.atlas.service: 8080 -> 9090",
            "\(path):1:1 added services: {}",
        ])
    }

    // MARK: - The drift variants

    /// What regenerating the contract from each variant's committed
    /// rendered.yaml (plus the stack, release and namespace atlas-e2e, and the
    /// variant's Chart.yaml over the chart) changes in ops/inventory/layers.json,
    /// and why. A drift the contract cannot express changes nothing: the
    /// runbook fixes it in the owning layer, not by regenerating.
    static let expected: [String: [String]] = [
        // service.port 9090: the single port is recorded as `service`; the
        // container port (targetPort http -> 8080) is unchanged.
        "port-drift": ["changed ports.atlas.service: 8080 -> 9090"],
        // fullnameOverride renames the Service; atlas-api selects exactly the
        // atlas pods, so it is the same component under a new name.
        "missing-service": ["changed services.atlas.service_name: \"atlas-e2e-bijux-atlas\" -> \"atlas-api\""],
        // The changed selector pair is the Service's selector now. No pod
        // carries it, so the container port cannot be resolved and is kept.
        "selector-drift": ["changed services.atlas.selector.app.kubernetes.io/instance: \"atlas-e2e\" -> \"atlas-e2e-canary\""],
        // The extra selector pair is part of the Service's selector; container kept as above.
        "dangling-service": ["added services.atlas.selector.app.kubernetes.io/component: \"api\""],
        // Chart.yaml 0.2.0 / 0.2.0.
        "release-metadata-drift": [
            "changed release_metadata.defaults.app_version: \"0.1.0\" -> \"0.2.0\"",
            "changed release_metadata.defaults.chart_version: \"0.1.0\" -> \"0.2.0\"",
        ],
        // labels.required is kept unless --required-label is given: the
        // Deployment must get its label back (fix the chart, runbook step 2).
        "missing-label": [],
        // namespaces are kept verbatim and the release namespace is still
        // atlas-e2e; generation notes the move on standard error instead.
        "namespace-drift": [],
        // targetPort web reaches no container port: container 8080 is kept
        // (the container still listens there) and the dangling name is noted.
        "targetport-unnamed": [],
        // The Rollout's pods declare http: 8080, as the Deployment's did.
        "rollout": [],
        // The container port now reads service.port (8080): same numbers.
        "unused-server-port": [],
    ]

    func testEachVariantChangesExactlyItsDriftedContractPaths() throws {
        let variants = try FileManager.default.contentsOfDirectory(atPath: RepositoryPaths.path("charts-fixtures/variants")).sorted()
        XCTAssertEqual(Set(variants).intersection(Self.expected.keys).count, Self.expected.count, "a variant of this table is gone")
        let existing = try ContractGenerator.Existing.load(RepositoryPaths.contract)
        for name in variants {
            guard let expected = Self.expected[name] else {
                XCTFail("variant \(name) has no expected contract diff: add it to ContractDiffTests.expected")
                continue
            }
            let folder = RepositoryPaths.path("charts-fixtures/variants/\(name)")
            let chart = try Self.chart(for: folder)
            defer { Self.removeCopy(chart) }
            var generator = ContractGenerator(chartDirectory: chart, release: "atlas-e2e",
                                              namespace: "atlas-e2e", existing: existing)
            generator.rendered = [folder + "/rendered.yaml"]
            generator.stack = [RepositoryPaths.stack]
            let result = try generator.generate()
            XCTAssertEqual(result.inputErrors, [], name)
            XCTAssertEqual(ContractDiff(from: existing.tree, to: result.contract).changes.map(\.summary), expected, name)
        }
    }

    /// A contract whose release metadata lags Chart.yaml is out of date.
    func testAContractBehindChartYamlIsOutOfDate() throws {
        let committed = try String(contentsOfFile: RepositoryPaths.contract, encoding: .utf8)
        let lagging = try temporaryContract(committed.replacingOccurrences(
            of: "\"chart_version\": \"0.1.0\"", with: "\"chart_version\": \"0.0.9\""))
        let existing = try ContractGenerator.Existing.load(lagging)
        var generator = ContractGenerator(chartDirectory: RepositoryPaths.path("charts-fixtures/bijux-atlas"),
                                          release: "atlas-e2e", namespace: "atlas-e2e", existing: existing)
        generator.rendered = [RepositoryPaths.path("charts-fixtures/rendered/bijux-atlas.yaml")]
        generator.stack = [RepositoryPaths.stack]
        let diff = ContractDiff(from: existing.tree, to: try generator.generate().contract)
        XCTAssertEqual(diff.changes.map(\.summary), ["changed release_metadata.defaults.chart_version: \"0.0.9\" -> \"0.1.0\""])
    }

    /// The fixture chart, or for a variant that replaces Chart.yaml or
    /// templates, a temporary copy with the variant's files laid over it.
    static func chart(for variant: String) throws -> String {
        let chart = RepositoryPaths.path("charts-fixtures/bijux-atlas")
        let manager = FileManager.default
        let replaced = ["Chart.yaml"] + ((try? manager.subpathsOfDirectory(atPath: variant + "/templates")) ?? [])
            .map { "templates/" + $0 }
        let files = replaced.filter { manager.fileExists(atPath: variant + "/" + $0) && !FilePath.isDirectory(variant + "/" + $0) }
        guard !files.isEmpty else { return chart }
        let copy = manager.temporaryDirectory.appendingPathComponent("render-check-variant-\(UUID().uuidString)/bijux-atlas").path
        try manager.createDirectory(atPath: FilePath.directory(of: copy), withIntermediateDirectories: true)
        try manager.copyItem(atPath: chart, toPath: copy)
        for file in files {
            try? manager.removeItem(atPath: copy + "/" + file)
            try manager.copyItem(atPath: variant + "/" + file, toPath: copy + "/" + file)
        }
        return copy
    }

    /// A contract file in a temporary folder removed after the test.
    private func temporaryContract(_ text: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("render-check-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("layers.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func removeCopy(_ chart: String) {
        guard chart != RepositoryPaths.path("charts-fixtures/bijux-atlas") else { return }
        try? FileManager.default.removeItem(atPath: FilePath.directory(of: chart))
    }
}

import Foundation
import XCTest

/// `render-check check` end to end, through the real binary, on the
/// project's fixtures: the triage each drift variant must produce, the exit
/// status, the artifact, and the formats.
final class CheckCommandTests: XCTestCase {
    static let root = CLIRunner.packageRoot
    static let today = "2026-11-28"

    struct Variant {
        var name: String
        var values: [String]
        var set: [String]
        var release: String
        var namespace: String
        /// Variants that replace templates or Chart.yaml are checked without
        /// --chart: the committed chart is not what rendered them.
        var replacesChartFiles: Bool
        var expectedActive: [String]
        /// Warnings only the chart-aware checks can give (`values.<path>.unused`).
        var expectedWarnings: [String]
    }

    static func variants() throws -> [Variant] {
        let directory = root.appendingPathComponent("charts-fixtures/variants")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map { name in
            let folder = directory.appendingPathComponent(name)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("variant.json"))) as! [String: Any]
            let replaces = FileManager.default.fileExists(atPath: folder.appendingPathComponent("templates").path)
                || FileManager.default.fileExists(atPath: folder.appendingPathComponent("Chart.yaml").path)
            return Variant(name: name, values: json["values"] as! [String], set: json["set"] as! [String],
                           release: json["release"] as! String, namespace: json["namespace"] as! String,
                           replacesChartFiles: replaces,
                           expectedActive: (json["expected_active"] as! [String]).sorted(),
                           expectedWarnings: ((json["expected_warnings"] as? [String]) ?? []).sorted())
        }
    }

    /// The arguments to check one variant with its chart, overlays and --set.
    /// The variants' expected triages are the static reading's: `--ownership
    /// static` keeps them independent of whether a Helm is on PATH.
    static func arguments(for variant: Variant, format: String = "json", chart: String = "charts-fixtures/bijux-atlas",
                          ownership: String = "static") -> [String] {
        let folder = "charts-fixtures/variants/\(variant.name)"
        var arguments = ["check", "\(folder)/rendered.yaml", "--ownership", ownership, "--stack", "charts-fixtures/stack",
                         "--contract", "ops/inventory/layers.json",
                         "--allowlist", "ops/policy/layer-live-diff-allowlist.json",
                         "--namespace", variant.namespace, "--today", today, "--format", format, "--no-config",
                         "--chart", chart, "--release", variant.release]
        for file in variant.values { arguments += ["-f", "\(folder)/\(file)"] }
        for expression in variant.set { arguments += ["--set", expression] }
        return arguments
    }

    /// The chart that rendered a variant: the fixture chart with the
    /// variant's own Chart.yaml and templates laid over it, in a temporary
    /// folder; and how to name its files by where they really live.
    static func variantChart(_ variant: Variant) throws -> (path: String, realPaths: [(String, String)], cleanup: () -> Void) {
        guard variant.replacesChartFiles else { return ("charts-fixtures/bijux-atlas", [], {}) }
        let manager = FileManager.default
        let temporary = manager.temporaryDirectory.appendingPathComponent("rc-chart-\(UUID().uuidString)")
        let copy = temporary.appendingPathComponent("bijux-atlas")
        try manager.createDirectory(at: temporary, withIntermediateDirectories: true)
        try manager.copyItem(at: root.appendingPathComponent("charts-fixtures/bijux-atlas"), to: copy)
        let folder = "charts-fixtures/variants/\(variant.name)"
        var realPaths: [(String, String)] = []
        let base = root.appendingPathComponent("charts-fixtures/bijux-atlas")
        for relative in try manager.subpathsOfDirectory(atPath: base.path).sorted() {
            realPaths.append((copy.path + "/" + relative, "charts-fixtures/bijux-atlas/" + relative))
        }
        for relative in try manager.subpathsOfDirectory(atPath: root.appendingPathComponent(folder).path).sorted()
        where relative == "Chart.yaml" || relative.hasPrefix("templates/") {
            let target = copy.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            manager.fileExists(atPath: root.appendingPathComponent("\(folder)/\(relative)").path, isDirectory: &isDirectory)
            guard !isDirectory.boolValue else { continue }
            try? manager.removeItem(at: target)
            try manager.copyItem(at: root.appendingPathComponent("\(folder)/\(relative)"), to: target)
            realPaths.removeAll { $0.0 == target.path }
            realPaths.append((target.path, "\(folder)/\(relative)"))
        }
        realPaths.sort { $0.0.count > $1.0.count }
        realPaths.append((copy.path, "charts-fixtures/bijux-atlas"))
        return (copy.path, realPaths, { try? manager.removeItem(at: temporary) })
    }

    static func runVariant(_ variant: Variant, format: String = "json") throws -> CLIResult {
        let chart = try variantChart(variant)
        defer { chart.cleanup() }
        var result = try CLIRunner.run(arguments(for: variant, format: format, chart: chart.path), in: root)
        for (temporary, real) in chart.realPaths {
            result.stdout = result.stdout.replacingOccurrences(of: temporary, with: real)
        }
        return result
    }

    func testEveryVariantProducesItsExpectedTriage() throws {
        let update = ProcessInfo.processInfo.environment["RENDER_CHECK_UPDATE_GOLDEN"] == "1"
        for variant in try Self.variants() {
            let result = try Self.runVariant(variant)
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
            let active = json["active_differences"] as! [[String: Any]]
            let errors = active.filter { $0["severity"] as? String == "error" }.map { $0["diff_key"] as! String }
            let warnings = active.filter { $0["severity"] as? String == "warning" }.map { $0["diff_key"] as! String }
            XCTAssertEqual(errors.sorted(), variant.expectedActive, variant.name)
            XCTAssertEqual(warnings.sorted(), variant.expectedWarnings, variant.name)
            XCTAssertEqual(result.status, errors.isEmpty ? 0 : 1, "\(variant.name): \(result.stderr)")
            let expected = Self.root.appendingPathComponent("charts-fixtures/variants/\(variant.name)/expected-triage.json")
            if update { try result.stdout.write(to: expected, atomically: true, encoding: .utf8) }
            XCTAssertEqual(result.stdout, try String(contentsOf: expected, encoding: .utf8),
                           "\(variant.name): triage differs from expected-triage.json (RENDER_CHECK_UPDATE_GOLDEN=1 rewrites it)")
        }
    }

    func testValuesOverlayDriftIsOwnedByTheOverlayLine() throws {
        let variant = try XCTUnwrap(Self.variants().first { $0.name == "port-drift" })
        let result = try Self.runVariant(variant, format: "text")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains(
            "charts-fixtures/variants/port-drift/rendered.yaml:18:13: error: Service atlas-e2e-bijux-atlas port `service` is 9090; the contract's ports.atlas.service is 8080 [service.atlas.port.service] owner: values.service.port at charts-fixtures/variants/port-drift/values-port-drift.yaml:"),
                      result.stdout)
    }

    func testSetOverrideThatRenamesTheServiceOwnsTheMissingFinding() throws {
        let variant = try XCTUnwrap(Self.variants().first { $0.name == "missing-service" })
        let result = try CLIRunner.run(Self.arguments(for: variant, format: "text"), in: Self.root)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("[service.atlas.missing] owner: values.fullnameOverride at --set:1:1"), result.stdout)
    }

    func testBareRunUsesTheRepositoryConfigurationAndWritesTheArtifactAtomically() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("rc-\(UUID().uuidString)/deep/triage.json")
        let result = try CLIRunner.run(["--today", Self.today, "--output", output.path], in: Self.root)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.hasSuffix("render-check: 0 errors, 0 warnings, 1 suppressed, 0 allowlist errors in 12 resources from 6 inputs\n"),
                      result.stdout)
        let artifact = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as! [String: Any]
        XCTAssertEqual((artifact["suppressed_differences"] as! [[String: Any]]).map { $0["exception_id"] as! String },
                       ["otel-instance-label"])
        let siblings = try FileManager.default.contentsOfDirectory(atPath: output.deletingLastPathComponent().path)
        XCTAssertEqual(siblings, ["triage.json"], "no temporary file is left beside the artifact")
    }

    func testJSONAndSARIFAreByteStableAcrossRuns() throws {
        let variant = try XCTUnwrap(Self.variants().first { $0.name == "selector-drift" })
        for format in ["json", "sarif", "text", "github"] {
            let first = try Self.runVariant(variant, format: format)
            let second = try Self.runVariant(variant, format: format)
            XCTAssertEqual(first.stdout, second.stdout, format)
            XCTAssertFalse(first.stdout.isEmpty, format)
        }
    }

    func testSARIFFromTheCLIValidatesAgainstTheOASISSchema() throws {
        let schema = Self.root.deletingLastPathComponent().appendingPathComponent("shared/reference/sarif-schema-2.1.0.json")
        guard FileManager.default.fileExists(atPath: schema.path) else { throw XCTSkip("shared SARIF schema absent") }
        let variant = try XCTUnwrap(Self.variants().first { $0.name == "port-drift" })
        let result = try CLIRunner.run(Self.arguments(for: variant, format: "sarif"), in: Self.root)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rc-\(UUID().uuidString).sarif")
        try result.stdout.write(to: file, atomically: true, encoding: .utf8)
        let validator = Process()
        validator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        validator.arguments = ["python3", "-c", """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); document = json.load(open(sys.argv[2]))
            jsonschema.Draft4Validator(schema).validate(document)
            results = document["runs"][0]["results"]
            assert any(r["ruleId"] == "service-port" and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("values-port-drift.yaml") for r in results), results
            """, schema.path, file.path]
        let errors = Pipe()
        validator.standardError = errors
        try validator.run()
        validator.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(validator.terminationStatus, 0, message)
    }

    func testExitStatusesOfBadInvocationsAndInputs() throws {
        let missingContract = try CLIRunner.run(["check", "charts-fixtures/rendered/bijux-atlas.yaml", "--contract", "nope.json"], in: Self.root)
        XCTAssertEqual(missingContract.status, 2)
        XCTAssertTrue(missingContract.stderr.contains("nope.json:1:1: error:"), missingContract.stderr)

        let badDate = try CLIRunner.run(["check", "--today", "28/11/2026"], in: Self.root)
        XCTAssertEqual(badDate.status, 2)
        XCTAssertTrue(badDate.stderr.contains("--today must be a date written YYYY-MM-DD"), badDate.stderr)

        let badFormat = try CLIRunner.run(["check", "--format", "xml"], in: Self.root)
        XCTAssertEqual(badFormat.status, 2)

        let broken = try TemporaryTree(["broken.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: [unclosed\n"])
        defer { broken.remove() }
        let output = broken.root.appendingPathComponent("out/triage.json")
        let syntax = try CLIRunner.run(["check", broken.root.appendingPathComponent("broken.yaml").path, "--no-config",
                                        "--contract", "ops/inventory/layers.json", "--output", output.path], in: Self.root)
        XCTAssertEqual(syntax.status, 2)
        XCTAssertTrue(syntax.stdout.contains("broken.yaml:4:1: error:") || syntax.stderr.contains("broken.yaml:4:1: error:"),
                      syntax.stdout + syntax.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), "no artifact from unreadable input")
    }

    func testAllowlistErrorsFailTheRunAndAreReportedWithPositions() throws {
        let tree = try TemporaryTree(["allow.json": """
            {"schema_version": 1, "exceptions": [
              {"id": "late", "diff_key": "service.atlas.port.service", "owner": "o", "issue": "I-1", "expiry": "2026-01-01", "justification": "j"},
              {"id": "wide", "diff_key": "service.*", "owner": "o", "issue": "I-2", "expiry": "2027-01-01", "justification": "j"}
            ]}
            """])
        defer { tree.remove() }
        let result = try CLIRunner.run(["check", "charts-fixtures/rendered/bijux-atlas.yaml", "--stack", "charts-fixtures/stack",
                                        "--no-config", "--contract", "ops/inventory/layers.json",
                                        "--allowlist", tree.root.appendingPathComponent("allow.json").path,
                                        "--today", Self.today, "--format", "json"], in: Self.root)
        XCTAssertEqual(result.status, 1)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let errors = json["allowlist_errors"] as! [String]
        XCTAssertTrue(errors.contains("late: expired on 2026-01-01"), "\(errors)")
        XCTAssertTrue(errors.contains { $0.hasPrefix("wide: broad pattern `service.*`") }, "\(errors)")
        // With no valid exception, the otel label difference is active again.
        XCTAssertEqual((json["active_differences"] as! [[String: Any]]).map { $0["diff_key"] as! String },
                       ["deployment.otel-collector.label.app.kubernetes.io/instance"])
    }

    func testStandardInputAndRenderGiveTheSameFindings() throws {
        let rendered = try Data(contentsOf: Self.root.appendingPathComponent("charts-fixtures/variants/port-drift/rendered.yaml"))
        let piped = try CLIRunner.run(["check", "-", "--no-config", "--contract", "ops/inventory/layers.json",
                                       "--stack", "charts-fixtures/stack", "--format", "json", "--today", Self.today],
                                      stdin: rendered, in: Self.root)
        XCTAssertEqual(piped.status, 1)
        XCTAssertTrue(piped.stdout.contains("\"diff_key\": \"service.atlas.port.service\""))
        XCTAssertTrue(piped.stdout.contains("\"file\": \"<stdin>\""))
    }

    func testBlameJSONNamesTheValuesLineOfEveryValueDrivenScalar() throws {
        let result = try CLIRunner.run(["blame", "--chart", "charts-fixtures/bijux-atlas", "--format", "json",
                                        "charts-fixtures/rendered/bijux-atlas.yaml"], in: Self.root)
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(json["schema_version"] as? Int, 1)
        let leaves = json["leaves"] as! [[String: Any]]
        let port = try XCTUnwrap(leaves.first { $0["path"] as? String == "spec.ports[name=http].port" })
        XCTAssertEqual(port["value"] as? String, "8080")
        XCTAssertEqual(port["line"] as? Int, 18)
        XCTAssertEqual(port["column"] as? Int, 13)
        XCTAssertEqual(port["source"] as? String, "bijux-atlas/templates/service.yaml")
        let owner = port["owner"] as! [String: Any]
        XCTAssertEqual(owner["layer"] as? String, "values")
        XCTAssertEqual(owner["anchor"] as? String, "values.service.port")
        XCTAssertEqual(owner["file"] as? String, "charts-fixtures/bijux-atlas/values.yaml")
        let name = try XCTUnwrap(leaves.first { $0["path"] as? String == "metadata.name" })
        let nameOwner = name["owner"] as! [String: Any]
        XCTAssertEqual(nameOwner["layer"] as? String, "chart-templates")
        XCTAssertEqual(nameOwner["controlled_by"] as? [String], ["values.fullnameOverride", "values.nameOverride"])
    }
}

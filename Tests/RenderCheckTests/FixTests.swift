import Foundation
import XCTest

/// `check --fix` and `--fix --dry-run` end to end, through the real binary,
/// on copies of the fixture chart and variants in a temporary folder (the
/// repository's fixtures are never edited).
final class FixTests: XCTestCase {
    static let root = CLIRunner.packageRoot

    /// A folder with the fixture chart, stack and contract, and the variant's files.
    struct Workspace {
        let folder: URL
        func path(_ relative: String) -> String { folder.appendingPathComponent(relative).path }
        func text(_ relative: String) throws -> String { try String(contentsOfFile: path(relative), encoding: .utf8) }
        func write(_ relative: String, _ text: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path(relative))) }
    }

    func makeWorkspace(variant: String?) throws -> Workspace {
        let manager = FileManager.default
        let folder = manager.temporaryDirectory.appendingPathComponent("rc-fix-\(UUID().uuidString)")
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? manager.removeItem(at: folder) }
        for (from, to) in [("charts-fixtures/bijux-atlas", "bijux-atlas"), ("charts-fixtures/stack", "stack"), ("ops", "ops")] {
            try manager.copyItem(at: Self.root.appendingPathComponent(from), to: folder.appendingPathComponent(to))
        }
        if let variant {
            let source = Self.root.appendingPathComponent("charts-fixtures/variants/\(variant)")
            for name in try manager.contentsOfDirectory(atPath: source.path) where name.hasPrefix("values-") || name == "rendered.yaml" {
                try manager.copyItem(at: source.appendingPathComponent(name), to: folder.appendingPathComponent(name))
            }
        }
        return Workspace(folder: folder)
    }

    static func checkArguments(_ extra: [String]) -> [String] {
        ["check", "--contract", "ops/inventory/layers.json", "--allowlist", "ops/policy/layer-live-diff-allowlist.json",
         "--namespace", "atlas-e2e", "--today", "2026-11-28", "--no-config", "--chart", "bijux-atlas",
         "--release", "atlas-e2e", "--format", "json"] + extra
    }

    static func activeKeys(_ result: CLIResult) throws -> [String] {
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stderr)
        return (json["active_differences"] as! [[String: Any]]).map { $0["diff_key"] as! String }.sorted()
    }

    /// Helm as the brief finds it: RENDER_CHECK_HELM, the repository's own, PATH, then /opt/helm.
    static func helm() -> String? {
        let environment = ProcessInfo.processInfo.environment
        var candidates = [environment["RENDER_CHECK_HELM"], root.appendingPathComponent(".build-tools/bin/helm").path].compactMap { $0 }
        candidates += (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/helm" }
        candidates.append("/opt/helm/bin/helm")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    // MARK: - Values-owned drift

    func testDryRunPrintsTheDiffAndWritesNothing() throws {
        let workspace = try makeWorkspace(variant: "port-drift")
        let before = try workspace.text("values-port-drift.yaml")
        let result = try CLIRunner.run(Self.checkArguments(["-f", "values-port-drift.yaml", "--fix", "--dry-run"]), in: workspace.folder)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(result.stdout, """
            --- a/values-port-drift.yaml
            +++ b/values-port-drift.yaml
            @@ -1,4 +1,4 @@
             # Someone moved the Service to 9090 (it collides with nothing in the chart,
             # but the contract says ports.atlas.service is 8080).
             service:
            -  port: 9090
            +  port: 8080

            """)
        XCTAssertTrue(result.stderr.contains("would fix values.service.port at values-port-drift.yaml:4:3: 9090 -> 8080 [service.atlas.port.service]"), result.stderr)
        XCTAssertEqual(try workspace.text("values-port-drift.yaml"), before)
    }

    func testFixChangesOnlyThatScalarAndTheSameCheckIsThenClean() throws {
        let workspace = try makeWorkspace(variant: "port-drift")
        // Comments, a quoted string and key order around the scalar must survive byte for byte.
        let before = """
            # Someone moved the Service.
            service:
              type: 'ClusterIP'   # quoted on purpose
              port: 9090 # was 8080
              portName: "http"
            """
        try workspace.write("values-port-drift.yaml", before)
        let arguments = Self.checkArguments(["-f", "values-port-drift.yaml"])
        XCTAssertEqual(try Self.activeKeys(CLIRunner.run(arguments, in: workspace.folder)), ["service.atlas.port.service"])

        let fixed = try CLIRunner.run(arguments + ["--fix"], in: workspace.folder)
        XCTAssertEqual(fixed.status, 0, fixed.stderr)
        XCTAssertEqual(try Self.activeKeys(fixed), [])
        XCTAssertEqual(try workspace.text("values-port-drift.yaml"), before.replacingOccurrences(of: "port: 9090", with: "port: 8080"))
        // The same check, run again, reports none of the fixed keys.
        let again = try CLIRunner.run(arguments, in: workspace.folder)
        XCTAssertEqual(again.status, 0, again.stdout)
        XCTAssertEqual(try Self.activeKeys(again), [])
    }

    func testFixKeepsAStringsQuotes() throws {
        let workspace = try makeWorkspace(variant: "namespace-drift")
        try workspace.write("values-namespace.yaml", "# staging\nnamespaceOverride: 'atlas-staging'  # moved\n")
        guard let helm = Self.helm() else { throw XCTSkip("no helm binary (RENDER_CHECK_HELM, .build-tools/bin/helm, PATH, /opt/helm/bin/helm)") }
        let arguments = Self.checkArguments(["-f", "values-namespace.yaml", "--render", "--stack", "stack"])
        let fixed = try CLIRunner.run(arguments + ["--fix"], in: workspace.folder, environment: ["RENDER_CHECK_HELM": helm])
        XCTAssertEqual(try workspace.text("values-namespace.yaml"), "# staging\nnamespaceOverride: 'atlas-e2e'  # moved\n")
        XCTAssertFalse(try Self.activeKeys(fixed).contains { $0.hasSuffix(".namespace") }, fixed.stdout)
    }

    /// With a real `helm template` before and after: the rendered drift is gone.
    func testFixThenRenderAgainWithHelm() throws {
        guard let helm = Self.helm() else { throw XCTSkip("no helm binary") }
        let workspace = try makeWorkspace(variant: "port-drift")
        let arguments = Self.checkArguments(["-f", "values-port-drift.yaml", "--render", "--stack", "stack"])
        let environment = ["RENDER_CHECK_HELM": helm]
        XCTAssertEqual(try Self.activeKeys(CLIRunner.run(arguments, in: workspace.folder, environment: environment)),
                       ["service.atlas.port.service"])
        let fixed = try CLIRunner.run(arguments + ["--fix"], in: workspace.folder, environment: environment)
        XCTAssertEqual(fixed.status, 0, fixed.stderr + fixed.stdout)
        XCTAssertTrue(fixed.stderr.contains("fixed values.service.port at values-port-drift.yaml:4:3: 9090 -> 8080"), fixed.stderr)
        XCTAssertEqual(try Self.activeKeys(CLIRunner.run(arguments, in: workspace.folder, environment: environment)), [])
    }

    // MARK: - SARIF

    /// SARIF results carry the same edit as `fixes`, valid against the OASIS
    /// schema; made by hand from the log, the edit gives the file `--fix` writes.
    func testSARIFFixesAreTheSameEditAndValidateAgainstTheSchema() throws {
        let schema = Self.root.deletingLastPathComponent().appendingPathComponent("shared/reference/sarif-schema-2.1.0.json")
        guard FileManager.default.fileExists(atPath: schema.path) else { throw XCTSkip("shared SARIF schema absent") }
        let workspace = try makeWorkspace(variant: "port-drift")
        let arguments = Self.checkArguments(["rendered.yaml", "-f", "values-port-drift.yaml"]).filter { $0 != "json" && $0 != "--format" }
        let sarif = try CLIRunner.run(arguments + ["--format", "sarif"], in: workspace.folder)
        XCTAssertEqual(sarif.status, 1, sarif.stderr)
        let log = workspace.path("log.sarif")
        try workspace.write("log.sarif", sarif.stdout)
        let expected = workspace.path("expected.yaml")
        let validator = Process()
        validator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        validator.arguments = ["python3", "-c", """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); document = json.load(open(sys.argv[2]))
            jsonschema.Draft4Validator(schema).validate(document)
            results = [r for r in document["runs"][0]["results"] if "fixes" in r]
            assert [r["properties"]["diffKey"] for r in results] == ["service.atlas.port.service"], results
            change = results[0]["fixes"][0]["artifactChanges"][0]
            assert change["artifactLocation"]["uri"] == "values-port-drift.yaml", change
            replacement = change["replacements"][0]
            region = replacement["deletedRegion"]
            lines = open(sys.argv[3], encoding="utf-8").read().split("\\n")
            line = lines[region["startLine"] - 1]
            assert region["startLine"] == region["endLine"]
            lines[region["startLine"] - 1] = line[:region["startColumn"] - 1] + replacement["insertedContent"]["text"] + line[region["endColumn"] - 1:]
            open(sys.argv[4], "w", encoding="utf-8").write("\\n".join(lines))
            """, schema.path, log, workspace.path("values-port-drift.yaml"), expected]
        let errors = Pipe()
        validator.standardError = errors
        try validator.run()
        validator.waitUntilExit()
        XCTAssertEqual(validator.terminationStatus, 0, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))

        let fixed = try CLIRunner.run(arguments + ["--fix"], in: workspace.folder)
        XCTAssertTrue(fixed.stderr.contains("fixed values.service.port"), fixed.stderr)
        XCTAssertEqual(try workspace.text("values-port-drift.yaml"), try String(contentsOfFile: expected, encoding: .utf8))
    }

    // MARK: - What is not fixed

    func testSetOwnedDriftIsNamedNotEdited() throws {
        let workspace = try makeWorkspace(variant: nil)
        let result = try CLIRunner.run(Self.checkArguments(["--set", "service.port=9191", "--fix", "--dry-run"]), in: workspace.folder)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("not fixable [service.atlas.port.service]: values.service.port is set by --set argument 1: change that argument"), result.stderr)
    }

    func testStackAndTemplateOwnedDriftAreListedWithTheirOwnerLine() throws {
        let workspace = try makeWorkspace(variant: "selector-drift")
        // A stack manifest moved out of its namespace: the stack owns it.
        var redis = try workspace.text("stack/redis.yaml")
        let range = try XCTUnwrap(redis.range(of: "namespace: atlas-e2e"))
        redis.replaceSubrange(range, with: "namespace: wrong-ns")
        try workspace.write("stack/redis.yaml", redis)
        let line = redis[..<range.lowerBound].filter { $0 == "\n" }.count + 1
        // The selector-drift variant's template writes a literal selector: the template owns it.
        let template = Self.root.appendingPathComponent("charts-fixtures/variants/selector-drift/templates/service.yaml")
        try FileManager.default.removeItem(atPath: workspace.path("bijux-atlas/templates/service.yaml"))
        try FileManager.default.copyItem(atPath: template.path, toPath: workspace.path("bijux-atlas/templates/service.yaml"))
        let stackBefore = try workspace.text("stack/redis.yaml")

        let result = try CLIRunner.run(Self.checkArguments(["rendered.yaml", "--stack", "stack", "--fix"]), in: workspace.folder)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("not fixable [service.redis.namespace]: owned by the stack layer, not a values key; owner: stack at stack/redis.yaml:\(line):"), result.stderr)
        let templateLines = result.stderr.split(separator: "\n").filter {
            $0.contains("not fixable [service.atlas.selector.") && $0.contains("owned by the chart-templates layer")
                && $0.contains("owner: chart-templates at bijux-atlas/templates/service.yaml:")
        }
        XCTAssertFalse(templateLines.isEmpty, result.stderr)
        XCTAssertFalse(result.stderr.contains("render-check: fixed"), result.stderr)
        XCTAssertEqual(try workspace.text("stack/redis.yaml"), stackBefore)
    }

    func testDryRunNeedsFix() throws {
        let result = try CLIRunner.run(["check", "--dry-run", "--no-config", "--contract", "ops/inventory/layers.json", "x.yaml"], in: Self.root)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("--dry-run goes with --fix"), result.stderr)
    }
}

import Foundation
import XCTest

/// `render-check contract generate` and `contract diff` end to end, through
/// the real binary, on the project's fixtures.
final class ContractCommandTests: XCTestCase {
    static let root = CLIRunner.packageRoot
    static let contractPath = "ops/inventory/layers.json"
    static let sharedSchema = root.appendingPathComponent("../shared/reference/layer-contract.schema.json").standardized.path

    static var committed: String {
        get throws { try String(contentsOf: root.appendingPathComponent(contractPath), encoding: .utf8) }
    }

    /// The fixture's flags: chart, stack, release and namespace atlas-e2e, the committed contract.
    static func arguments(_ command: String, chart: String = "charts-fixtures/bijux-atlas", contract: String = contractPath,
                          rendered: [String] = ["charts-fixtures/rendered/bijux-atlas.yaml"]) -> [String] {
        ["contract", command, "--no-config", "--chart", chart, "--stack", "charts-fixtures/stack",
         "--release", "atlas-e2e", "--namespace", "atlas-e2e", "--contract", contract] + rendered
    }

    // MARK: - generate

    func testGenerateReproducesTheCommittedContractByteForByte() throws {
        let first = try CLIRunner.run(Self.arguments("generate"), in: Self.root)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stderr, "")
        XCTAssertEqual(first.stdout, try Self.committed)
        let second = try CLIRunner.run(Self.arguments("generate"), in: Self.root)
        XCTAssertEqual(second.stdout, first.stdout, "generating twice gives different bytes")
    }

    /// No rendered input: the chart is rendered by the real helm binary, and the contract written with --output makes
    /// `render-check check` pass on the same inputs.
    func testGenerateRendersWithHelmAndTheResultPassesTheCheck() throws {
        let folder = try temporaryFolder()
        let output = folder.appendingPathComponent("out/layers.json").path
        guard let helm = CLIRunner.helm() else { throw XCTSkip("no helm binary (run `make helm`)") }
        for _ in 0..<2 {
            let result = try CLIRunner.run(Self.arguments("generate", rendered: []) + ["--output", output],
                                           in: Self.root, environment: ["RENDER_CHECK_HELM": helm])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertEqual(result.stdout, "")
            XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8), try Self.committed)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path), ["layers.json"])

        let check = try CLIRunner.run(["check", "--no-config", "charts-fixtures/rendered/bijux-atlas.yaml",
                                       "--stack", "charts-fixtures/stack", "--contract", output,
                                       "--allowlist", "ops/policy/layer-live-diff-allowlist.json",
                                       "--namespace", "atlas-e2e", "--today", "2026-11-28"], in: Self.root)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }

    /// For an intended change (port-drift), the regenerated contract makes the check pass again.
    func testARegeneratedContractAcceptsTheIntendedChange() throws {
        let output = try temporaryFolder().appendingPathComponent("layers.json").path
        let rendered = "charts-fixtures/variants/port-drift/rendered.yaml"
        let generate = try CLIRunner.run(Self.arguments("generate", rendered: [rendered]) + ["--output", output], in: Self.root)
        XCTAssertEqual(generate.status, 0, generate.stderr)
        let check = try CLIRunner.run(["check", "--no-config", rendered, "--stack", "charts-fixtures/stack",
                                       "--chart", "charts-fixtures/bijux-atlas", "--release", "atlas-e2e",
                                       "-f", "charts-fixtures/variants/port-drift/values-port-drift.yaml",
                                       "--contract", output, "--allowlist", "ops/policy/layer-live-diff-allowlist.json",
                                       "--namespace", "atlas-e2e", "--today", "2026-11-28"], in: Self.root)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }

    /// The generated contract is valid against the shared JSON Schema, with
    /// the real `jsonschema` validator (missing jsonschema fails the test).
    func testGeneratedContractValidatesAgainstTheSchema() throws {
        guard FileManager.default.fileExists(atPath: Self.sharedSchema) else {
            throw XCTSkip("the shared contract schema is absent: \(Self.sharedSchema)")
        }
        for rendered in ["charts-fixtures/rendered/bijux-atlas.yaml", "charts-fixtures/variants/port-drift/rendered.yaml",
                         "charts-fixtures/variants/missing-service/rendered.yaml"] {
            let result = try CLIRunner.run(Self.arguments("generate", rendered: [rendered]), in: Self.root)
            XCTAssertEqual(result.status, 0, result.stderr)
            try validate(result.stdout, against: Self.sharedSchema, rendered)
        }
    }

    // MARK: - diff

    /// `kind path` of every change line, per variant, and the exit status:
    /// 1 when the contract is out of date. Why each: ContractDiffTests.expected.
    static let expectedChanges: [String: [String]] = [
        "port-drift": ["changed ports.atlas.service"],
        "missing-service": ["changed services.atlas.service_name"],
        "selector-drift": ["changed services.atlas.selector.app.kubernetes.io/instance"],
        "dangling-service": ["added services.atlas.selector.app.kubernetes.io/component"],
        "release-metadata-drift": ["changed release_metadata.defaults.app_version", "changed release_metadata.defaults.chart_version"],
        "missing-label": [],
        "namespace-drift": [],
        "targetport-unnamed": [],
        "rollout": [],
        "unused-server-port": [],
    ]

    func testDiffNamesExactlyTheDriftedContractPathsOfEachVariant() throws {
        let variants = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("charts-fixtures/variants").path).sorted()
        for name in variants {
            guard let expected = Self.expectedChanges[name] else {
                XCTFail("variant \(name) has no expected contract diff: add it to ContractCommandTests.expectedChanges")
                continue
            }
            let folder = "charts-fixtures/variants/\(name)"
            let chart = try chartCopy(for: Self.root.appendingPathComponent(folder).path)
            let result = try CLIRunner.run(Self.arguments("diff", chart: chart, rendered: [folder + "/rendered.yaml"]), in: Self.root)
            XCTAssertEqual(result.status, expected.isEmpty ? 0 : 1, "\(name): \(result.stdout)\(result.stderr)")
            let changes = result.stdoutLines.compactMap { line -> String? in
                guard line.hasPrefix(Self.contractPath + ":"), let range = line.range(of: #": (added|removed|changed) [^:]+"#, options: .regularExpression)
                else { return nil }
                return String(line[range].dropFirst(2))
            }
            XCTAssertEqual(changes, expected, "\(name): \(result.stdout)")
            XCTAssertEqual(result.stdoutLines.last,
                           expected.isEmpty ? "\(Self.contractPath): up to date"
                               : "\(Self.contractPath): out of date (\(expected.count) change\(expected.count == 1 ? "" : "s")); if the change is intended, run contract diff --write with the same flags and commit the result",
                           name)
        }
    }

    func testDiffShowsOldAndNewValuesAtTheContractLine() throws {
        let result = try CLIRunner.run(Self.arguments("diff", rendered: ["charts-fixtures/variants/port-drift/rendered.yaml"]), in: Self.root)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdoutLines.first, "ops/inventory/layers.json:77:18: changed ports.atlas.service: 8080 -> 9090")
        // namespace-drift changes nothing in the contract, but says where the chart now renders.
        let moved = try CLIRunner.run(Self.arguments("diff", rendered: ["charts-fixtures/variants/namespace-drift/rendered.yaml"]), in: Self.root)
        XCTAssertEqual(moved.status, 0)
        XCTAssertTrue(moved.stderr.contains("warning: 2 resources of the k8s layer sit in namespace atlas-staging"), moved.stderr)
    }

    /// release_metadata lags Chart.yaml: out of date; --write brings it up to
    /// date atomically, and the next diff is clean.
    func testALaggingContractIsOutOfDateAndWriteUpdatesIt() throws {
        let folder = try temporaryFolder()
        let contract = folder.appendingPathComponent("layers.json").path
        try Self.committed.replacingOccurrences(of: "\"chart_version\": \"0.1.0\"", with: "\"chart_version\": \"0.0.9\"")
            .write(toFile: contract, atomically: true, encoding: .utf8)

        let diff = try CLIRunner.run(Self.arguments("diff", contract: contract), in: Self.root)
        XCTAssertEqual(diff.status, 1, diff.stderr)
        XCTAssertEqual(diff.stdoutLines.first, "\(contract):104:24: changed release_metadata.defaults.chart_version: \"0.0.9\" -> \"0.1.0\"")

        let write = try CLIRunner.run(Self.arguments("diff", contract: contract) + ["--write"], in: Self.root)
        XCTAssertEqual(write.status, 0, write.stderr)
        XCTAssertEqual(write.stdoutLines.last, "\(contract): updated (1 change)")
        XCTAssertEqual(try String(contentsOfFile: contract, encoding: .utf8), try Self.committed)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["layers.json"], "a temporary file was left")

        let again = try CLIRunner.run(Self.arguments("diff", contract: contract), in: Self.root)
        XCTAssertEqual(again.status, 0)
        XCTAssertEqual(again.stdout, "\(contract): up to date\n")
    }

    /// Same content written another way is out of date too: generate would rewrite it.
    func testAContractNotWrittenCanonicallyIsOutOfDate() throws {
        let contract = try temporaryFolder().appendingPathComponent("layers.json").path
        let compact = try Self.committed.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined()
        try compact.write(toFile: contract, atomically: true, encoding: .utf8)
        let diff = try CLIRunner.run(Self.arguments("diff", contract: contract), in: Self.root)
        XCTAssertEqual(diff.status, 1)
        XCTAssertEqual(diff.stdoutLines, [
            "\(contract):1:1: reformatted: same content, not written as generate writes it (keys sorted, 2-space indent, trailing newline)",
            "\(contract): out of date (reformatting only); if the change is intended, run contract diff --write with the same flags and commit the result",
        ])
    }

    /// --write into a folder that cannot be written: a clean error, exit 2,
    /// the contract untouched and no temporary file.
    func testWriteIntoAReadOnlyFolderLeavesTheContractUntouched() throws {
        let folder = try temporaryFolder().appendingPathComponent("ro")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let contract = folder.appendingPathComponent("layers.json").path
        let lagging = try Self.committed.replacingOccurrences(of: "\"app_version\": \"0.1.0\"", with: "\"app_version\": \"0.0.1\"")
        try lagging.write(toFile: contract, atomically: true, encoding: .utf8)
        try makeReadOnly(folder)

        let write = try CLIRunner.run(Self.arguments("diff", contract: contract) + ["--write"], in: Self.root)
        XCTAssertEqual(write.status, 2, write.stdout + write.stderr)
        XCTAssertTrue(write.stderr.hasPrefix("\(contract): error: cannot write: "), write.stderr)
        XCTAssertEqual(try String(contentsOfFile: contract, encoding: .utf8), lagging)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["layers.json"])

        let output = folder.appendingPathComponent("generated.json").path
        let generate = try CLIRunner.run(Self.arguments("generate") + ["--output", output], in: Self.root)
        XCTAssertEqual(generate.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
    }

    // MARK: - Faults: exit 2 with file:line:column, nothing written

    func testUnreadableInputsAndContractsExitTwoWithTheirPosition() throws {
        let tree = try TemporaryTree([
            "broken.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: [x}\n",
            "bad-contract.json": "{\n  \"services\": {\n    \"atlas\": []\n  }\n}\n",
            "syntax.json": "{\n  \"ports\": {,\n}\n",
        ])
        defer { tree.remove() }
        let output = tree.root.appendingPathComponent("out.json").path
        func run(_ arguments: [String]) throws -> CLIResult {
            try CLIRunner.run(arguments + ["--output", output], in: Self.root)
        }
        let broken = try run(Self.arguments("generate", rendered: [tree.root.appendingPathComponent("broken.yaml").path]))
        XCTAssertEqual(broken.status, 2)
        XCTAssertTrue(broken.stderr.hasPrefix("\(tree.root.path)/broken.yaml:3:"), broken.stderr)

        let absent = try run(Self.arguments("generate", rendered: ["charts-fixtures/absent.yaml"]))
        XCTAssertEqual(absent.status, 2)
        XCTAssertTrue(absent.stderr.hasPrefix("charts-fixtures/absent.yaml:1:1: error: cannot read"), absent.stderr)

        let contract = try run(Self.arguments("generate", contract: tree.root.appendingPathComponent("bad-contract.json").path))
        XCTAssertEqual(contract.status, 2)
        XCTAssertEqual(contract.stderr, "\(tree.root.path)/bad-contract.json:3:14: error: `services.atlas` must be an object\n")

        let syntax = try CLIRunner.run(Self.arguments("diff", contract: tree.root.appendingPathComponent("syntax.json").path), in: Self.root)
        XCTAssertEqual(syntax.status, 2)
        XCTAssertTrue(syntax.stderr.hasPrefix("\(tree.root.path)/syntax.json:2:"), syntax.stderr)

        let noChart = try run(["contract", "generate", "--no-config", "--contract", Self.contractPath, "charts-fixtures/rendered"])
        XCTAssertEqual(noChart.status, 2)
        XCTAssertTrue(noChart.stderr.contains("needs --chart"), noChart.stderr)

        let unknownFlag = try CLIRunner.run(["contract", "diff", "--bogus"], in: Self.root)
        XCTAssertEqual(unknownFlag.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "something was written")
    }

    func testStandardInputIsARenderedInput() throws {
        let rendered = try Data(contentsOf: Self.root.appendingPathComponent("charts-fixtures/variants/port-drift/rendered.yaml"))
        let result = try CLIRunner.run(Self.arguments("diff", rendered: ["-"]), stdin: rendered, in: Self.root)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("changed ports.atlas.service: 8080 -> 9090"), result.stdout)
    }

    // MARK: - Helpers

    private func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("render-check-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    /// The fixture chart, or for a variant that replaces Chart.yaml or
    /// templates, a temporary copy with the variant's files laid over it.
    private func chartCopy(for variant: String) throws -> String {
        let manager = FileManager.default
        let chart = Self.root.appendingPathComponent("charts-fixtures/bijux-atlas").path
        let candidates = ["Chart.yaml"] + ((try? manager.subpathsOfDirectory(atPath: variant + "/templates")) ?? []).map { "templates/" + $0 }
        let files = candidates.filter { path in
            var isDirectory: ObjCBool = false
            return manager.fileExists(atPath: variant + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        guard !files.isEmpty else { return "charts-fixtures/bijux-atlas" }
        let copy = try temporaryFolder().appendingPathComponent("bijux-atlas").path
        try manager.copyItem(atPath: chart, toPath: copy)
        for file in files {
            try? manager.removeItem(atPath: copy + "/" + file)
            try manager.copyItem(atPath: variant + "/" + file, toPath: copy + "/" + file)
        }
        return copy
    }

    /// chmod 0555; as root, which ignores modes, also `chattr +i`. Skips when
    /// neither stops a write here.
    private func makeReadOnly(_ folder: URL) throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
        addTeardownBlock { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path) }
        if canWrite(in: folder), FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr") {
            let status = try runTool("/usr/bin/chattr", ["+i", folder.path])
            if status == 0 {
                addTeardownBlock { _ = try? self.runTool("/usr/bin/chattr", ["-i", folder.path]) }
            }
        }
        if canWrite(in: folder) {
            throw XCTSkip("cannot make a folder read-only here (root without chattr)")
        }
    }

    private func canWrite(in folder: URL) -> Bool {
        let probe = folder.appendingPathComponent(".probe-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: probe, contents: Data()) else { return false }
        try? FileManager.default.removeItem(atPath: probe)
        return true
    }

    @discardableResult
    private func runTool(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Validates with python3's `jsonschema`; fails (never skips) when it is not installed.
    private func validate(_ document: String, against schema: String, _ label: String,
                          file: StaticString = #filePath, line: UInt = #line) throws {
        let folder = try temporaryFolder()
        let documentPath = folder.appendingPathComponent("document.json").path
        try document.write(toFile: documentPath, atomically: true, encoding: .utf8)
        let script = """
            import json, sys
            try:
                import jsonschema
            except ImportError as error:
                print("the Python package jsonschema is not installed (pip install jsonschema): %s" % error)
                sys.exit(3)
            schema = json.load(open(sys.argv[1], encoding="utf-8"))
            document = json.load(open(sys.argv[2], encoding="utf-8"))
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            errors = list(cls(schema).iter_errors(document))
            for error in errors:
                print("/".join(str(part) for part in error.absolute_path) or "(root)", "-", error.message[:300])
            sys.exit(1 if errors else 0)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, schema, documentPath]
        let outputPath = folder.appendingPathComponent("output").path
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let text = try String(contentsOfFile: outputPath, encoding: .utf8)
        XCTAssertEqual(process.terminationStatus, 0, "\(label): not valid against \(schema):\n\(text)", file: file, line: line)
    }
}

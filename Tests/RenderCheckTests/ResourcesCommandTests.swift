import Foundation
import XCTest

/// `render-check resources` end to end: the real binary, real files, real
/// standard input, real exit codes.
final class ResourcesCommandTests: XCTestCase {
    private let helmListing = [
        "helm-template.yaml:3:1: Service shop/shop-web (shop/templates/service.yaml)",
        "helm-template.yaml:27:1: ConfigMap shop/shop-config (shop/templates/configmap.yaml)",
        "helm-template.yaml:46:1: Deployment shop/shop-web (shop/templates/deployment.yaml)",
    ]

    private func fixtureText(_ name: String) throws -> String {
        try String(contentsOf: CLIRunner.fixtures.appendingPathComponent(name), encoding: .utf8)
    }

    // MARK: - Files

    func testListsEveryResourceOfAFileWithPositionAndTemplate() throws {
        let result = try CLIRunner.run(["resources", "helm-template.yaml"], in: CLIRunner.fixtures)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines, helmListing)
        XCTAssertEqual(result.stderrLines, ["helm-template.yaml:42:1: note: empty document"])
    }

    func testListsTheItemsOfAKubectlJSONList() throws {
        let result = try CLIRunner.run(["resources", "kubectl-list.json"], in: CLIRunner.fixtures)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines, [
            "kubectl-list.json:4:9: Service shop/shop-web",
            "kubectl-list.json:36:9: Deployment shop/shop-web",
        ])
        XCTAssertEqual(result.stderr, "")
    }

    func testEmptyFileIsNotedAndSucceeds() throws {
        let result = try CLIRunner.run(["resources", "empty.yaml"], in: CLIRunner.fixtures)
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(result.stderrLines, ["empty.yaml:1:1: note: no YAML documents (empty or only comments)"])
    }

    func testDuplicateKeyIsAWarningWithBothPositions() throws {
        let tree = try TemporaryTree(["dup.yaml": "kind: ConfigMap\nmetadata:\n  name: a\n  name: b\n"])
        defer { tree.remove() }
        let result = try CLIRunner.run(["resources", "dup.yaml"], in: tree.root)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines, ["dup.yaml:1:1: ConfigMap -/b"])
        XCTAssertEqual(result.stderrLines, ["dup.yaml:4:3: warning: duplicate key \"name\" (first at 3:3); the later value wins"])
    }

    // MARK: - Directories

    func testDirectoryIsSearchedRecursivelyInSortedOrder() throws {
        let tree = try TemporaryTree([
            "manifests/z-last.yaml": "kind: Service\nmetadata:\n  name: z\n",
            "manifests/a/first.yml": "---\n# Source: c/templates/first.yaml\nkind: ConfigMap\nmetadata:\n  name: a\n",
            "manifests/m/deep/list.json": try fixtureText("kubectl-list.json"),
            "manifests/notes.txt": "not a manifest\n",
            "manifests/m/README.md": "# readme\n",
        ])
        defer { tree.remove() }
        let result = try CLIRunner.run(["resources", "manifests"], in: tree.root)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines, [
            "manifests/a/first.yml:3:1: ConfigMap -/a (c/templates/first.yaml)",
            "manifests/m/deep/list.json:4:9: Service shop/shop-web",
            "manifests/m/deep/list.json:36:9: Deployment shop/shop-web",
            "manifests/z-last.yaml:1:1: Service -/z",
        ])
        XCTAssertEqual(result.stderrLines, [
            "manifests/m/README.md:1:1: note: skipped: not a YAML or JSON file",
            "manifests/notes.txt:1:1: note: skipped: not a YAML or JSON file",
        ])
    }

    // MARK: - Standard input

    func testReadsStandardInputForDash() throws {
        let result = try CLIRunner.run(["resources", "-"], stdin: Data(try fixtureText("helm-template.yaml").utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines, helmListing.map { $0.replacingOccurrences(of: "helm-template.yaml:", with: "<stdin>:") })
        XCTAssertEqual(result.stderrLines, ["<stdin>:42:1: note: empty document"])
    }

    func testReadsStandardInputLargerThanAPipeBuffer() throws {
        var text = ""
        for index in 0..<2000 {
            text += "---\n# Source: big/templates/cm-\(index).yaml\nkind: ConfigMap\nmetadata:\n  name: cm-\(index)\n  namespace: ns\n"
        }
        XCTAssertGreaterThan(text.utf8.count, 128 * 1024)
        let result = try CLIRunner.run(["resources", "-"], stdin: Data(text.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdoutLines.count, 2000)
        XCTAssertEqual(result.stdoutLines.first, "<stdin>:3:1: ConfigMap ns/cm-0 (big/templates/cm-0.yaml)")
        XCTAssertEqual(result.stdoutLines.last, "<stdin>:11997:1: ConfigMap ns/cm-1999 (big/templates/cm-1999.yaml)")
    }

    func testSyntaxErrorOnStandardInputNamesStdin() throws {
        let result = try CLIRunner.run(["resources", "-"], stdin: Data("kind: List\nitems: [a, b\n".utf8))
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderrLines,
                       ["<stdin>:3:1: error: did not find expected ',' or ']' (while parsing a flow sequence at 2:8)"])
    }

    // MARK: - Exit codes

    func testMissingFileExitsTwoAndNamesIt() throws {
        let result = try CLIRunner.run(["resources", "missing.yaml"], in: CLIRunner.fixtures)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(result.stderrLines, ["missing.yaml:1:1: error: cannot read: No such file or directory"])
    }

    func testSyntaxErrorExitsTwoAndNamesFileLineAndColumn() throws {
        let tree = try TemporaryTree(["bad.yaml": "kind: List\nitems: [a, b\n"])
        defer { tree.remove() }
        let result = try CLIRunner.run(["resources", "bad.yaml"], in: tree.root)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(result.stderrLines,
                       ["bad.yaml:3:1: error: did not find expected ',' or ']' (while parsing a flow sequence at 2:8)"])
    }

    func testSyntaxErrorInOneFileDoesNotHideTheNextFilesResources() throws {
        let tree = try TemporaryTree([
            "bad.yaml": "kind: Service\nmetadata:\n  name: [broken\n",
            "good.yaml": "kind: Service\nmetadata:\n  name: fine\n",
        ])
        defer { tree.remove() }
        let result = try CLIRunner.run(["resources", "bad.yaml", "good.yaml"], in: tree.root)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stdoutLines, ["good.yaml:1:1: Service -/fine"])
        XCTAssertEqual(result.stderrLines.count, 1)
        XCTAssertTrue(result.stderrLines.first?.hasPrefix("bad.yaml:4:1: error: ") == true, result.stderr)
    }

    func testMissingFileDoesNotHideTheOtherFilesResources() throws {
        let result = try CLIRunner.run(["resources", "missing.yaml", "kubectl-list.json"], in: CLIRunner.fixtures)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stdoutLines.count, 2)
        XCTAssertEqual(result.stderrLines, ["missing.yaml:1:1: error: cannot read: No such file or directory"])
    }

    func testUnknownOptionExitsTwo() throws {
        let result = try CLIRunner.run(["resources", "--bogus", "helm-template.yaml"], in: CLIRunner.fixtures)
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("Unknown option '--bogus'"), result.stderr)
    }

    func testNoInputExitsTwo() throws {
        let result = try CLIRunner.run(["resources"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("give at least one input"), result.stderr)
    }

    func testHelpExitsZero() throws {
        let result = try CLIRunner.run(["resources", "--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("USAGE:"), result.stdout)
        XCTAssertTrue(result.stdout.contains("--max-depth"), result.stdout)
    }

    // MARK: - Limits

    func testDepthLimitOptionIsEnforced() throws {
        let tree = try TemporaryTree(["deep.yaml": "kind: ConfigMap\ndata: {a: {b: {c: 1}}}\n"])
        defer { tree.remove() }
        let accepted = try CLIRunner.run(["resources", "--max-depth", "4", "deep.yaml"], in: tree.root)
        XCTAssertEqual(accepted.status, 0, accepted.stderr)
        let rejected = try CLIRunner.run(["resources", "--max-depth", "3", "deep.yaml"], in: tree.root)
        XCTAssertEqual(rejected.status, 2)
        XCTAssertEqual(rejected.stderrLines, ["deep.yaml:2:15: error: nesting deeper than 3 levels (--max-depth)"])
    }

    func testNonPositiveLimitIsABadInvocation() throws {
        let result = try CLIRunner.run(["resources", "--max-depth", "0", "helm-template.yaml"], in: CLIRunner.fixtures)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("limits must be positive"), result.stderr)
    }

    func testAliasBombExitsTwoWithALimitError() throws {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for (previous, name) in zip(["a", "b", "c", "d", "e", "f", "g", "h"], ["b", "c", "d", "e", "f", "g", "h", "i"]) {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        let result = try CLIRunner.run(["resources", "-"], stdin: Data(text.utf8))
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderrLines.count, 1)
        XCTAssertTrue(result.stderrLines.first?.hasPrefix("<stdin>:7:8: error: aliases expand to more than 1000000 nodes") == true,
                      result.stderr)
    }
}

import Foundation
import XCTest

/// The parse limits are flags with safe defaults: each flag, given through
/// the real command line, moves the line between accepted and refused, for
/// every command that reads YAML; bad values are a bad invocation (exit 2).
final class LimitFlagTests: XCTestCase {
    /// `resources`, `check` and `blame` on one input with `flags`.
    private func runs(_ name: String, _ flags: [String], in scratch: Scratch) throws -> [BoundedResult] {
        [
            assertBounded(try BoundedRun.run(["resources"] + flags + [name], in: scratch.root)),
            assertBounded(try BoundedRun.run(BoundedRun.checkArguments(flags + [name]), in: scratch.root)),
            assertBounded(try BoundedRun.run(["blame"] + flags + [name], in: scratch.root)),
        ]
    }

    private func assertAccepted(_ name: String, _ flags: [String], in scratch: Scratch,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let results = try runs(name, flags, in: scratch)
        XCTAssertEqual(results.map(\.status), [0, 1, 0], results.map(\.summary).joined(separator: "\n"), file: file, line: line)
    }

    private func assertRefused(_ name: String, _ flags: [String], in scratch: Scratch, message: String,
                               at position: (Int, Int)? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        for result in try runs(name, flags, in: scratch) {
            XCTAssertEqual(result.status, 2, result.summary, file: file, line: line)
            assertPositioned(result, file: name, "error", containing: message, at: position, file: file, line: line)
        }
    }

    func testMaxDepth() throws {
        let scratch = try Scratch("max-depth")
        // Root mapping, data, then 598 nested sequences: 600 levels.
        try scratch.write("deep.yaml", "kind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: "
            + String(repeating: "[", count: 598) + "1" + String(repeating: "]", count: 598) + "\n")
        try assertRefused("deep.yaml", [], in: scratch, message: "nesting deeper than 512 levels (--max-depth)", at: (4, 516))
        try assertAccepted("deep.yaml", ["--max-depth", "600"], in: scratch)
        try assertRefused("deep.yaml", ["--max-depth", "599"], in: scratch,
                          message: "nesting deeper than 599 levels (--max-depth)", at: (4, 603))
        try assertRefused("deep.yaml", ["--max-depth", "1"], in: scratch,
                          message: "nesting deeper than 1 levels (--max-depth)", at: (2, 11))
    }

    func testMaxAliasExpansion() throws {
        let scratch = try Scratch("max-alias")
        // Fifty aliases of a scalar: fifty nodes of expansion.
        try scratch.write("aliases.yaml", "kind: ConfigMap\nmetadata: {name: a}\nx: &x one\ndata:\n  list: ["
            + Array(repeating: "*x", count: 50).joined(separator: ", ") + "]\n")
        try assertAccepted("aliases.yaml", [], in: scratch)
        try assertAccepted("aliases.yaml", ["--max-alias-expansion", "50"], in: scratch)
        try assertRefused("aliases.yaml", ["--max-alias-expansion", "49"], in: scratch,
                          message: "aliases expand to more than 49 nodes (--max-alias-expansion)", at: (5, 206))
        try assertRefused("aliases.yaml", ["--max-alias-expansion", "0"], in: scratch,
                          message: "aliases expand to more than 0 nodes (--max-alias-expansion)", at: (5, 10))

        // A six-level bomb (under a million nodes) passes the default and is
        // refused once the cap is lowered; the nine-level one the other way round.
        try scratch.write("bomb6.yaml", "kind: ConfigMap\nmetadata: {name: b}\n" + HostileYAMLTests.flowBomb(levels: 5)
            .split(separator: "\n").map { "x-" + $0 }.joined(separator: "\n") + "\n")
        try assertAccepted("bomb6.yaml", [], in: scratch)
        try assertRefused("bomb6.yaml", ["--max-alias-expansion", "10000"], in: scratch,
                          message: "aliases expand to more than 10000 nodes")
        try scratch.write("bomb9.yaml", HostileYAMLTests.flowBomb(levels: 8))
        try assertRefused("bomb9.yaml", [], in: scratch, message: "aliases expand to more than 1000000 nodes")
    }

    func testMaxDocumentBytes() throws {
        let scratch = try Scratch("max-bytes")
        let blob = String(repeating: "x", count: 300_000)
        try scratch.write("big.yaml", "kind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: \(blob)\n")
        try assertAccepted("big.yaml", [], in: scratch)
        try assertAccepted("big.yaml", ["--max-document-bytes", "400000"], in: scratch)
        try assertRefused("big.yaml", ["--max-document-bytes", "100000"], in: scratch,
                          message: "document is larger than the limit of 100000 bytes (--max-document-bytes)")

        // The limit is per document: five documents of 60 KB pass a 100 KB limit.
        var stream = ""
        for index in 0..<5 {
            stream += "---\nkind: ConfigMap\nmetadata: {name: part-\(index)}\ndata:\n  blob: \(String(repeating: "y", count: 60_000))\n"
        }
        try scratch.write("stream.yaml", stream)
        try assertAccepted("stream.yaml", ["--max-document-bytes", "100000"], in: scratch)
        let listed = try BoundedRun.run(["resources", "--max-document-bytes", "100000", "stream.yaml"], in: scratch.root)
        XCTAssertEqual(listed.stdout.split(separator: "\n").count, 5, listed.summary)
    }

    func testBadLimitValuesAreABadInvocation() throws {
        let scratch = try Scratch("bad-limits")
        try scratch.write("ok.yaml", "kind: ConfigMap\nmetadata: {name: ok}\n")
        let bad: [[String]] = [
            ["--max-depth", "0"], ["--max-depth", "-3"], ["--max-depth", "deep"], ["--max-depth", "99999999999999999999999"],
            ["--max-alias-expansion", "-1"], ["--max-alias-expansion", "1e6"],
            ["--max-document-bytes", "0"], ["--max-document-bytes", "64MiB"],
        ]
        for flags in bad {
            for command in [["resources"], BoundedRun.checkArguments([]), ["blame"]] {
                let result = assertBounded(try BoundedRun.run(command + flags + ["ok.yaml"], in: scratch.root))
                XCTAssertEqual(result.status, 2, result.summary)
                XCTAssertTrue(result.stderr.contains("--max-") || result.stderr.contains("limits must be positive"),
                              result.summary)
                XCTAssertEqual(result.stdout, "", result.summary)
            }
        }
    }

    func testLimitFlagsAreDocumentedWithTheirDefaults() throws {
        for command in [["resources"], ["check"], ["blame"], ["contract", "diff"], ["contract", "generate"]] {
            let help = assertBounded(try BoundedRun.run(command + ["--help"]), [0])
            let text = help.stdout.replacingOccurrences(of: "\n", with: " ")
                .replacingOccurrences(of: "  +", with: " ", options: .regularExpression)
            for fragment in ["--max-depth <max-depth> Deepest nesting of YAML collections accepted. (default: 512)",
                             "--max-alias-expansion", "(default: 1000000)",
                             "--max-document-bytes", "(default: 67108864)"] {
                XCTAssertTrue(text.contains(fragment), "\(command): no `\(fragment)` in\n\(help.stdout)")
            }
        }
    }
}

import Foundation
import XCTest

/// The hostile corpus for the YAML reader: each case runs the real binary —
/// `resources`, `check` (fixture contract) and `blame` — on one input and
/// asserts exit 0, 1 or 2 (never a signal), a message naming
/// file:line:column where the input is at fault, and the bounds of
/// `Bounds` (1 GiB of address space, a 60 s hang guard).
final class HostileYAMLTests: XCTestCase {
    /// The three commands that read rendered manifests, on `name` in `scratch`.
    struct Runs {
        var resources: BoundedResult
        var check: BoundedResult
        var blame: BoundedResult
        var all: [BoundedResult] { [resources, check, blame] }
    }

    private func runEveryCommand(_ name: String, in scratch: Scratch, limits: [String] = [],
                                 file: StaticString = #filePath, line: UInt = #line) throws -> Runs {
        let runs = Runs(
            resources: try BoundedRun.run(["resources"] + limits + [name], in: scratch.root),
            check: try BoundedRun.run(BoundedRun.checkArguments(limits + [name]), in: scratch.root),
            blame: try BoundedRun.run(["blame"] + limits + [name], in: scratch.root))
        for result in runs.all { assertBounded(result, file: file, line: line) }
        return runs
    }

    /// Every command exits 2 and names the fault at `name:line:column`.
    private func assertRejected(_ runs: Runs, _ name: String, containing fragment: String,
                                at position: (Int, Int)? = nil, file: StaticString = #filePath, line: UInt = #line) {
        for result in runs.all {
            XCTAssertEqual(result.status, 2, result.summary, file: file, line: line)
            assertPositioned(result, file: name, "error", containing: fragment, at: position, file: file, line: line)
        }
    }

    private static let service = """
        apiVersion: v1
        kind: Service
        metadata:
          name: atlas-e2e-bijux-atlas
          namespace: atlas-e2e
        spec:
          selector:
            app.kubernetes.io/name: bijux-atlas
          ports:
            - name: http
              port: 8080

        """

    // MARK: - Alias bombs

    /// `a: &a [lol x9]`, then eight levels of nine aliases each: 9^9 nodes.
    static func flowBomb(levels: Int = 8) -> String {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        let names = "abcdefghijklmnop".map(String.init)
        for level in 1...levels {
            text += "\(names[level]): &\(names[level]) [" + Array(repeating: "*\(names[level - 1])", count: 9).joined(separator: ",") + "]\n"
        }
        return text
    }

    func testAliasBombInFlowStyle() throws {
        let scratch = try Scratch("bomb-flow")
        try scratch.write("bomb.yaml", Self.flowBomb())
        let runs = try runEveryCommand("bomb.yaml", in: scratch)
        assertRejected(runs, "bomb.yaml", containing: "aliases expand to more than 1000000 nodes (--max-alias-expansion)")
    }

    func testAliasBombInBlockStyle() throws {
        var text = "a: &a\n" + String(repeating: "  - lol\n", count: 9)
        let names = "abcdefghi".map(String.init)
        for level in 1..<names.count {
            text += "\(names[level]): &\(names[level])\n" + String(repeating: "  - *\(names[level - 1])\n", count: 9)
        }
        let scratch = try Scratch("bomb-block")
        try scratch.write("bomb.yaml", text)
        let runs = try runEveryCommand("bomb.yaml", in: scratch)
        assertRejected(runs, "bomb.yaml", containing: "aliases expand to more than 1000000 nodes (--max-alias-expansion)")
    }

    /// A Service whose `spec.ports` is the top of an alias bomb of port mappings.
    static func serviceWithBombPorts(levels: Int) -> String {
        let port = "{name: http, port: 8080, targetPort: http}"
        var text = """
            apiVersion: v1
            kind: Service
            metadata:
              name: atlas-e2e-bijux-atlas
              namespace: atlas-e2e
            x-bomb:
              a: &a [\(Array(repeating: port, count: 9).joined(separator: ", "))]

            """
        let names = "abcdefghijk".map(String.init)
        for level in 1...levels {
            text += "  \(names[level]): &\(names[level]) [" + Array(repeating: "*\(names[level - 1])", count: 9).joined(separator: ", ") + "]\n"
        }
        text += "spec:\n  selector: {app.kubernetes.io/name: bijux-atlas}\n  ports: *\(names[levels])\n"
        return text
    }

    func testAliasBombUsedAsAServicesPorts() throws {
        let scratch = try Scratch("bomb-ports")
        try scratch.write("service.yaml", Self.serviceWithBombPorts(levels: 8))
        let runs = try runEveryCommand("service.yaml", in: scratch)
        assertRejected(runs, "service.yaml", containing: "aliases expand to more than 1000000 nodes")

        // Under the cap the same shape is read and checked, its ports judged
        // for what they are: bounded work, a finding, no crash.
        try scratch.write("small.yaml", Self.serviceWithBombPorts(levels: 4))
        let small = try runEveryCommand("small.yaml", in: scratch)
        XCTAssertEqual(small.resources.status, 0, small.resources.summary)
        XCTAssertTrue(small.resources.stdout.contains("small.yaml:1:1: Service atlas-e2e/atlas-e2e-bijux-atlas"),
                      small.resources.summary)
        XCTAssertEqual(small.check.status, 1, small.check.summary)
        assertPositioned(small.check, file: "small.yaml", "error", containing: "[service.atlas.port.service]")
        XCTAssertEqual(small.blame.status, 0, small.blame.summary)
    }

    // MARK: - Deep nesting

    func testNestingOf100000SequencesIsBounded() throws {
        let scratch = try Scratch("deep-seq")
        let depth = 100_000
        try scratch.write("deep.yaml", "[" + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth) + "\n")
        let runs = try runEveryCommand("deep.yaml", in: scratch)
        assertRejected(runs, "deep.yaml", containing: "nesting deeper than 512 levels (--max-depth)", at: (1, 513))

        // The same inside a Service's ports, after a valid start.
        try scratch.write("ports.yaml", "kind: Service\nmetadata: {name: atlas-e2e-bijux-atlas}\nspec:\n  ports: "
            + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n")
        let ports = try runEveryCommand("ports.yaml", in: scratch)
        assertRejected(ports, "ports.yaml", containing: "nesting deeper than 512 levels", at: (4, 520))
    }

    func testNestingOf100000MappingsIsBounded() throws {
        let scratch = try Scratch("deep-map")
        let depth = 100_000
        try scratch.write("deep.yaml", "kind: ConfigMap\nmetadata:\n  name: deep\n  labels: "
            + String(repeating: "{a: ", count: depth) + "b" + String(repeating: "}", count: depth) + "\n")
        let runs = try runEveryCommand("deep.yaml", in: scratch)
        assertRejected(runs, "deep.yaml", containing: "nesting deeper than 512 levels (--max-depth)", at: (4, 2051))
    }

    func testNestingOf100000BlockSequencesIsBounded() throws {
        let scratch = try Scratch("deep-block")
        try scratch.write("deep.yaml", String(repeating: "- ", count: 100_000) + "x\n")
        let runs = try runEveryCommand("deep.yaml", in: scratch)
        assertRejected(runs, "deep.yaml", containing: "nesting deeper than 512 levels (--max-depth)", at: (1, 1025))
    }

    /// With the depth limit lifted far above the input, 100,000 levels are
    /// read without recursion: no stack overflow, no quadratic memory.
    /// (Block style: libyaml's own flow-level bookkeeping is quadratic in
    /// the depth, a minute for 100,000 flow levels, so flow depth is left to
    /// the default limit.)
    func testNestingOf100000LevelsWithTheLimitRaised() throws {
        let scratch = try Scratch("deep-raised")
        try scratch.write("deep.yaml", "kind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x:\n    "
            + String(repeating: "- ", count: 100_000) + "leaf\n")
        let runs = try runEveryCommand("deep.yaml", in: scratch, limits: ["--max-depth", "200000"])
        XCTAssertEqual(runs.resources.status, 0, runs.resources.summary)
        XCTAssertEqual(runs.check.status, 1, runs.check.summary)
        XCTAssertEqual(runs.blame.status, 0, runs.blame.summary)
    }

    /// 400 levels (within the default 512) holding 200,000 scalars: a 400 KB
    /// input within every default limit. Blame and `check --chart` must stay
    /// within the memory bound: the work per scalar may not grow with its depth.
    func testDeepAndWideDocumentWithinTheDefaultLimits() throws {
        let scratch = try Scratch("deep-wide")
        try scratch.write("wide.yaml", "kind: ConfigMap\nmetadata: {name: wide, namespace: atlas-e2e}\ndata:\n  x: "
            + String(repeating: "[", count: 400) + Array(repeating: "1", count: 200_000).joined(separator: ",")
            + String(repeating: "]", count: 400) + "\n")
        let resources = assertBounded(try BoundedRun.run(["resources", "wide.yaml"], in: scratch.root))
        XCTAssertEqual(resources.status, 0, resources.summary)
        let blame = assertBounded(try BoundedRun.run(["blame", "wide.yaml"], in: scratch.root))
        XCTAssertEqual(blame.status, 0, blame.summary)
        let check = assertBounded(try BoundedRun.run(BoundedRun.checkArguments(
            ["--chart", BoundedRun.fixtureChart, "--release", "atlas-e2e", "--namespace", "atlas-e2e", "wide.yaml"]),
            in: scratch.root))
        XCTAssertEqual(check.status, 1, check.summary)
    }

    // MARK: - Size

    /// One 100 MB scalar, generated here (never committed).
    private func writeHugeScalar(_ scratch: Scratch) throws -> String {
        let path = scratch.path("huge.yaml")
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        handle.write(Data("kind: ConfigMap\nmetadata: {name: huge, namespace: atlas-e2e}\ndata:\n  blob: ".utf8))
        let chunk = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<100 { handle.write(chunk) }
        handle.write(Data("\n".utf8))
        return path
    }

    func testSingleScalarOf100MB() throws {
        let scratch = try Scratch("huge")
        _ = try writeHugeScalar(scratch)
        // Default limit (64 MiB per document): a clean, positioned refusal.
        let runs = try runEveryCommand("huge.yaml", in: scratch)
        assertRejected(runs, "huge.yaml",
                       containing: "document is larger than the limit of 67108864 bytes (--max-document-bytes)")
        // Limit raised: read whole, within 1 GiB of address space.
        let raised = ["--max-document-bytes", "209715200"]
        let resources = assertBounded(try BoundedRun.run(["resources"] + raised + ["huge.yaml"], in: scratch.root))
        XCTAssertEqual(resources.status, 0, resources.summary)
        XCTAssertEqual(resources.stdout, "huge.yaml:1:1: ConfigMap atlas-e2e/huge\n")
        let check = assertBounded(try BoundedRun.run(BoundedRun.checkArguments(raised + ["huge.yaml"]), in: scratch.root))
        XCTAssertEqual(check.status, 1, check.summary)
    }

    func testThreeHundredThousandTinyDocuments() throws {
        let scratch = try Scratch("many")
        var text = ""
        text.reserveCapacity(300_000 * 48)
        for index in 0..<300_000 {
            text += "---\nkind: ConfigMap\nmetadata: {name: c\(index)}\n"
        }
        try scratch.write("many.yaml", text)
        let runs = try runEveryCommand("many.yaml", in: scratch)
        XCTAssertEqual(runs.resources.status, 0, runs.resources.summary)
        XCTAssertTrue(runs.resources.stdout.hasPrefix("many.yaml:2:1: ConfigMap -/c0\n"), runs.resources.summary)
        XCTAssertTrue(runs.resources.stdout.hasSuffix("many.yaml:899999:1: ConfigMap -/c299999\n"), runs.resources.summary)
        XCTAssertEqual(runs.check.status, 1, runs.check.summary)
        XCTAssertTrue(runs.check.stdout.contains("in 300000 resources from 1 input"), runs.check.summary)
        XCTAssertEqual(runs.blame.status, 0, runs.blame.summary)
    }

    // MARK: - Encoding

    func testInvalidUTF8InAKey() throws {
        let scratch = try Scratch("utf8-key")
        try scratch.write("key.yaml", Array("kind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k".utf8) + [0xFF, 0xFE]
            + Array("y: v\n".utf8))
        let runs = try runEveryCommand("key.yaml", in: scratch)
        assertRejected(runs, "key.yaml", containing: "invalid leading UTF-8 octet (byte 0xff)", at: (5, 4))
    }

    func testInvalidUTF8InValues() throws {
        let scratch = try Scratch("utf8-value")
        let variants: [(String, [UInt8], String, (Int, Int))] = [
            ("bad-trail.yaml", [0xC3, 0x28], "invalid trailing UTF-8 octet (byte 0x28)", (5, 11)),
            ("lone-continuation.yaml", [0x80], "invalid leading UTF-8 octet (byte 0x80)", (5, 10)),
            ("overlong.yaml", [0xC0, 0xAF], "invalid length of a UTF-8 sequence", (5, 10)),
            ("surrogate.yaml", [0xED, 0xA0, 0x80], "invalid Unicode character", (5, 10)),
            ("cut-at-end.yaml", [0xE2, 0x82], "incomplete UTF-8 octet sequence", (5, 10)),
        ]
        for (name, bytes, message, position) in variants {
            let tail: [UInt8] = name == "cut-at-end.yaml" ? [] : Array("lue\n".utf8)
            try scratch.write(name, Array("kind: ConfigMap\nmetadata:\n  name: x\ndata:\n  key: va".utf8) + bytes + tail)
            let runs = try runEveryCommand(name, in: scratch)
            assertRejected(runs, name, containing: message, at: position)
        }
    }

    func testNULBytes() throws {
        let scratch = try Scratch("nul")
        let variants: [(String, [UInt8], (Int, Int))] = [
            ("in-plain.yaml", Array("kind: ConfigMap\nmetadata:\n  name: x".utf8) + [0] + Array("y\n".utf8), (3, 10)),
            ("first-byte.yaml", [0] + Array("kind: ConfigMap\n".utf8), (1, 1)),
            ("in-quoted.yaml", Array("kind: ConfigMap\nmetadata:\n  name: \"x".utf8) + [0] + Array("y\"\n".utf8), (3, 11)),
            ("in-key.yaml", Array("kind: ConfigMap\nmeta".utf8) + [0] + Array("data: {}\n".utf8), (2, 5)),
        ]
        for (name, bytes, position) in variants {
            try scratch.write(name, bytes)
            let runs = try runEveryCommand(name, in: scratch)
            assertRejected(runs, name, containing: "control characters are not allowed (byte 0x0)", at: position)
        }
    }

    func testByteOrderMark() throws {
        let scratch = try Scratch("bom")
        try scratch.write("plain.yaml", Self.service)
        try scratch.write("bom.yaml", [0xEF, 0xBB, 0xBF] + Array(Self.service.utf8))
        let plain = try runEveryCommand("plain.yaml", in: scratch)
        let bom = try runEveryCommand("bom.yaml", in: scratch)
        // A leading BOM changes nothing: same resources, findings and positions.
        for (withBOM, without) in zip(bom.all, plain.all) {
            XCTAssertEqual(withBOM.status, without.status, withBOM.summary)
            XCTAssertEqual(withBOM.stdout, without.stdout.replacingOccurrences(of: "plain.yaml", with: "bom.yaml"))
        }
        XCTAssertEqual(bom.check.status, 1, bom.check.summary)

        // A BOM inside the stream: a clean, positioned error.
        try scratch.write("mid.yaml", Array((Self.service + "---\n").utf8) + [0xEF, 0xBB, 0xBF]
            + Array("kind: ConfigMap\nmetadata: {name: y}\n".utf8))
        let mid = try runEveryCommand("mid.yaml", in: scratch)
        for result in mid.all {
            XCTAssertEqual(result.status, 2, result.summary)
            assertPositioned(result, file: "mid.yaml", "error", at: (14, 1))
        }
    }

    func testCRLFLineEnds() throws {
        let scratch = try Scratch("crlf")
        try scratch.write("lf.yaml", Self.service)
        try scratch.write("crlf.yaml", Self.service.replacingOccurrences(of: "\n", with: "\r\n"))
        try scratch.write("cr.yaml", Self.service.replacingOccurrences(of: "\n", with: "\r"))
        let lf = try runEveryCommand("lf.yaml", in: scratch)
        for name in ["crlf.yaml", "cr.yaml"] {
            let other = try runEveryCommand(name, in: scratch)
            for (result, reference) in zip(other.all, lf.all) {
                XCTAssertEqual(result.status, reference.status, result.summary)
                // Same lines and columns, and no stray carriage return in any value.
                XCTAssertEqual(result.stdout, reference.stdout.replacingOccurrences(of: "lf.yaml", with: name), result.summary)
                XCTAssertFalse(result.stdout.contains("\r"), result.summary)
            }
        }
    }

    func testTabsInIndentation() throws {
        let scratch = try Scratch("tabs")
        try scratch.write("tabs.yaml", "kind: ConfigMap\nmetadata:\n\tname: x\n")
        let runs = try runEveryCommand("tabs.yaml", in: scratch)
        assertRejected(runs, "tabs.yaml", containing: "found character that cannot start any token", at: (3, 1))

        try scratch.write("nested.yaml", Self.service.replacingOccurrences(of: "    - name: http", with: "  \t- name: http"))
        let nested = try runEveryCommand("nested.yaml", in: scratch)
        for result in nested.all {
            XCTAssertEqual(result.status, 2, result.summary)
            assertPositioned(result, file: "nested.yaml", "error", at: (10, 3))
        }

        // A tab after the indentation, inside a value, is fine.
        try scratch.write("value.yaml", "kind: ConfigMap\nmetadata:\n  name:\tx\n")
        let value = try runEveryCommand("value.yaml", in: scratch)
        XCTAssertEqual(value.resources.status, 0, value.resources.summary)
        XCTAssertEqual(value.resources.stdout, "value.yaml:1:1: ConfigMap -/x\n")
    }

    func testDuplicateKeys() throws {
        let scratch = try Scratch("dup")
        try scratch.write("dup.yaml", Self.service + "  ports:\n    - name: http\n      port: 9090\n")
        let runs = try runEveryCommand("dup.yaml", in: scratch)
        XCTAssertEqual(runs.resources.status, 0, runs.resources.summary)
        XCTAssertEqual(runs.resources.stderr,
                       "dup.yaml:12:3: warning: duplicate key \"ports\" (first at 9:3); the later value wins\n")
        // Both positions, and the later value is the one checked.
        XCTAssertEqual(runs.check.status, 1, runs.check.summary)
        assertPositioned(runs.check, file: "dup.yaml", "note", containing: "duplicate key \"ports\" (first at 9:3)", at: (12, 3))
        assertPositioned(runs.check, file: "dup.yaml", "error", containing: "port `service` is 9090", at: (14, 13))
        XCTAssertEqual(runs.blame.status, 0, runs.blame.summary)
        assertPositioned(runs.blame, file: "dup.yaml", "warning", containing: "duplicate key \"ports\"", at: (12, 3))

        try scratch.write("identity.yaml", "kind: ConfigMap\nkind: Secret\nmetadata:\n  name: a\n  name: b\n")
        let identity = try runEveryCommand("identity.yaml", in: scratch)
        XCTAssertEqual(identity.resources.stdout, "identity.yaml:1:1: Secret -/b\n")
        XCTAssertEqual(identity.resources.stderr, """
            identity.yaml:2:1: warning: duplicate key "kind" (first at 1:1); the later value wins
            identity.yaml:5:3: warning: duplicate key "name" (first at 4:3); the later value wins

            """)
    }

    // MARK: - Truncated input

    func testUnclosedQuotesAtTheEndOfInput() throws {
        let scratch = try Scratch("quotes")
        let variants: [(String, String, (Int, Int), String)] = [
            ("double.yaml", "kind: ConfigMap\nmetadata:\n  name: \"abc\n", (4, 1), "while scanning a quoted scalar at 3:9"),
            ("single.yaml", "kind: ConfigMap\nmetadata:\n  name: 'abc\n", (4, 1), "while scanning a quoted scalar at 3:9"),
            ("no-newline.yaml", "kind: ConfigMap\nmetadata:\n  name: \"abc", (3, 13), "while scanning a quoted scalar at 3:9"),
            ("multi-line.yaml", "kind: ConfigMap\ndata:\n  a: \"one\n    two\n    three\n", (6, 1), "while scanning a quoted scalar at 3:6"),
        ]
        for (name, text, position, context) in variants {
            try scratch.write(name, text)
            let runs = try runEveryCommand(name, in: scratch)
            assertRejected(runs, name, containing: "found unexpected end of stream (\(context))", at: position)
        }
    }

    func testUnclosedFlowCollectionsAtTheEndOfInput() throws {
        let scratch = try Scratch("flow")
        let variants: [(String, String, (Int, Int), String)] = [
            ("sequence.yaml", "kind: ConfigMap\ndata: [a, b\n", (3, 1),
             "did not find expected ',' or ']' (while parsing a flow sequence at 2:7)"),
            ("mapping.yaml", "kind: ConfigMap\ndata: {a: b\n", (3, 1),
             "did not find expected ',' or '}' (while parsing a flow mapping at 2:7)"),
            ("nested.yaml", "kind: ConfigMap\ndata: {a: [b, {c: d\n", (3, 1),
             "did not find expected ',' or '}' (while parsing a flow mapping at 2:15)"),
            // libyaml puts the end of a stream without a final newline on the next line.
            ("no-newline.yaml", "kind: ConfigMap\ndata: [a, b", (3, 1),
             "did not find expected ',' or ']' (while parsing a flow sequence at 2:7)"),
            ("json.json", "{\"kind\": \"ConfigMap\", \"data\": {\"a\": [1, 2", (2, 1),
             "did not find expected ',' or ']' (while parsing a flow sequence at 1:37)"),
        ]
        for (name, text, position, message) in variants {
            try scratch.write(name, text)
            let runs = try runEveryCommand(name, in: scratch)
            assertRejected(runs, name, containing: message, at: position)
        }
    }
}

import Foundation
import XCTest

/// Concatenated renders repeat the same resources many times. A stream read
/// once and the same stream repeated N times must give the same findings,
/// byte for byte, in every mode (plain, `--chart`, standard input, blame):
/// the repeats only add, per finding, the same key's place in each copy (at
/// most 9 of them) and how many more there were.
final class RepeatedStreamTests: XCTestCase {
    static let root = CLIRunner.packageRoot
    static let variant = "charts-fixtures/variants/port-drift"

    /// One copy of the stream: the variant's render, starting with `---`.
    private func copy() throws -> String {
        var text = try String(contentsOf: Self.root.appendingPathComponent("\(Self.variant)/rendered.yaml"), encoding: .utf8)
        if !text.hasPrefix("---") { text = "---\n" + text }
        if !text.hasSuffix("\n") { text += "\n" }
        return text
    }

    /// The stream repeated `count` times, written as `rendered.yaml` in a folder of its own.
    private func stream(_ count: Int) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rc-repeat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("rendered.yaml")
        try String(repeating: try copy(), count: count).write(to: path, atomically: true, encoding: .utf8)
        return path.path
    }

    private func checkArguments(_ input: String, chart: Bool, format: String = "json") -> [String] {
        var arguments = ["check", input, "--stack", "charts-fixtures/stack", "--contract", "ops/inventory/layers.json",
                         "--allowlist", "ops/policy/layer-live-diff-allowlist.json", "--namespace", "atlas-e2e",
                         "--today", "2026-11-28", "--format", format, "--no-config"]
        if chart {
            arguments += ["--chart", "charts-fixtures/bijux-atlas", "-f", "\(Self.variant)/values-port-drift.yaml",
                          "--release", "atlas-e2e"]
        }
        return arguments
    }

    private func run(_ arguments: [String], stdin: Data? = nil) throws -> CLIResult {
        try CLIRunner.run(arguments, stdin: stdin, in: Self.root)
    }

    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The triage without what repeats add (and the resource count, which counts every copy).
    private func withoutRepeats(_ triage: [String: Any]) throws -> Data {
        var triage = triage
        triage["active_differences"] = (triage["active_differences"] as? [[String: Any]] ?? []).map { difference in
            var difference = difference
            difference["other_locations"] = nil
            difference["more_locations"] = nil
            return difference
        }
        if var summary = triage["summary"] as? [String: Any] {
            summary["resources"] = nil
            triage["summary"] = summary
        }
        return try JSONSerialization.data(withJSONObject: triage, options: [.sortedKeys])
    }

    private func assertRepeats(_ triage: [String: Any], input: String, copies: Int, lines: Int, _ mode: String,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let active = triage["active_differences"] as? [[String: Any]] ?? []
        var listed = 0
        for difference in active {
            let key = difference["diff_key"] as? String ?? "?"
            let location = try XCTUnwrap(difference["location"] as? [String: Any])
            let others = difference["other_locations"] as? [[String: Any]] ?? []
            let more = difference["more_locations"] as? Int ?? 0
            guard location["file"] as? String == input, copies > 1 else {
                XCTAssertTrue(others.isEmpty && more == 0, "\(mode) \(key): no repeats outside the stream", file: file, line: line)
                continue
            }
            XCTAssertEqual(others.count, min(copies - 1, 9), "\(mode) \(key): listed repeats", file: file, line: line)
            XCTAssertEqual(more, copies - 1 - min(copies - 1, 9), "\(mode) \(key): more", file: file, line: line)
            for (index, other) in others.enumerated() {
                XCTAssertEqual(other["file"] as? String, input, file: file, line: line)
                XCTAssertEqual(other["line"] as? Int, (location["line"] as? Int ?? 0) + (index + 1) * lines, "\(mode) \(key)", file: file, line: line)
                XCTAssertEqual(other["column"] as? Int, location["column"] as? Int, file: file, line: line)
                XCTAssertEqual(other["end_line"] as? Int, (location["end_line"] as? Int ?? 0) + (index + 1) * lines, file: file, line: line)
            }
            listed += 1
        }
        if copies > 1 {
            XCTAssertTrue(active.contains { $0["diff_key"] as? String == "service.atlas.port.service" && $0["other_locations"] != nil },
                          "\(mode): the port drift lists its repeats", file: file, line: line)
            XCTAssertGreaterThan(listed, 0, file: file, line: line)
        }
    }

    func testRepeatedStreamGivesTheSameFindingsInEveryMode() throws {
        let lines = try copy().filter { $0 == "\n" }.count
        for chart in [false, true] {
            let mode = chart ? "--chart" : "plain"
            let once = try stream(1)
            let single = try run(checkArguments(once, chart: chart))
            XCTAssertEqual(single.status, 1, single.stderr)
            let reference = try withoutRepeats(try json(single.stdout.replacingOccurrences(of: once, with: "STREAM")))
            for copies in [3, 12] {
                let input = try stream(copies)
                let result = try run(checkArguments(input, chart: chart))
                XCTAssertEqual(result.status, 1, result.stderr)
                let triage = try json(result.stdout)
                try assertRepeats(triage, input: input, copies: copies, lines: lines, "\(mode) x\(copies)")
                XCTAssertEqual(try withoutRepeats(try json(result.stdout.replacingOccurrences(of: input, with: "STREAM"))), reference,
                               "\(mode) x\(copies): the findings are the single stream's")
                // Standard input cannot be read again: the same findings and repeats all the same.
                let piped = try run(checkArguments("-", chart: chart), stdin: try Data(contentsOf: URL(fileURLWithPath: input)))
                XCTAssertEqual(piped.status, 1, piped.stderr)
                let pipedTriage = try json(piped.stdout)
                try assertRepeats(pipedTriage, input: "<stdin>", copies: copies, lines: lines, "\(mode) stdin x\(copies)")
                XCTAssertEqual(try withoutRepeats(try json(piped.stdout.replacingOccurrences(of: "<stdin>", with: "STREAM"))),
                               reference, "\(mode) stdin x\(copies)")
            }
        }
    }

    func testTextReportSaysHowManyMoreRepeatsThereWere() throws {
        let input = try stream(12)
        let result = try run(checkArguments(input, chart: true, format: "text"))
        XCTAssertEqual(result.status, 1, result.stderr)
        let line = try XCTUnwrap(result.stdoutLines.first { $0.contains("[service.atlas.port.service]") })
        XCTAssertTrue(line.hasSuffix(" and 2 more)"), line)
        XCTAssertEqual(line.components(separatedBy: "\(input):").count - 1, 1 + 9, "its own place and 9 repeats: \(line)")
    }

    func testBlameOfARepeatedStreamIsTheSingleStreamsBlameShifted() throws {
        let lines = try copy().filter { $0 == "\n" }.count
        func leaves(_ input: String) throws -> [[String: Any]] {
            let result = try run(["blame", "--format", "json", "--chart", "charts-fixtures/bijux-atlas",
                                  "-f", "\(Self.variant)/values-port-drift.yaml", "--release", "atlas-e2e", input])
            XCTAssertEqual(result.status, 0, result.stderr)
            return try XCTUnwrap(try json(result.stdout.replacingOccurrences(of: input, with: "STREAM"))["leaves"] as? [[String: Any]])
        }
        let single = try leaves(try stream(1))
        XCTAssertGreaterThan(single.count, 10)
        let repeated = try leaves(try stream(3))
        XCTAssertEqual(repeated.count, 3 * single.count)
        for (index, leaf) in repeated.enumerated() {
            var expected = single[index % single.count]
            expected["line"] = (expected["line"] as? Int ?? 0) + (index / single.count) * lines
            XCTAssertEqual(try JSONSerialization.data(withJSONObject: leaf, options: [.sortedKeys]),
                           try JSONSerialization.data(withJSONObject: expected, options: [.sortedKeys]), "leaf \(index)")
        }
    }
}

import Foundation
@testable import ManifestModel
import XCTest

/// `StrictJSONReader` builds JSON without libyaml's scanner. Each case holds
/// `YAMLStreamParser.documents` (which takes the short way when it can) to
/// libyaml's own reading of the same bytes: the same documents, every node
/// of the same kind and style at the same span with the same text and value,
/// the same duplicate keys, or the same error. Each case also says whether
/// the short way must be taken, so a reader that always declined would fail.
final class StrictJSONReaderTests: XCTestCase {
    private static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
    private static let project = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private func description(_ documents: [YAMLDocument]) -> [String] {
        var lines: [String] = []
        for document in documents {
            lines.append("document \(document.index) \(document.file) \(document.span) start \(document.explicitStart) "
                + "end \(document.explicitEnd) source \(document.source.map { "\($0.value) \($0.location)" } ?? "-") "
                + "duplicates \(document.duplicateKeys.map { "\($0.key) \($0.first) \($0.duplicate)" })")
            guard let root = document.root else { continue }
            var queue = [root]
            while let node = queue.popLast() {
                let kind = document.kind(node)
                let style = kind == .scalar ? "\(document.scalarStyle(node))" : "\(document.collectionStyle(node))"
                let value = kind == .scalar ? "\(document.value(node))" : ""
                lines.append("  \(kind) \(style) \(document.span(node)) \(Array(document.text(node).utf8)) \(value) "
                    + "tag \(document.tag(node) ?? "-") anchor \(document.anchor(node) ?? "-")")
                queue += Array(document.items(node)) + Array(document.keys(node)) + Array(document.values(node))
            }
        }
        return lines
    }

    private func reading(_ read: () throws -> [YAMLDocument]) -> (lines: [String], error: String?) {
        do {
            return (description(try read()), nil)
        } catch {
            return ([], "\(error)")
        }
    }

    /// Whether the short way took `bytes`; fails when its tree differs from libyaml's.
    @discardableResult
    private func assertSameTree(_ bytes: [UInt8], name: String = "case.json", limits: ParseLimits = .default,
                                file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let taken = StrictJSONReader.document(bytes, name: name, limits: limits) != nil
        let expected = reading { try YAMLStreamParser.libyamlDocuments(.bytes(bytes, name: name), limits: limits) }
        let actual = reading { try YAMLStreamParser.documents(.bytes(bytes, name: name), limits: limits) }
        XCTAssertEqual(actual.error, expected.error, name, file: file, line: line)
        XCTAssertEqual(actual.lines.count, expected.lines.count, name, file: file, line: line)
        if let difference = zip(actual.lines, expected.lines).first(where: { $0 != $1 }) {
            XCTFail("\(name): first difference:\n\(difference.0)\n\(difference.1)", file: file, line: line)
        }
        if taken { XCTAssertNil(expected.error, "\(name): the short way took what libyaml refuses", file: file, line: line) }
        return taken
    }

    private func assertTaken(_ text: String, _ expected: Bool, limits: ParseLimits = .default,
                             file: StaticString = #filePath, line: UInt = #line) {
        let taken = assertSameTree(Array(text.utf8), name: "case.json", limits: limits, file: file, line: line)
        XCTAssertEqual(taken, expected, "short way for \(text.debugDescription)", file: file, line: line)
    }

    func testRealJSONFilesReadTheShortWayToLibyamlsTree() throws {
        var paths = ["ops/inventory/layers.json", "ops/policy/layer-live-diff-allowlist.json"]
            .map { Self.project.appendingPathComponent($0).path }
        let reference = Self.shared.appendingPathComponent("reference")
        if let names = try? FileManager.default.contentsOfDirectory(atPath: reference.path) {
            paths += names.filter { $0.hasSuffix(".json") }.sorted().map { reference.appendingPathComponent($0).path }
        }
        var taken = 0
        for path in paths where FileManager.default.fileExists(atPath: path) {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            if assertSameTree(bytes, name: path) { taken += 1 }
            XCTAssertEqual(description(try YAMLStreamParser.documents(.file(path))),
                           description(try YAMLStreamParser.libyamlDocuments(.file(path))), path)
        }
        XCTAssertGreaterThanOrEqual(taken, 2, "the project's contract and allowlist are strict JSON")
    }

    func testYAMLTestSuiteInputsGiveLibyamlsTree() throws {
        let suite = Self.shared.appendingPathComponent("yaml-test-suite")
        guard FileManager.default.fileExists(atPath: suite.path) else {
            throw XCTSkip("yaml-test-suite not found at \(suite.path)")
        }
        var inputs = 0, taken = 0
        let walker = FileManager.default.enumerator(atPath: suite.path)
        while let relative = walker?.nextObject() as? String {
            guard relative.hasSuffix("/in.json") || relative.hasSuffix("/in.yaml") else { continue }
            let bytes = Array(try Data(contentsOf: suite.appendingPathComponent(relative)))
            inputs += 1
            if assertSameTree(bytes, name: relative) { taken += 1 }
        }
        XCTAssertGreaterThan(inputs, 500)
        // Many `in.json` files hold several values or a bare scalar: those decline.
        XCTAssertGreaterThan(taken, 100, "of \(inputs) inputs")
    }

    func testEdgeCasesTakenOnlyWhereLibyamlAgrees() {
        assertTaken("{}", true)
        assertTaken("[]\n", true)
        assertTaken("\n\n{\"a\": 1}\n\n\n", true)
        assertTaken("{\"a\":1,\"b\":[true,false,null,-0,0.5,1e5,2E-3,-12.25e+7]}", true)
        assertTaken("{\"a\": {\"b\": [{}, [], [[1]], {\"c\": \"\"}]} }  ", true)
        assertTaken("{\"esc\": \"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\\u4e2d\\u0041\\u0000\"}\n", true)
        assertTaken("{\"wide\": \"é 中 😀\", \"after\": 1}\n", true)
        assertTaken("{\"a\": 1, \"a\": 2, \"b\": 3, \"c\": 4, \"b\": 5}\n", true)
        assertTaken("{\"#\": \"# not a comment\", \"k\": \"a: b, c\"}", true)
        assertTaken("[\n  \"x\",\n  {\n    \"y\": 2\n  }\n]\n", true)
        // Declined: libyaml decides these, to the same tree or the same error.
        assertTaken("  {\"a\": 1}", false)
        assertTaken("{\"a\":\t1}", false)
        assertTaken("{\"a\": 1}\r\n", false)
        assertTaken("{\"a\"\n: 1}", false)
        assertTaken("{\"" + String(repeating: "k", count: 1100) + "\": 1}", false)
        assertTaken("{\"a\": \"\\ud83d\\ude00\"}", false)
        assertTaken("{\"a\": \"x\u{85}y\"}", false)
        assertTaken("{\"a\": \"x\u{2028}y\"}", false)
        assertTaken("{\"a\": \"x\u{FEFF}y\"}", false)
        assertTaken("\u{FEFF}{\"a\": 1}", false)
        assertTaken("{\"a\": \"\u{7F}\"}", false)
        assertTaken("{\"a\": 1,}", false)
        assertTaken("{\"a\": 01}", false)
        assertTaken("{\"a\": 1.}", false)
        assertTaken("{\"a\": .5}", false)
        assertTaken("{\"a\": +1}", false)
        assertTaken("{\"a\": True}", false)
        assertTaken("{\"a\": truex}", false)
        assertTaken("{\"a\": 'x'}", false)
        assertTaken("{a: 1}", false)
        assertTaken("{\"a\": 1} # comment", false)
        assertTaken("{\"a\": 1}\n---\n{\"b\": 2}", false)
        assertTaken("{\"a\": 1} {\"b\": 2}", false)
        assertTaken("{\"a\": \"\\x41\"}", false)
        assertTaken("{\"a\": [1, 2}", false)
        assertTaken("{\"a\": \"unclosed", false)
        assertTaken("\"scalar\"", false)
        assertTaken(String(repeating: "[", count: 70) + String(repeating: "]", count: 70), false)
        assertTaken("[[[[1]]]]", false, limits: ParseLimits(maxDepth: 3))
        assertTaken("[[[1]]]", true, limits: ParseLimits(maxDepth: 3))
        assertTaken("{\"a\": \"" + String(repeating: "z", count: 90) + "\"}", false, limits: ParseLimits(maxDocumentBytes: 64))
        // Invalid UTF-8, an overlong form and a surrogate written out.
        for bytes: [UInt8] in [[0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D],
                               [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC0, 0xAF, 0x22, 0x7D],
                               [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D]] {
            XCTAssertFalse(assertSameTree(bytes))
        }
    }

    /// Random documents of every shape the reader takes, with strings drawn
    /// from escapes, wide characters and JSON punctuation.
    func testGeneratedDocumentsGiveLibyamlsTree() {
        var generator = SplitMix(seed: 0x5EED)
        let pieces = ["a", "Z", " ", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u00e9", "\\u20AC", "é", "€", "😀", "中",
                      ":", ",", "{", "}", "[", "]", "#", "- ", "---", "&x", "*y", "!t", "%", "'", "\\u0007"]
        func string() -> String {
            "\"" + (0..<generator.next(8)).map { _ in pieces[generator.next(pieces.count)] }.joined() + "\""
        }
        func space() -> String {
            ["", " ", "\n", "\n  ", "  \n\n "][generator.next(5)]
        }
        func value(_ depth: Int) -> String {
            switch depth > 4 ? generator.next(4) : generator.next(7) {
            case 0: return string()
            case 1: return ["true", "false", "null"][generator.next(3)]
            case 2: return ["0", "-1", "42", "3.25", "-0.5e10", "1E+2", "12345678901234567890"][generator.next(7)]
            case 3: return "\"\""
            case 4, 5:
                let members = (0..<generator.next(4)).map { _ in string() + space() + ":" + space() + value(depth + 1) }
                return "{" + space() + members.joined(separator: space() + "," + space()) + space() + "}"
            default:
                let items = (0..<generator.next(4)).map { _ in value(depth + 1) }
                return "[" + space() + items.joined(separator: space() + "," + space()) + space() + "]"
            }
        }
        var taken = 0
        for index in 0..<400 {
            let top = generator.next(2) == 0 ? "{" + space() + "\"k\": " + value(1) + space() + "}" : "[" + value(1) + "]"
            let text = ["", "\n", "\n\n"][generator.next(3)] + top + ["", "\n", " ", " \n\n"][generator.next(4)]
            if assertSameTree(Array(text.utf8), name: "generated-\(index).json") { taken += 1 }
        }
        XCTAssertGreaterThan(taken, 300)
    }
}

/// A small seeded generator, so every run draws the same documents.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        value ^= value >> 31
        return Int(value % UInt64(bound))
    }
}

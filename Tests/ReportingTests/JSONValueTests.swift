@testable import Reporting
import LayerContract
import ManifestModel
import XCTest

/// The serializer against Python's `json.dumps(indent=2, sort_keys=True)`.
final class JSONValueTests: XCTestCase {
    /// Unicode, emoji (astral and ZWJ sequences), every kind of control
    /// character, escapes, nested empties, extreme integers, and keys whose
    /// code-point order differs from Swift's canonical string order.
    static let tricky: JSONValue = [
        "plain": "hello, world",
        "quotes": "\"quoted\" and \\backslash\\ and /slash/ and 'single'",
        "controls": .string("\u{0}\u{1}\u{7}\u{8}\u{9}\u{A}\u{B}\u{C}\u{D}\u{1B}\u{1F} \u{7F}"),
        "latin": "café naïve Ærø",
        "combining": "e\u{301} a\u{308}",
        "cjk": "漢字かなカナ한국어",
        "emoji": "😀 👩‍👩‍👧 🇫🇷 ✔︎",
        "bmp edges": .string("\u{80}\u{9F}\u{A0}\u{2028}\u{2029}\u{FEFF}\u{FFFD}\u{FFFF}"),
        "astral": .string("\u{10000}\u{1D11E}\u{10FFFF}"),
        "empties": [
            "array": [],
            "object": [:],
            "string": "",
            "nested": [[], [:], [[]], [[:]], ["": [:]], ["x": []]],
        ],
        "numbers": [0, -1, 1, 42, .int(Int64.max), .int(Int64.min)],
        "flags": [true, false, nil],
        "a\u{301}": 1,
        "a\u{FFFF}": 2,
        "b": 3,
        "Z": 4,
        "é": 5,
        "😀": 6,
        "\u{FF21}": 7,
        "": 8,
        "key with \"quote\" and \\": 9,
        "\n": 10,
        "\u{0}": 11,
    ]

    func testMatchesPythonByteForByte() throws {
        let ours = Self.tricky.formatted()
        let python = try Python.redump(ours)
        XCTAssertEqual(ours, python)
        XCTAssertTrue(ours.unicodeScalars.allSatisfy(\.isASCII), "ensure_ascii: output must be ASCII")
    }

    func testNestedEmptiesAndSeparatorsExactly() {
        let value: JSONValue = ["b": [], "a": [1, ["y": [:], "x": nil]], "c": [:]]
        XCTAssertEqual(value.formatted(), """
            {
              "a": [
                1,
                {
                  "x": null,
                  "y": {}
                }
              ],
              "b": [],
              "c": {}
            }

            """)
        XCTAssertEqual(JSONValue.array([]).formatted(), "[]\n")
        XCTAssertEqual(JSONValue.object([:]).formatted(), "{}\n")
        XCTAssertEqual(JSONValue.string("x").formatted(), "\"x\"\n")
    }

    func testEscapesLikePython() {
        XCTAssertEqual(JSONValue.string("\"\\\n\r\t\u{8}\u{C}\u{1}\u{7F}é😀").formatted(),
                       "\"\\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u007f\\u00e9\\ud83d\\ude00\"\n")
    }

    /// Python sorts `str` keys by code point. Swift's `<` compares canonical
    /// forms, which puts `a\u{301}` (canonically U+00E1) after `b`.
    func testKeysSortByCodePointNotCanonicalOrder() {
        let value: JSONValue = ["b": 3, "a\u{FFFF}": 2, "a\u{301}": 1]
        XCTAssertEqual(value.formatted(), "{\n  \"a\\u0301\": 1,\n  \"a\\uffff\": 2,\n  \"b\": 3\n}\n")
    }

    func testReportsAreWhatPythonWouldWrite() throws {
        let fixture = try TriageFixture()
        for format in [ReportFormat.json, .sarif] {
            let report = format.reporter().report(fixture.triage(), context: TriageFixture.context)
            XCTAssertEqual(report, try Python.redump(report), "\(format)")
        }
    }

    func testFNV1a64KnownVectors() {
        XCTAssertEqual(FNV1a64().hex, "cbf29ce484222325")
        var hash = FNV1a64()
        hash.combine("a")
        XCTAssertEqual(hash.hex, "af63dc4c8601ec8c")
        hash = FNV1a64()
        hash.combine("foobar")
        XCTAssertEqual(hash.hex, "85944171f73967e8")
    }
}

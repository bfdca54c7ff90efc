import ManifestModel
import XCTest

/// Scalars resolve as Kubernetes' YAML decoder (go-yaml v2, YAML 1.1) does:
/// only plain scalars are typed; quoted and block scalars are strings unless
/// an explicit tag says otherwise.
final class ScalarResolutionTests: XCTestCase {
    /// The value of `v` in the one-line document `v: <text>`.
    private func resolve(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> ScalarValue {
        let document = try XCTUnwrap(try parse("v: \(text)\n").first, file: file, line: line)
        let node = try XCTUnwrap(document.node("v"), file: file, line: line)
        XCTAssertEqual(document.kind(node), .scalar, file: file, line: line)
        return document.value(node)
    }

    private func assertResolves(_ cases: [(String, ScalarValue)], file: StaticString = #filePath, line: UInt = #line) throws {
        for (text, expected) in cases {
            XCTAssertEqual(try resolve(text, file: file, line: line), expected, "v: \(text)", file: file, line: line)
        }
    }

    func testPlainNumberIsAnInt() throws {
        XCTAssertEqual(try resolve("8080"), .int(8080))
    }

    func testQuotedNumberIsAString() throws {
        try assertResolves([("\"8080\"", .string("8080")), ("'8080'", .string("8080"))])
    }

    func testYAML11TrueWordsAreTrue() throws {
        try assertResolves(["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"].map { ($0, .bool(true)) })
    }

    func testYAML11FalseWordsAreFalse() throws {
        try assertResolves(["false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"].map { ($0, .bool(false)) })
    }

    func testMixedCaseBooleanWordsAreStrings() throws {
        try assertResolves(["tRUE", "yEs", "oN", "fAlse", "nO"].map { ($0, .string($0)) })
    }

    func testQuotedBooleanWordsAreStrings() throws {
        try assertResolves([("\"true\"", .string("true")), ("'yes'", .string("yes")), ("\"off\"", .string("off")),
                            ("'n'", .string("n"))])
    }

    func testNullForms() throws {
        try assertResolves([("null", .null), ("Null", .null), ("NULL", .null), ("~", .null), ("", .null)])
    }

    func testQuotedNullFormsAreStrings() throws {
        try assertResolves([("\"null\"", .string("null")), ("'~'", .string("~")), ("\"\"", .string("")),
                            ("nULL", .string("nULL"))])
    }

    func testIntegerNotations() throws {
        try assertResolves([
            ("0x1F", .int(31)),
            ("0777", .int(511)),
            ("0o17", .int(15)),
            ("0b101", .int(5)),
            ("1_000", .int(1000)),
            ("-5", .int(-5)),
            ("+5", .int(5)),
            ("0", .int(0)),
            ("9223372036854775807", .int(Int64.max)),
            ("-9223372036854775808", .int(Int64.min)),
        ])
    }

    func testFloatNotations() throws {
        try assertResolves([
            ("1.5", .float(1.5)),
            ("-0.25", .float(-0.25)),
            (".5", .float(0.5)),
            ("1e3", .float(1000)),
            ("6.02E+23", .float(6.02e23)),
            (".inf", .float(.infinity)),
            ("-.Inf", .float(-.infinity)),
            ("+.INF", .float(.infinity)),
        ])
    }

    func testNotANumber() throws {
        guard case .float(let value) = try resolve(".nan") else { return XCTFail("expected a float") }
        XCTAssertTrue(value.isNaN)
    }

    func testLeadingZeroWithNonOctalDigitsIsAFloatAsInGoYAML() throws {
        try assertResolves([("08", .float(8)), ("09.5", .float(9.5))])
    }

    func testNumberLookalikesAreStrings() throws {
        try assertResolves(["0x", "1.2.3", "12:30", "1e", "0xZZ", "2001-12-14", "v1", "+"].map { ($0, .string($0)) })
    }

    func testQuotedNumbersOfEveryNotationStayStrings() throws {
        try assertResolves(["0x1F", "0777", "1_000", "-5", "1.5", ".inf", "08"].map { ("\"\($0)\"", .string($0)) })
    }

    func testBlockScalarIsAStringEvenWhenItLooksLikeANumber() throws {
        let document = try XCTUnwrap(try parse("v: |-\n  8080\n").first)
        XCTAssertEqual(document.value(try XCTUnwrap(document.node("v"))), .string("8080"))
    }

    func testExplicitTagsOverrideTheStyle() throws {
        try assertResolves([
            ("!!str 8080", .string("8080")),
            ("!!str true", .string("true")),
            ("!!int \"42\"", .int(42)),
            ("!!bool \"yes\"", .bool(true)),
            ("!!float 1", .float(1)),
            ("!!null \"\"", .null),
        ])
    }

    func testNonSpecificTagMakesAPlainScalarAString() throws {
        XCTAssertEqual(try resolve("! 8080"), .string("8080"))
    }

    func testUnknownTagLeavesTheTextAsAString() throws {
        XCTAssertEqual(try resolve("!custom 8080"), .string("8080"))
    }

    func testDescriptionReadsLikeTheValue() {
        XCTAssertEqual(ScalarValue.int(8080).description, "8080")
        XCTAssertEqual(ScalarValue.bool(false).description, "false")
        XCTAssertEqual(ScalarValue.null.description, "null")
        XCTAssertEqual(ScalarValue.string("web").description, "web")
        XCTAssertEqual(ScalarValue.int(7).intValue, 7)
        XCTAssertNil(ScalarValue.string("7").intValue)
        XCTAssertEqual(ScalarValue.string("7").stringValue, "7")
    }
}

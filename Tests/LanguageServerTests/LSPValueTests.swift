import LanguageServer
import ManifestModel
import XCTest

/// Messages read through libyaml as JSON, and written back compactly.
final class LSPValueTests: XCTestCase {
    func parse(_ text: String) throws -> LSPValue {
        try LSPValue.parse(Array(text.utf8), limits: .default)
    }

    func testJSONTypesAreKeptApart() throws {
        let value = try parse(#"{"s":"1","n":1,"f":1.5,"t":true,"z":null,"a":[1,"x"],"o":{"k":"v"},"e":"\u00e9\n\"\/"}"#)
        XCTAssertEqual(value["s"], .string("1"))
        XCTAssertEqual(value["n"], .int(1))
        XCTAssertEqual(value["f"], .double(1.5))
        XCTAssertEqual(value["t"], .bool(true))
        XCTAssertEqual(value["z"], .null)
        XCTAssertEqual(value["a"], .array([.int(1), .string("x")]))
        XCTAssertEqual(value["o"]?["k"], .string("v"))
        XCTAssertEqual(value["e"], .string("é\n\"/"))
    }

    func testWhatIsNotJSONIsRefused() {
        for text in [#"{"a": "#, "plain: yaml", "'single'", "{a: b}", #"{"a": yes}"#, "", #"{"a":1} {"b":2}"#] {
            XCTAssertThrowsError(try parse(text), text)
        }
    }

    func testDepthIsLimited() {
        var limits = ParseLimits.default
        limits.maxDepth = 8
        let deep = String(repeating: "[", count: 50) + String(repeating: "]", count: 50)
        XCTAssertThrowsError(try LSPValue.parse(Array(deep.utf8), limits: limits))
    }

    func testWritingIsCompactSortedAndReadsBack() throws {
        let value: LSPValue = ["b": [1, "two", nil], "a": ["x": true], "c": .string("quote \" and\ttab")]
        XCTAssertEqual(value.json, #"{"a":{"x":true},"b":[1,"two",null],"c":"quote \" and\ttab"}"#)
        XCTAssertEqual(try parse(value.json), value)
    }
}

@testable import Reporting
import XCTest

/// `JSONObject` keeps members sorted by code point and unique, whatever the
/// order they were given in; the writer relies on that and no longer sorts.
final class JSONObjectTests: XCTestCase {
    func testMembersAreKeptInCodePointOrderAndUnique() {
        var object: JSONObject = ["b": 2, "a\u{301}": 1, "a\u{FFFF}": 3, "A": 0, "b": 4]
        XCTAssertEqual(object.keys, ["A", "a\u{301}", "a\u{FFFF}", "b"])
        XCTAssertEqual(object["b"], 4, "a repeated key keeps its last value")
        object["aa"] = "x"
        object["c"] = "y"
        object["A"] = nil
        object["missing"] = nil
        object["n"] = .null
        XCTAssertEqual(object.keys, ["aa", "a\u{301}", "a\u{FFFF}", "b", "c", "n"])
        XCTAssertEqual(object.map(\.key), object.keys)
        XCTAssertEqual(object.values, ["x", 1, 3, 4, "y", .null])
        // (`== nil` and XCTAssertNil would read the literal as JSON's null.)
        if case .some = object["A"] { XCTFail("a member set to nil is removed") }
        XCTAssertEqual(object["n"], .some(.null))
        XCTAssertEqual(object.count, 6)
    }

    func testEqualMembersAreEqualHoweverBuilt() {
        let words = ["service", "selector", "ports", "", "é", "e\u{301}", "😀", "z", "a.b", "a"]
        var forward = JSONObject(), backward = JSONObject()
        for (index, word) in words.enumerated() { forward[word] = .int(Int64(index)) }
        for (index, word) in words.enumerated().reversed() { backward[word] = .int(Int64(index)) }
        let literal = JSONObject(members: words.enumerated().map { ($1, JSONValue.int(Int64($0))) })
        XCTAssertEqual(forward, backward)
        XCTAssertEqual(forward, literal)
        XCTAssertEqual(forward.hashValue, literal.hashValue)
        XCTAssertEqual(forward.count, words.count, "\"é\" and \"e\\u{301}\" are two keys, as in Python")
        XCTAssertEqual(forward.keys, words.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) })
        backward["z"] = 99
        XCTAssertNotEqual(forward, backward)
    }

    func testWrittenWithoutSortingAsPythonWould() {
        let value: JSONValue = ["zeta": [:], "alpha": ["y": 1, "x": [2, ["b": nil, "a": true]]], "mid": []]
        XCTAssertEqual(value.formatted(), """
            {
              "alpha": {
                "x": [
                  2,
                  {
                    "a": true,
                    "b": null
                  }
                ],
                "y": 1
              },
              "mid": [],
              "zeta": {}
            }

            """)
    }
}

import ManifestModel
import XCTest

/// Keys are written in Python's `str` order: by code point, not by Swift's
/// canonical-equivalence `<` and not by UTF-16 unit.
final class CodePointOrderTests: XCTestCase {
    func testOrdersByCodePoint() {
        XCTAssertTrue("a".precedesByCodePoint("b"))
        XCTAssertTrue("".precedesByCodePoint("a"))
        XCTAssertFalse("a".precedesByCodePoint(""))
        XCTAssertFalse("".precedesByCodePoint(""))
        XCTAssertTrue("ab".precedesByCodePoint("abc"))
        XCTAssertFalse("abc".precedesByCodePoint("abc"))
        XCTAssertTrue("Z".precedesByCodePoint("a"))
        // U+FFFF before U+1F600, though its UTF-16 unit sorts after the surrogate.
        XCTAssertTrue("\u{FFFF}".precedesByCodePoint("😀"))
        // Canonically equal to Swift, different code points to Python.
        XCTAssertTrue("e\u{301}".precedesByCodePoint("\u{E9}"))
        XCTAssertFalse("\u{E9}".precedesByCodePoint("e\u{301}"))
        XCTAssertTrue("service.a-very-long-key-beyond-small-strings.x".precedesByCodePoint("service.a-very-long-key-beyond-small-strings.y"))
    }

    func testAgreesWithScalarByScalarComparison() {
        let alphabet: [String] = ["a", "b", "A", "_", "-", ".", "é", "e\u{301}", "中", "😀", "\u{FFFF}", "\u{7F}", "\u{80}"]
        var words: [String] = [""]
        for first in alphabet {
            words.append(first)
            for second in alphabet { words.append(first + second + String(repeating: "x", count: words.count % 20)) }
        }
        for left in words {
            for right in words {
                XCTAssertEqual(left.precedesByCodePoint(right),
                               left.unicodeScalars.lexicographicallyPrecedes(right.unicodeScalars),
                               "\(left.debugDescription) vs \(right.debugDescription)")
            }
        }
    }
}

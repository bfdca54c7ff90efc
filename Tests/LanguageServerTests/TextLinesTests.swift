import LanguageServer
import ManifestModel
import XCTest

/// Positions between the checks (1-based, Unicode scalar columns) and the
/// protocol (0-based, UTF-16 or UTF-32), and buffer edits through them.
final class TextLinesTests: XCTestCase {
    func testUTF16CountsAstralScalarsTwice() {
        let lines = TextLines("a: 1\nname: \"😀x\" # é\r\nlast")
        // `x` is the 10th scalar of line 2 (column 10): 9 scalars before it, one of them two UTF-16 units.
        XCTAssertEqual(lines.position(Mark(line: 2, column: 10), unit: .utf16).character, 10)
        XCTAssertEqual(lines.position(Mark(line: 2, column: 10), unit: .utf32).character, 9)
        XCTAssertEqual(lines.mark(line: 1, character: 10, unit: .utf16), Mark(line: 2, column: 10))
        XCTAssertEqual(lines.mark(line: 2, character: 2, unit: .utf16), Mark(line: 3, column: 3))
        XCTAssertEqual(lines.count, 3)
    }

    func testIncrementalChangesEditTheBuffer() {
        var store = DocumentStore()
        store.open(uri: "file:///v.yaml", path: "/v.yaml", version: 1, text: "service:\n  port: 9090 # 😀\n")
        XCTAssertTrue(store.change(path: "/v.yaml", version: 2, changes: [(((1, 8), (1, 12)), "8080")], unit: .utf16))
        XCTAssertEqual(store["/v.yaml"]?.text, "service:\n  port: 8080 # 😀\n")
        // After the emoji (two UTF-16 units) the range still lands right.
        XCTAssertTrue(store.change(path: "/v.yaml", version: 3, changes: [(((1, 17), (1, 17)), "!")], unit: .utf16))
        XCTAssertEqual(store["/v.yaml"]?.text, "service:\n  port: 8080 # 😀!\n")
        XCTAssertTrue(store.change(path: "/v.yaml", version: 4, changes: [(nil, "whole")], unit: .utf16))
        XCTAssertEqual(store["/v.yaml"]?.text, "whole")
        XCTAssertEqual(store["/v.yaml"]?.version, 4)
        XCTAssertFalse(store.change(path: "/other.yaml", version: 1, changes: [(nil, "x")], unit: .utf16))
    }

    func testFileURIsRoundTrip() {
        XCTAssertEqual(DocumentURI.path("file:///a%20b/c/../d.yaml"), "/a b/d.yaml")
        XCTAssertEqual(DocumentURI.uri("/a b/é.yaml"), "file:///a%20b/%C3%A9.yaml")
        XCTAssertEqual(DocumentURI.path(DocumentURI.uri("/a b/é.yaml")), "/a b/é.yaml")
        XCTAssertNil(DocumentURI.path("untitled:Untitled-1"))
    }
}

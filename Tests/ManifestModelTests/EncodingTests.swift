import ManifestModel
import XCTest

/// Byte-level faults and variants: invalid UTF-8, NUL, a byte-order mark,
/// CRLF line ends, and columns counted in Unicode scalars.
final class EncodingTests: XCTestCase {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    // MARK: - Invalid input bytes

    func testInvalidUTF8InAKeyIsAReaderErrorAtThatByte() throws {
        let error = try XCTUnwrap(parseError(bytes: bytes("a: 1\nk") + [0xFF] + bytes("ey: v\n"), name: "key.yaml"))
        XCTAssertEqual(error.stage, .reader)
        XCTAssertEqual(error.problem, "invalid leading UTF-8 octet (byte 0xff)")
        XCTAssertEqual(error.location.description, "key.yaml:2:2")
    }

    func testInvalidUTF8InAValueIsAReaderErrorAtThatByte() throws {
        let error = try XCTUnwrap(parseError(bytes: bytes("a: 1\nkey: v") + [0xFF] + bytes("x\n")))
        XCTAssertEqual(error.stage, .reader)
        XCTAssertEqual(error.location.span.start, mark(2, 7))
    }

    func testInvalidUTF8AfterMultibyteCharactersCountsThemAsOneColumnEach() throws {
        let error = try XCTUnwrap(parseError(bytes: bytes("a: 1\nkey: éé") + [0xFF] + bytes("\n")))
        XCTAssertEqual(error.location.span.start, mark(2, 8))
    }

    func testTruncatedUTF8SequenceIsReportedAtTheByteThatBreaksIt() throws {
        // 0xC3 starts a two-byte sequence; the newline after it is not a continuation byte.
        let error = try XCTUnwrap(parseError(bytes: bytes("a: 1\nkey: v") + [0xC3] + bytes("\n")))
        XCTAssertEqual(error.stage, .reader)
        XCTAssertEqual(error.problem, "invalid trailing UTF-8 octet (byte 0xa)")
        XCTAssertEqual(error.location.span.start, mark(2, 8))
    }

    func testNULByteIsAReaderError() throws {
        let error = try XCTUnwrap(parseError(bytes: bytes("a: 1\nkey: v") + [0x00] + bytes("x\n"), name: "nul.yaml"))
        XCTAssertEqual(error.stage, .reader)
        XCTAssertEqual(error.problem, "control characters are not allowed (byte 0x0)")
        XCTAssertEqual(error.location.description, "nul.yaml:2:7")
    }

    func testInvalidUTF8FarIntoALargeInputIsPositionedExactly() throws {
        // 255 lines of 64 bytes: the bad line starts 64 bytes before libyaml's
        // first 16 KiB read ends, so the bad byte lands on either side of it.
        let filler = String(repeating: "# " + String(repeating: "-", count: 61) + "\n", count: 255)
        for padding in [0, 58, 59, 60, 100, 20_000] {
            let prefix = "key: " + String(repeating: "x", count: padding)
            let error = try XCTUnwrap(parseError(bytes: bytes(filler + prefix) + [0xFF] + bytes("\n")))
            XCTAssertEqual(error.stage, .reader)
            XCTAssertEqual(error.location.span.start, mark(256, 6 + padding), "padding \(padding)")
        }
    }

    func testInvalidUTF8AfterMultibyteTextThatCrossesReadBoundaries() throws {
        // One line of 20,000 two-byte characters: reads split characters in half.
        let line = "v: " + String(repeating: "é", count: 20_000)
        let error = try XCTUnwrap(parseError(bytes: bytes("kind: X\n" + line) + [0xFF] + bytes("\n")))
        XCTAssertEqual(error.stage, .reader)
        XCTAssertEqual(error.location.span.start, mark(2, 20_004))
    }

    // MARK: - Byte-order mark

    private let withoutMark = "# Source: chart/templates/a.yaml\nkind: Service\nmetadata:\n  name: web\n"

    func testByteOrderMarkIsAcceptedAndDoesNotShiftPositions() throws {
        let plain = try XCTUnwrap(try parse(withoutMark).first)
        let marked = try XCTUnwrap(try YAMLStreamParser.documents(.bytes([0xEF, 0xBB, 0xBF] + bytes(withoutMark), name: "inline.yaml")).first)
        XCTAssertEqual(marked.flattened(), plain.flattened())
        XCTAssertEqual(marked.span(try XCTUnwrap(marked.root)), span(2, 1, 5, 1))
        XCTAssertEqual(marked.span(try XCTUnwrap(marked.node("metadata", "name"))), span(4, 9, 4, 12))
    }

    func testSourceCommentRightAfterAByteOrderMarkIsFound() throws {
        let document = try XCTUnwrap(try YAMLStreamParser.documents(.bytes([0xEF, 0xBB, 0xBF] + bytes(withoutMark), name: "bom.yaml")).first)
        XCTAssertEqual(document.source?.value, "chart/templates/a.yaml")
        XCTAssertEqual(document.source?.location.span.start, mark(1, 1))
    }

    func testReaderErrorOnTheFirstLineAfterAByteOrderMarkIgnoresTheMark() throws {
        // libyaml does not count the mark as a column: the bad byte is at 1:4.
        let error = try XCTUnwrap(parseError(bytes: [0xEF, 0xBB, 0xBF] + bytes("a: ") + [0xFF] + bytes("\n")))
        XCTAssertEqual(error.stage, .reader)
        XCTAssertEqual(error.location.span.start, mark(1, 4))
    }

    // MARK: - Line ends and columns

    func testCRLFStreamHasTheSamePositionsAsLF() throws {
        let lf = try Fixture.bytes("helm-template.yaml")
        XCTAssertFalse(lf.contains(UInt8(ascii: "\r")))
        var crlf: [UInt8] = []
        for byte in lf {
            if byte == UInt8(ascii: "\n") { crlf.append(UInt8(ascii: "\r")) }
            crlf.append(byte)
        }
        let expected = try YAMLStreamParser.documents(.bytes(lf, name: "stream.yaml"))
        let actual = try YAMLStreamParser.documents(.bytes(crlf, name: "stream.yaml"))
        XCTAssertEqual(actual.count, expected.count)
        for (a, e) in zip(actual, expected) {
            XCTAssertEqual(a.flattened(), e.flattened(), "document \(e.index)")
            XCTAssertEqual(a.span, e.span)
            XCTAssertEqual(a.source, e.source)
        }
    }

    func testCRLFBlockScalarLineBreaksBecomeNewlines() throws {
        let document = try XCTUnwrap(try parse("a: 1\r\nb: |\r\n  x\r\n  y\r\nc: 2\r\n").first)
        let b = try XCTUnwrap(document.node("b"))
        XCTAssertEqual(document.text(b), "x\ny\n")
        XCTAssertEqual(document.span(b), span(2, 4, 5, 1))
    }

    func testColumnsCountUnicodeScalarsNotBytes() throws {
        let document = try XCTUnwrap(try parse("labels: {city: Zürich, emoji: 🚀, next: 1}\n").first)
        let city = try XCTUnwrap(document.node("labels", "city"))
        XCTAssertEqual(document.text(city), "Zürich")
        XCTAssertEqual(document.span(city), span(1, 16, 1, 22))
        XCTAssertEqual(document.span(try XCTUnwrap(document.keyNode("labels", "emoji"))).start, mark(1, 24))
        XCTAssertEqual(document.span(try XCTUnwrap(document.node("labels", "emoji"))), span(1, 31, 1, 32))
        XCTAssertEqual(document.span(try XCTUnwrap(document.keyNode("labels", "next"))).start, mark(1, 34))
    }

    func testEscapesInDoubleQuotedScalarsAreDecoded() throws {
        let document = try XCTUnwrap(try parse("a: \"tab\\tnl\\n\\u00e9\"\n").first)
        XCTAssertEqual(document.text(try XCTUnwrap(document.node("a"))), "tab\tnl\né")
    }
}

import Foundation
import ManifestModel
import XCTest

/// A file of several megabytes is read in pieces on two cores
/// (`DocumentStream`); each case holds it to one `YAMLStreamParser` reading
/// the same file from its start: the same documents, numbered the same, every
/// node at the same place with the same text, the same `# Source:` comments,
/// and the same error.
final class DocumentStreamTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("document-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The Helm stream fixture repeated to `megabytes`, with `insert` put
    /// before the document that starts nearest each of `fractions` of it.
    private func stream(megabytes: Double = 4.5, insert: String = "", at fractions: [Double] = []) throws -> [UInt8] {
        try stream(megabytes: megabytes, inserting: Array(insert.utf8), at: fractions)
    }

    private func stream(megabytes: Double = 4.5, inserting insert: [UInt8], at fractions: [Double]) throws -> [UInt8] {
        let unit = try Fixture.bytes("helm-template.yaml")
        var bytes: [UInt8] = []
        while Double(bytes.count) < megabytes * 1_048_576 { bytes += unit }
        let marker = Array("\n---".utf8)
        for fraction in fractions.sorted(by: >) {
            var index = Int(Double(bytes.count) * fraction)
            while index < bytes.count - marker.count, Array(bytes[index..<index + marker.count]) != marker { index += 1 }
            bytes.insert(contentsOf: insert, at: index + 1)
        }
        return bytes
    }

    private func write(_ bytes: [UInt8], _ name: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Everything a reader can tell about the documents, one line per node.
    private func reading(_ next: () throws -> YAMLDocument?, sources: Bool = true) -> (lines: [String], error: String?) {
        var lines: [String] = []
        do {
            while let document = try next() {
                lines.append("document \(document.index) \(document.span) start \(document.explicitStart) "
                    + "end \(document.explicitEnd) source \(sources ? document.source.map { "\($0.value) \($0.location)" } ?? "-" : "")")
                guard let root = document.root else { continue }
                var queue = [root]
                while let node = queue.popLast() {
                    lines.append("  \(document.kind(node)) \(document.span(node)) \(document.text(node))")
                    queue += Array(document.items(node)) + Array(document.keys(node)) + Array(document.values(node))
                }
            }
            return (lines, nil)
        } catch {
            return (lines, "\(error)")
        }
    }

    /// How much of a file is expected to be read in pieces.
    private enum Reading {
        case pieces
        case piecesThenOneStream
        case oneStream
    }

    /// `insert` before every document of `bytes` but the first.
    private func everyDocument(_ bytes: [UInt8], insert: String) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count * 2)
        for index in bytes.indices {
            if index > 0, bytes[index - 1] == UInt8(ascii: "\n"), bytes[index...].starts(with: "---".utf8) {
                result += insert.utf8
            }
            result.append(bytes[index])
        }
        return result
    }

    /// `readAhead`: one stream stops at a reader error as soon as libyaml's
    /// read-ahead decodes it, a few documents before it; there the reading
    /// from the start need only be a prefix of the pieces'.
    private func assertSameReading(_ bytes: [UInt8], _ name: String, sources: Bool = true, expect: Reading,
                                   pieceBytes: Int = 1 << 16, readAhead: Bool = false,
                                   file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try write(bytes, name)
        let whole = try YAMLStreamParser(.file(path))
        // Pieces of 64 KiB: many cuts in a few megabytes.
        let pieces = try DocumentStream(.file(path), pieceBytes: pieceBytes)
        let expected = reading({ try whole.nextDocument() }, sources: sources)
        let actual = reading({ try pieces.nextDocument() }, sources: sources)
        XCTAssertGreaterThan(expected.lines.count, 1000, "the file is large enough to be cut", file: file, line: line)
        if readAhead {
            XCTAssertLessThanOrEqual(expected.lines.count, actual.lines.count, file: file, line: line)
        } else {
            XCTAssertEqual(actual.lines.count, expected.lines.count, file: file, line: line)
        }
        if let difference = zip(actual.lines, expected.lines).first(where: { $0 != $1 }) {
            XCTFail("first difference: \(difference.0) vs \(difference.1)", file: file, line: line)
        }
        XCTAssertEqual(actual.error, expected.error, file: file, line: line)
        switch expect {
        case .pieces:
            XCTAssertNil(pieces.oneStreamFrom, "every piece trusted", file: file, line: line)
            XCTAssertGreaterThanOrEqual(pieces.piecesParsed, 4, file: file, line: line)
        case .piecesThenOneStream:
            XCTAssertGreaterThanOrEqual(pieces.piecesParsed, 2, "read in pieces first", file: file, line: line)
            XCTAssertGreaterThan(pieces.oneStreamFrom ?? 0, 0, "the rest read as one stream", file: file, line: line)
        case .oneStream:
            XCTAssertEqual(pieces.piecesParsed, 0, "no piece can be trusted", file: file, line: line)
            XCTAssertEqual(pieces.oneStreamFrom, 0, file: file, line: line)
        }
    }

    func testARepeatedHelmStreamReadsAsOneStream() throws {
        try assertSameReading(stream(), "plain.yaml", expect: .pieces)
    }

    func testCarriageReturnLineFeedsAndAByteOrderMark() throws {
        let bytes = try stream()
        var crlf: [UInt8] = [0xEF, 0xBB, 0xBF]
        for byte in bytes {
            if byte == UInt8(ascii: "\n") { crlf.append(UInt8(ascii: "\r")) }
            crlf.append(byte)
        }
        try assertSameReading(crlf, "crlf.yaml", expect: .pieces)
    }

    func testADocumentEndMarkerKeepsTheSourceCommentAfterIt() throws {
        // The comment after `...` is the next document's: no cut goes between them.
        let unnamed = try stream().split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .filter { !$0.starts(with: "# Source:".utf8) }.joined(separator: [UInt8(ascii: "\n")])
        let ended = everyDocument(Array(unnamed), insert: "...\n# Source: moved/templates/after-end.yaml\n")
        try assertSameReading(ended, "document-end.yaml", expect: .oneStream)
        try assertSameReading(stream(insert: "...\n# Source: moved/templates/after-end.yaml\n", at: [0.3, 0.6, 0.9]),
                              "some-ends.yaml", expect: .pieces)
    }

    func testADirectiveHalfwayIsReadWithItsDocument() throws {
        try assertSameReading(stream(insert: "%YAML 1.1\n", at: [0.55]), "directive.yaml", expect: .piecesThenOneStream)
    }

    func testAnUnclosedQuoteAcrossADocumentStartFailsAsItDoesInOneStream() throws {
        try assertSameReading(stream(insert: "broken: \"open\n", at: [0.7]), "unclosed-quote.yaml", expect: .piecesThenOneStream)
        try assertSameReading(stream(insert: "broken: [a,\n", at: [0.45]), "unclosed-flow.yaml", expect: .piecesThenOneStream)
    }

    func testInvalidUTF8LateInTheFile() throws {
        try assertSameReading(stream(inserting: Array("# ".utf8) + [0xFF, 0x0A], at: [0.8]), "invalid.yaml", expect: .piecesThenOneStream,
                              readAhead: true)
    }

    func testADocumentLargerThanAPieceIsAPieceOfItsOwn() throws {
        var huge = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  blob: |\n"
        for number in 0..<120_000 { huge += "    line \(number) ---\n" }
        // 2.6 MB: a piece of its own with the default pieces...
        try assertSameReading(stream(insert: huge, at: [0.5]), "huge.yaml", expect: .pieces,
                              pieceBytes: DocumentStream.defaultPieceBytes)
        // ... and past the longest piece (64 of them) with pieces of 16 KiB: the rest is one stream.
        try assertSameReading(stream(insert: huge, at: [0.5]), "huger.yaml", expect: .piecesThenOneStream,
                              pieceBytes: 1 << 14)
    }

    func testLineBreaksALineFeedCountDoesNotSee() throws {
        // libyaml breaks lines at a lone CR, NEL and LS as well; the piece
        // after them is read again from its start. (The `# Source:` scanner
        // counts line feeds only, so past such a break one stream loses the
        // comments and the pieces find them again: the sources differ.)
        try assertSameReading(stream(insert: "# a\r# b\u{85}# c\u{2028}# d\n", at: [0.3]), "breaks.yaml", sources: false, expect: .piecesThenOneStream)
    }
}

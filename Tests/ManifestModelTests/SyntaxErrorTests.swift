import ManifestModel
import XCTest

/// A syntax error is a clean `YAMLError` naming file:line:column, libyaml's
/// problem and, where libyaml gives one, the context it was parsing.
final class SyntaxErrorTests: XCTestCase {
    func testUnclosedFlowSequenceAtEndOfInput() throws {
        let error = try XCTUnwrap(parseError("kind: List\nitems: [a, b\n", name: "bad.yaml"))
        XCTAssertEqual(error.stage, .parser)
        XCTAssertEqual(error.problem, "did not find expected ',' or ']'")
        XCTAssertEqual(error.location, SourceLocation(file: "bad.yaml", line: 3, column: 1))
        XCTAssertEqual(error.context, "while parsing a flow sequence")
        XCTAssertEqual(error.contextLocation?.span.start, mark(2, 8))
        XCTAssertEqual(error.description,
                       "bad.yaml:3:1: error: did not find expected ',' or ']' (while parsing a flow sequence at 2:8)")
    }

    func testUnclosedFlowSequenceWithoutFinalNewline() throws {
        // libyaml ends the last line itself, so the end of input is 2:1 here too.
        let error = try XCTUnwrap(parseError("a: [1, 2"))
        XCTAssertEqual(error.location.span.start, mark(2, 1))
        XCTAssertEqual(error.contextLocation?.span.start, mark(1, 4))
    }

    func testKeyIndentedLessThanItsSiblings() throws {
        let error = try XCTUnwrap(parseError("a:\n  b: 1\n c: 2\n", name: "indent.yaml"))
        XCTAssertEqual(error.stage, .parser)
        XCTAssertEqual(error.problem, "did not find expected key")
        XCTAssertEqual(error.location.description, "indent.yaml:3:2")
        XCTAssertEqual(error.context, "while parsing a block mapping")
        XCTAssertEqual(error.contextLocation?.span.start, mark(1, 1))
    }

    func testMappingValueWhereNoneIsAllowed() throws {
        let error = try XCTUnwrap(parseError("metadata:\n  name: web: api\n"))
        XCTAssertEqual(error.stage, .scanner)
        XCTAssertEqual(error.problem, "mapping values are not allowed in this context")
        XCTAssertEqual(error.location.span.start, mark(2, 12))
        XCTAssertNil(error.context)
        XCTAssertNil(error.contextLocation)
    }

    func testUnterminatedQuotedScalar() throws {
        let error = try XCTUnwrap(parseError("a: \"open\n"))
        XCTAssertEqual(error.stage, .scanner)
        XCTAssertEqual(error.problem, "found unexpected end of stream")
        XCTAssertEqual(error.location.span.start, mark(2, 1))
        XCTAssertEqual(error.context, "while scanning a quoted scalar")
        XCTAssertEqual(error.contextLocation?.span.start, mark(1, 4))
    }

    func testTabIndentationIsACleanScannerError() throws {
        let error = try XCTUnwrap(parseError("spec:\n\tports: []\n", name: "tabs.yaml"))
        XCTAssertEqual(error.stage, .scanner)
        XCTAssertEqual(error.problem, "found character that cannot start any token")
        XCTAssertEqual(error.location.description, "tabs.yaml:2:1")
        XCTAssertEqual(error.context, "while scanning for the next token")
    }

    func testTabBeforeAContinuationLineIsACleanScannerError() throws {
        let error = try XCTUnwrap(parseError("a: 1\n\tb: 2\n"))
        XCTAssertEqual(error.stage, .scanner)
        XCTAssertEqual(error.problem, "found a tab character that violates indentation")
        XCTAssertEqual(error.location.span.start, mark(2, 1))
        XCTAssertEqual(error.contextLocation?.span.start, mark(1, 4))
    }

    func testTabAsSeparatorInsideALineIsAccepted() throws {
        let document = try XCTUnwrap(try parse("a:\t1\n").first)
        let value = try XCTUnwrap(document.node("a"))
        XCTAssertEqual(document.value(value), .int(1))
        XCTAssertEqual(document.span(value), span(1, 4, 1, 5))
    }

    func testDocumentsBeforeASyntaxErrorAreDelivered() throws {
        let text = "kind: A\n---\nkind: B\n---\nkind: [C\n"
        let parser = try YAMLStreamParser(.bytes(Array(text.utf8), name: "three.yaml"))
        XCTAssertEqual(try parser.nextDocument()?.index, 0)
        XCTAssertEqual(try parser.nextDocument()?.index, 1)
        XCTAssertThrowsError(try parser.nextDocument()) { error in
            XCTAssertEqual((error as? YAMLError)?.location.description, "three.yaml:6:1")
        }
        XCTAssertNil(try parser.nextDocument())
    }

    func testReaderKeepsResourcesReadBeforeASyntaxError() {
        let text = "kind: Service\nmetadata: {name: a}\n---\nkind: Service\nmetadata: {name: [b\n"
        let facts = ManifestReader.read(.bytes(Array(text.utf8), name: "partial.yaml"))
        XCTAssertEqual(facts.resources.map(\.nameValue), ["a"])
        XCTAssertEqual(facts.documents, 1)
        XCTAssertEqual(facts.error?.stage, .parser)
        XCTAssertEqual(facts.error?.location.file, "partial.yaml")
        XCTAssertEqual(facts.error?.location.line, 6)
    }

    func testMissingFileIsAnIOError() throws {
        let error = try XCTUnwrap(parseError(.file(Fixture.path("does-not-exist.yaml"))))
        XCTAssertEqual(error.stage, .io)
        XCTAssertEqual(error.problem, "cannot open: No such file or directory")
        XCTAssertEqual(error.location, SourceLocation(file: Fixture.path("does-not-exist.yaml"), line: 1, column: 1))
    }

    func testDirectoryGivenAsAFileIsAnIOErrorNotACrash() throws {
        let error = try XCTUnwrap(parseError(.file(Fixture.directory.path)))
        XCTAssertEqual(error.stage, .io)
        XCTAssertEqual(error.location.file, Fixture.directory.path)
    }

    func testDocumentLargerThanTheLimitIsALimitError() throws {
        let text = "kind: ConfigMap\ndata:\n  blob: " + String(repeating: "x", count: 100_000) + "\n"
        let error = try XCTUnwrap(parseError(text, name: "big.yaml", limits: ParseLimits(maxDocumentBytes: 1000)))
        XCTAssertEqual(error.stage, .limit)
        XCTAssertEqual(error.problem, "document is larger than the limit of 1000 bytes (--max-document-bytes)")
        XCTAssertEqual(error.location.file, "big.yaml")
        // Reading stops inside the scalar on line 3, past the limit.
        XCTAssertEqual(error.location.line, 3)
        XCTAssertGreaterThan(error.location.column, 1000)
    }

    func testDocumentSizeLimitAppliesPerDocument() throws {
        var text = ""
        for index in 0..<2000 { text += "---\nkind: ConfigMap\nmetadata:\n  name: config-\(index)\n" }
        XCTAssertGreaterThan(text.utf8.count, 50 * 1000)
        let documents = try parse(text, limits: ParseLimits(maxDocumentBytes: 1000))
        XCTAssertEqual(documents.count, 2000)
    }
}

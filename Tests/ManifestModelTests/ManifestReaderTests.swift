import ManifestModel
import XCTest

/// Inputs and documents that hold no Kubernetes object are reported as
/// skipped, never dropped silently.
final class ManifestReaderTests: XCTestCase {
    private func read(_ text: String, name: String = "inline.yaml") -> ManifestReader.InputFacts {
        ManifestReader.read(.bytes(Array(text.utf8), name: name))
    }

    func testEmptyFileHasNoDocumentsAndIsNotedAsSkipped() throws {
        XCTAssertEqual(try Fixture.documents("empty.yaml").count, 0)
        let facts = ManifestReader.read(.file(Fixture.path("empty.yaml")))
        XCTAssertNil(facts.error)
        XCTAssertEqual(facts.documents, 0)
        XCTAssertEqual(facts.resources.count, 0)
        XCTAssertEqual(facts.notices, [ManifestNotice(kind: .skipped, message: "no YAML documents (empty or only comments)",
                                                      location: SourceLocation(file: Fixture.path("empty.yaml"), line: 1, column: 1))])
    }

    func testCommentOnlyFileHasNoDocumentsAndIsNotedAsSkipped() throws {
        XCTAssertEqual(try Fixture.documents("comments-only.yaml").count, 0)
        let facts = ManifestReader.read(.file(Fixture.path("comments-only.yaml")))
        XCTAssertNil(facts.error)
        XCTAssertEqual(facts.documents, 0)
        XCTAssertEqual(facts.notices.map(\.kind), [.skipped])
        XCTAssertEqual(facts.notices.first?.message, "no YAML documents (empty or only comments)")
    }

    func testLoneSeparatorIsAnEmptyDocument() {
        let facts = read("---\n")
        XCTAssertEqual(facts.documents, 1)
        XCTAssertEqual(facts.notices.map(\.message), ["empty document"])
        XCTAssertEqual(facts.notices.first?.location.span.start, mark(1, 1))
    }

    func testScalarDocumentIsSkipped() {
        let facts = read("kind: Service\n---\njust some text\n", name: "scalar.yaml")
        XCTAssertEqual(facts.resources.map(\.kindName), ["Service"])
        XCTAssertEqual(facts.notices.count, 1)
        XCTAssertEqual(facts.notices.first?.kind, .skipped)
        XCTAssertEqual(facts.notices.first?.message, "document is a scalar, not a Kubernetes object")
        XCTAssertEqual(facts.notices.first?.location, SourceLocation(file: "scalar.yaml", span: span(3, 1, 3, 15)))
    }

    func testSequenceDocumentIsSkipped() {
        let facts = read("- kind: Service\n- kind: Deployment\n")
        XCTAssertEqual(facts.resources.count, 0)
        XCTAssertEqual(facts.notices.map(\.kind), [.skipped])
        XCTAssertEqual(facts.notices.first?.message, "document is a sequence, not a Kubernetes object")
        XCTAssertEqual(facts.notices.first?.location.span.start, mark(1, 1))
    }

    func testMappingWithoutKindIsSkipped() {
        let facts = read("apiVersion: v1\nmetadata:\n  name: orphan\n")
        XCTAssertEqual(facts.resources.count, 0)
        XCTAssertEqual(facts.notices.map(\.kind), [.skipped])
        XCTAssertEqual(facts.notices.first?.message, "object has no kind")
        XCTAssertEqual(facts.notices.first?.location.span, span(1, 1, 4, 1))
    }

    func testNullKindCountsAsNoKind() {
        let facts = read("kind: ~\nmetadata: {name: x}\n")
        XCTAssertEqual(facts.resources.count, 0)
        XCTAssertEqual(facts.notices.map(\.message), ["object has no kind"])
    }

    func testNoticeDescriptionNamesFileLineAndKind() {
        let facts = read("- a\n", name: "seq.yaml")
        XCTAssertEqual(facts.notices.first?.description, "seq.yaml:1:1: skipped: document is a sequence, not a Kubernetes object")
    }

    func testDocumentsAreCountedAndResourcesKeepTheirDocumentIndex() {
        let facts = read("kind: A\n---\n- not an object\n---\nkind: B\n")
        XCTAssertEqual(facts.documents, 3)
        XCTAssertEqual(facts.resources.map(\.kindName), ["A", "B"])
        XCTAssertEqual(facts.resources.map(\.documentIndex), [0, 2])
    }

    func testUnreadableFileIsAnErrorWithNoResources() {
        let facts = ManifestReader.read(.file(Fixture.path("missing.yaml")))
        XCTAssertEqual(facts.error?.stage, .io)
        XCTAssertEqual(facts.name, Fixture.path("missing.yaml"))
        XCTAssertEqual(facts.documents, 0)
        XCTAssertEqual(facts.notices, [])
    }
}

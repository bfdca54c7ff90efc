import ManifestModel
import XCTest

/// A repeated mapping key is a finding with both positions, not the end of
/// the stream; the later value wins, as in Kubernetes' decoder.
final class DuplicateKeyTests: XCTestCase {
    func testDuplicateKeyIsRecordedWithBothPositions() throws {
        let document = try XCTUnwrap(try parse("name: a\nport: 80\nname: b\n", name: "dup.yaml").first)
        XCTAssertEqual(document.duplicateKeys.count, 1)
        let duplicate = try XCTUnwrap(document.duplicateKeys.first)
        XCTAssertEqual(duplicate.key, "name")
        XCTAssertEqual(duplicate.first, SourceLocation(file: "dup.yaml", span: span(1, 1, 1, 5)))
        XCTAssertEqual(duplicate.duplicate, SourceLocation(file: "dup.yaml", span: span(3, 1, 3, 5)))
    }

    func testLaterValueWins() throws {
        let document = try XCTUnwrap(try parse("name: a\nname: b\n").first)
        let root = try XCTUnwrap(document.root)
        XCTAssertEqual(document.value(in: root, forKey: "name").map(document.text), "b")
        XCTAssertEqual(document.pairCount(root), 2, "both pairs are kept in document order")
    }

    func testPlainAndQuotedSpellingsOfOneStringAreDuplicates() throws {
        let document = try XCTUnwrap(try parse("a: 1\n\"a\": 2\n'a': 3\n").first)
        XCTAssertEqual(document.duplicateKeys.map(\.key), ["a", "a"])
        XCTAssertEqual(document.duplicateKeys.map(\.first.span.start), [mark(1, 1), mark(1, 1)])
        XCTAssertEqual(document.duplicateKeys.map(\.duplicate.span.start), [mark(2, 1), mark(3, 1)])
    }

    func testIntegerKeyAndQuotedStringKeyAreDifferentKeys() throws {
        let document = try XCTUnwrap(try parse("1: int\n\"1\": string\n").first)
        XCTAssertEqual(document.duplicateKeys, [])
    }

    func testBooleanWordKeyAndQuotedWordAreDifferentKeys() throws {
        let document = try XCTUnwrap(try parse("on: bool\n\"on\": string\n").first)
        XCTAssertEqual(document.duplicateKeys, [])
    }

    func testQuotedRepeatAfterAnIntegerKeyIsStillFound() throws {
        // `"1"` twice is a duplicate even though a plain `1` (an int) came first.
        let document = try XCTUnwrap(try parse("1: int\n\"1\": a\n\"1\": b\n").first)
        XCTAssertEqual(document.duplicateKeys.map(\.first.span.start), [mark(2, 1)])
        XCTAssertEqual(document.duplicateKeys.map(\.duplicate.span.start), [mark(3, 1)])
    }

    func testQuotedRepeatAfterAnIntegerKeyIsStillFoundInALargeMapping() throws {
        var text = "1: int\n\"1\": a\n"
        for index in 0..<30 { text += "k\(index): v\n" }
        text += "\"1\": b\n"
        let document = try XCTUnwrap(try parse(text).first)
        XCTAssertEqual(document.duplicateKeys.map(\.first.span.start), [mark(2, 1)])
        XCTAssertEqual(document.duplicateKeys.map(\.duplicate.span.start), [mark(33, 1)])
    }

    func testOneDuplicateAmongAThousandKeysIsFound() throws {
        var text = ""
        for index in 0..<1000 { text += "key\(index): \(index)\n" }
        text += "key500: again\n"
        let document = try XCTUnwrap(try parse(text).first)
        XCTAssertEqual(document.duplicateKeys.count, 1)
        XCTAssertEqual(document.duplicateKeys.first?.key, "key500")
        XCTAssertEqual(document.duplicateKeys.first?.first.span, span(501, 1, 501, 7))
        XCTAssertEqual(document.duplicateKeys.first?.duplicate.span, span(1001, 1, 1001, 7))
        XCTAssertEqual(document.node("key500").map { document.text($0) }, "again")
    }

    func testThousandDistinctKeysHaveNoDuplicates() throws {
        var text = ""
        for index in 0..<1000 { text += "key\(index): \(index)\n" }
        XCTAssertEqual(try parse(text).first?.duplicateKeys, [])
    }

    func testDuplicatesInNestedMappingsAndFlowMappingsAreFound() throws {
        let document = try XCTUnwrap(try parse("outer:\n  inner: {x: 1, y: 2, x: 3}\n").first)
        XCTAssertEqual(document.duplicateKeys.map(\.key), ["x"])
        XCTAssertEqual(document.duplicateKeys.first?.first.span.start, mark(2, 11))
        XCTAssertEqual(document.duplicateKeys.first?.duplicate.span.start, mark(2, 23))
    }

    func testSameKeyInSiblingMappingsIsNotADuplicate() throws {
        let document = try XCTUnwrap(try parse("a: {name: x}\nb: {name: y}\n").first)
        XCTAssertEqual(document.duplicateKeys, [])
    }

    func testExtractorTurnsDuplicatesIntoNoticesAndTakesTheLaterValue() throws {
        let document = try XCTUnwrap(try parse("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: first
              namespace: shop
              name: second

            """, name: "cm.yaml").first)
        let extracted = ResourceExtractor.resources(in: document)
        XCTAssertEqual(extracted.resources.map(\.nameValue), ["second"])
        assertLocated(extracted.resources.first?.name, "second", at: 6, 9)

        XCTAssertEqual(extracted.notices.count, 1)
        let notice = try XCTUnwrap(extracted.notices.first)
        XCTAssertEqual(notice.kind, .duplicateKey)
        XCTAssertEqual(notice.message, "duplicate key \"name\" (first at 4:3); the later value wins")
        XCTAssertEqual(notice.location, SourceLocation(file: "cm.yaml", span: span(6, 3, 6, 7)))
        XCTAssertEqual(notice.related, SourceLocation(file: "cm.yaml", span: span(4, 3, 4, 7)))
        XCTAssertEqual(notice.description, "cm.yaml:6:3: duplicate-key: duplicate key \"name\" (first at 4:3); the later value wins")
    }
}

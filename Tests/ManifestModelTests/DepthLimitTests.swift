import ManifestModel
import XCTest

/// Nesting is bounded (`ParseLimits.maxDepth`, 512 by default) and never
/// recursed on, so hostile depth is a clean error, not a stack overflow.
final class DepthLimitTests: XCTestCase {
    func testDefaultDepthLimitIs512() {
        XCTAssertEqual(ParseLimits.default.maxDepth, 512)
    }

    func testHundredThousandNestedFlowSequencesHitTheLimit() throws {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        let error = try XCTUnwrap(parseError(text, name: "deep.yaml"))
        XCTAssertEqual(error.stage, .limit)
        // The 513th bracket opens the 513th level.
        XCTAssertEqual(error.location.description, "deep.yaml:1:513")
        XCTAssertEqual(error.problem, "nesting deeper than 512 levels (--max-depth)")
    }

    func testHundredThousandUnclosedFlowSequencesHitTheLimitBeforeTheSyntaxError() throws {
        let error = try XCTUnwrap(parseError(String(repeating: "[", count: 100_000)))
        XCTAssertEqual(error.stage, .limit)
        XCTAssertEqual(error.location.span.start, mark(1, 513))
    }

    func testHundredThousandNestedFlowMappingsHitTheLimit() throws {
        let text = String(repeating: "{a: ", count: 100_000) + "1" + String(repeating: "}", count: 100_000) + "\n"
        let error = try XCTUnwrap(parseError(text))
        XCTAssertEqual(error.stage, .limit)
        // Level n opens at column 4(n-1)+1.
        XCTAssertEqual(error.location.span.start, mark(1, 2049))
    }

    func testHundredThousandNestedBlockSequencesHitTheLimit() throws {
        let text = String(repeating: "- ", count: 100_000) + "x\n"
        let error = try XCTUnwrap(parseError(text))
        XCTAssertEqual(error.stage, .limit)
        XCTAssertEqual(error.location.span.start, mark(1, 1025))
    }

    func testStreamIsFinishedAfterADepthError() throws {
        let text = String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "\n---\nkind: Service\n"
        let parser = try YAMLStreamParser(.bytes(Array(text.utf8), name: "deep.yaml"))
        XCTAssertThrowsError(try parser.nextDocument())
        XCTAssertNil(try parser.nextDocument())
    }

    func testCustomLimitAcceptsDepthThreeSequences() throws {
        let documents = try parse("[[[1]]]\n", limits: ParseLimits(maxDepth: 3))
        let innermost = try XCTUnwrap(documents.first?.node(0, 0, 0))
        XCTAssertEqual(documents.first?.value(innermost), .int(1))
    }

    func testCustomLimitRejectsDepthFourSequences() throws {
        let error = try XCTUnwrap(parseError("[[[[1]]]]\n", limits: ParseLimits(maxDepth: 3)))
        XCTAssertEqual(error.stage, .limit)
        XCTAssertEqual(error.location.span.start, mark(1, 4))
        XCTAssertEqual(error.problem, "nesting deeper than 3 levels (--max-depth)")
    }

    func testCustomLimitAcceptsDepthThreeMappings() throws {
        let documents = try parse("a:\n  b:\n    c: 1\n", limits: ParseLimits(maxDepth: 3))
        let c = try XCTUnwrap(documents.first?.node("a", "b", "c"))
        XCTAssertEqual(documents.first?.value(c), .int(1))
    }

    func testCustomLimitRejectsDepthFourMappings() throws {
        let error = try XCTUnwrap(parseError("a:\n  b:\n    c:\n      d: 1\n", limits: ParseLimits(maxDepth: 3)))
        XCTAssertEqual(error.stage, .limit)
        XCTAssertEqual(error.location.span.start, mark(4, 7))
    }
}

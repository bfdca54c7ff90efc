import ManifestModel
import XCTest

/// An alias is a node of its own: it keeps its position and names the
/// anchored node instead of copying it, and the work aliases stand for is
/// capped, so an alias bomb is a clean error.
final class AliasTests: XCTestCase {
    private let labels = """
        base: &labels
          app: web
          tier: api
        copy: *labels

        """

    func testAliasResolvesToTheAnchoredNode() throws {
        let document = try XCTUnwrap(try parse(labels).first)
        let base = try XCTUnwrap(document.node("base"))
        let copy = try XCTUnwrap(document.node("copy"))
        XCTAssertEqual(document.kind(copy), .alias)
        XCTAssertEqual(document.kind(base), .mapping)
        XCTAssertEqual(document.resolved(copy), base)
        XCTAssertEqual(document.resolved(base), base)
        XCTAssertEqual(document.anchor(copy), "labels")
        XCTAssertEqual(document.anchor(base), "labels")
    }

    func testAliasIsNotACopy() throws {
        let document = try XCTUnwrap(try parse(labels).first)
        // root, "base", the mapping and its four scalars, "copy", the alias.
        XCTAssertEqual(document.nodeCount, 9)
    }

    func testAliasKeepsItsOwnPosition() throws {
        let document = try XCTUnwrap(try parse(labels).first)
        let copy = try XCTUnwrap(document.node("copy"))
        XCTAssertEqual(document.span(copy), span(4, 7, 4, 14))
        // An anchored node starts at its anchor, as libyaml reports it.
        XCTAssertEqual(document.span(document.resolved(copy)), span(1, 7, 4, 1))
    }

    func testCollectionAccessGoesThroughTheAlias() throws {
        let document = try XCTUnwrap(try parse(labels).first)
        let copy = try XCTUnwrap(document.node("copy"))
        XCTAssertEqual(document.pairCount(copy), 2)
        XCTAssertEqual(document.keys(copy).map(document.text), ["app", "tier"])
        let tier = try XCTUnwrap(document.value(in: copy, forKey: "tier"))
        XCTAssertEqual(document.text(tier), "api")
        XCTAssertEqual(document.span(tier), span(3, 9, 3, 12))
    }

    func testScalarAliasResolvesToTheAnchoredValue() throws {
        let document = try XCTUnwrap(try parse("port: &port 8080\ntargetPort: *port\n").first)
        let target = try XCTUnwrap(document.node("targetPort"))
        XCTAssertEqual(document.value(target), .int(8080))
        XCTAssertEqual(document.span(target), span(2, 13, 2, 18))
        XCTAssertEqual(document.text(target), "", "an alias has no text of its own")
        XCTAssertEqual(document.text(document.resolved(target)), "8080")
    }

    func testLaterAnchorWithTheSameNameWins() throws {
        let document = try XCTUnwrap(try parse("a: &x 1\nb: &x 2\nc: *x\n").first)
        let c = try XCTUnwrap(document.node("c"))
        XCTAssertEqual(document.resolved(c), document.node("b"))
        XCTAssertEqual(document.value(c), .int(2))
    }

    /// Views read values through `value(in:forKey:)`, which resolves aliases,
    /// so what they locate is the anchored node where the value is written.
    func testResourceViewsReadThroughAliasesToTheAnchoredValues() throws {
        let document = try XCTUnwrap(try parse("""
            kind: Service
            metadata:
              name: web
              labels: &labels {app: web}
            spec:
              selector: *labels

            """).first)
        let selector = try XCTUnwrap(ResourceExtractor.resources(in: document).resources.first?.service?.selector)
        XCTAssertEqual(selector.location.span, span(4, 11, 4, 29))
        assertLocated(selector["app"]?.key, "app", at: 4, 20)
        assertLocated(selector["app"]?.value, "web", at: 4, 25)
    }

    // MARK: - Alias bombs

    /// The classic "billion laughs": nine levels of nine aliases each, which
    /// would stand for 9^9 nodes if expanded.
    private func laughs(flow: Bool) -> String {
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        var text = ""
        for (level, name) in names.enumerated() {
            let item = level == 0 ? "\"lol\"" : "*" + names[level - 1]
            if flow {
                text += "\(name): &\(name) [" + Array(repeating: item, count: 9).joined(separator: ",") + "]\n"
            } else {
                text += "\(name): &\(name)\n" + String(repeating: "  - \(item)\n", count: 9)
            }
        }
        return text
    }

    func testFlowAliasBombIsStoppedAtTheAliasThatCrossesTheCap() throws {
        // Aliases up to `f` stand for 672,588 nodes; the first `*f` in `g` crosses 1,000,000.
        let error = try XCTUnwrap(parseError(laughs(flow: true), name: "bomb.yaml"))
        XCTAssertEqual(error.stage, .limit)
        XCTAssertEqual(error.location.file, "bomb.yaml")
        XCTAssertEqual(error.location.span, span(7, 8, 7, 10))
        XCTAssertTrue(error.problem.contains("1000000"), error.problem)
        XCTAssertTrue(error.problem.contains("--max-alias-expansion"), error.problem)
        XCTAssertTrue(error.description.hasPrefix("bomb.yaml:7:8: error: aliases expand to more than 1000000 nodes"),
                      error.description)
    }

    func testBlockAliasBombIsStoppedAtTheAliasThatCrossesTheCap() throws {
        let error = try XCTUnwrap(parseError(laughs(flow: false), name: "bomb.yaml"))
        XCTAssertEqual(error.stage, .limit)
        XCTAssertEqual(error.location.span, span(62, 5, 62, 7))
    }

    func testAliasBombWithoutACapIsStillOnlyItsWrittenNodes() throws {
        // The model never copies what an alias stands for, so even uncapped the
        // bomb is 100 nodes: the root, and per level a key, a sequence and nine items.
        let documents = try parse(laughs(flow: true), limits: ParseLimits(maxAliasExpansion: .max))
        XCTAssertEqual(documents.first?.nodeCount, 100)
        let lastItem = try XCTUnwrap(documents.first?.node("i", 8))
        XCTAssertEqual(documents.first?.kind(lastItem), .alias)
        XCTAssertEqual(documents.first?.resolved(lastItem), documents.first?.node("h"))
    }

    func testAliasCapCountsTheNodesEachAliasStandsFor() throws {
        // `[1, 2, 3]` is four nodes; six aliases add 24, the seventh 28 > 25.
        let text = "a: &a [1, 2, 3]\nb: [*a, *a, *a, *a, *a, *a, *a]\n"
        let error = try XCTUnwrap(parseError(text, limits: ParseLimits(maxAliasExpansion: 25)))
        XCTAssertEqual(error.stage, .limit)
        XCTAssertEqual(error.location.span.start, mark(2, 29))
        XCTAssertEqual(try parse(text, limits: ParseLimits(maxAliasExpansion: 28)).count, 1)
    }

    func testAliasCapAppliesPerDocument() throws {
        let document = "a: &a [1, 2, 3]\nb: [*a, *a, *a, *a, *a, *a]\n"
        let documents = try parse(document + "---\n" + document, limits: ParseLimits(maxAliasExpansion: 25))
        XCTAssertEqual(documents.count, 2)
    }

    // MARK: - Bad aliases

    func testUndefinedAliasIsAnError() throws {
        let error = try XCTUnwrap(parseError("a: 1\nb: *nope\n"))
        XCTAssertEqual(error.stage, .parser)
        XCTAssertEqual(error.problem, "found undefined alias *nope")
        XCTAssertEqual(error.location.span, span(2, 4, 2, 9))
    }

    func testAnchorsDoNotCarryOverToTheNextDocument() throws {
        let parser = try YAMLStreamParser(.bytes(Array("a: &x 1\n---\nb: *x\n".utf8), name: "two.yaml"))
        XCTAssertNotNil(try parser.nextDocument())
        do throws(YAMLError) {
            _ = try parser.nextDocument()
            XCTFail("expected the alias in the second document to be undefined")
        } catch {
            XCTAssertEqual(error.problem, "found undefined alias *x")
            XCTAssertEqual(error.location.description, "two.yaml:3:4")
        }
        XCTAssertNil(try parser.nextDocument(), "the stream is finished after an error")
    }

    func testRecursiveSequenceAliasIsAnErrorNotAHang() throws {
        let error = try XCTUnwrap(parseError("a: &a [*a]\n"))
        XCTAssertEqual(error.stage, .parser)
        XCTAssertTrue(error.problem.contains("recursive"), error.problem)
        XCTAssertEqual(error.location.span, span(1, 8, 1, 10))
    }

    func testRecursiveMappingAliasIsAnErrorNotAHang() throws {
        let error = try XCTUnwrap(parseError("root: &m\n  child: *m\n"))
        XCTAssertTrue(error.problem.contains("*m"), error.problem)
        XCTAssertEqual(error.location.span.start, mark(2, 10))
    }
}

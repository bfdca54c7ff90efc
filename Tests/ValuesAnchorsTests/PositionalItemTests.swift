import Foundation
import ManifestModel
@testable import ValuesAnchors
import XCTest

/// A list of flags whose items are known only by position (`args[3]`), some
/// written literally, some behind a block that an empty key keeps closed.
/// Setting that key adds an item and moves every later one: by spec 5.2 it
/// changes their values. Each claim is checked on the real Helm's renders.
final class PositionalItemTests: XCTestCase {
    static let values = """
        extraFlag: ""
        mode: ""
        logLevel: info
        port: 0
        """

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app
        spec:
          template:
            spec:
              containers:
                - name: app
                  args:
                    - "--first"
                    {{- with .Values.extraFlag }}
                    - "--extra={{ . }}"
                    {{- end }}
                    {{- if .Values.mode }}
                    - "--mode={{ .Values.mode }}"
                    {{- else }}
                    - "--mode=auto"
                    {{- end }}
                    - "--fixed=true"
                    - "--log={{ .Values.logLevel }}"
                    {{- if .Values.port }}
                    - "--port={{ .Values.port }}"
                    {{- end }}
                    - '--last'
        """

    var helm: String!
    var chart: String!
    var leaves: [ChartTreeOwnershipTests.Leaf] = []
    var ownership: ChartOwnership!

    override func setUpWithError() throws {
        guard let helm = ChartTreeOwnershipTests.helm() else { throw XCTSkip("no helm binary found") }
        self.helm = helm
        chart = try ValuesFixtures.chart(self, named: "positional",
                                         files: ["values.yaml": Self.values, "templates/deployment.yaml": Self.deployment])
        leaves = try render()
        ownership = ChartOwnership(chart: try ChartFiles.load(chart), values: try ValuesLoader().load(chart: chart).values)
    }

    func render(_ set: [String] = []) throws -> [ChartTreeOwnershipTests.Leaf] {
        try ChartTreeOwnershipTests.leaves(of: try ChartTreeOwnershipTests.run(helm, ["template", "rel", chart] + set.flatMap { ["--set", $0] }))
    }

    static func argument(_ index: Int) -> String { "spec.template.spec.containers[name=app].args[\(index)]" }

    func value(_ index: Int, in leaves: [ChartTreeOwnershipTests.Leaf]) -> String? {
        leaves.first { RenderedSegment.describe($0.path) == Self.argument(index) }?.value
    }

    func owner(_ index: Int) throws -> (claims: [String], line: Int?, value: String) {
        let leaf = try XCTUnwrap(leaves.first { RenderedSegment.describe($0.path) == Self.argument(index) }, "Helm rendered no args[\(index)]")
        let owner = try XCTUnwrap(ownership.provenance(source: leaf.source, path: leaf.path, value: leaf.value))
        return ((owner.layer == .values ? [owner.anchor?.anchor ?? "values"] : []) + owner.controlledBy.map(\.anchor),
                owner.template?.line, leaf.value)
    }

    /// The 1-based line of the template that holds `text`.
    static func line(of text: String) -> Int? {
        deployment.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(text) }.map { $0 + 1 }
    }

    func testALiteralItemIsOwnedByItsOwnLine() throws {
        let fixed = try owner(2)
        XCTAssertEqual(fixed.value, "--fixed=true")
        XCTAssertEqual(fixed.line, Self.line(of: "\"--fixed=true\""))
        let last = try owner(4)
        XCTAssertEqual(last.value, "--last")
        XCTAssertEqual(last.line, Self.line(of: "'--last'"))
    }

    func testAKeyThatWouldAddAnEarlierItemControlsTheLaterPositions() throws {
        // Helm: setting the empty key moves every later item.
        let moved = try render(["extraFlag=x"])
        for index in 2...4 { XCTAssertNotEqual(value(index, in: moved), value(index, in: leaves), "args[\(index)]") }
        XCTAssertEqual(value(0, in: moved), value(0, in: leaves))

        XCTAssertEqual(try owner(0).claims, [])
        XCTAssertEqual(try owner(2).claims, ["values.extraFlag"])
        XCTAssertEqual(try owner(3).claims, ["values.logLevel", "values.extraFlag"])
        // A key after the item does not move it; one before it (`port`, empty as 0) moves only what follows.
        XCTAssertEqual(try owner(4).claims, ["values.extraFlag", "values.port"])
        let afterPort = try render(["port=8080"])
        XCTAssertEqual(value(3, in: afterPort), value(3, in: leaves))
        XCTAssertNotEqual(value(4, in: afterPort), value(4, in: leaves))
    }

    func testATestWithAnElseBranchMovesNothing() throws {
        // Either branch writes one item: `mode` changes what args[1] says, not where later items sit.
        let other = try render(["mode=fast"])
        XCTAssertEqual(value(2, in: other), value(2, in: leaves))
        XCTAssertEqual(value(1, in: other), "--mode=fast")
        for index in 2...4 { XCTAssertFalse(try owner(index).claims.contains("values.mode"), "args[\(index)]") }
    }
}

import Foundation
import ManifestModel
@testable import ValuesAnchors
import XCTest

/// Items known by their `name` (`containers[name=app]`): a key that writes
/// the name makes another item when it changes, so for the values inside
/// the item it is existence, not value (spec 5.2). A map entry named by its
/// key keeps its value as a value. Checked on the real Helm's renders.
final class NamedItemTests: XCTestCase {
    static let values = """
        name: app
        ports:
          http: 8080
        """

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: named
        spec:
          template:
            spec:
              containers:
                - name: {{ .Values.name }}
                  args:
                    - "--service={{ .Values.name }}"
                  ports:
                    {{- range $portName, $port := .Values.ports }}
                    - name: {{ $portName }}
                      containerPort: {{ $port }}
                    {{- end }}
        """

    var helm: String!
    var chart: String!
    var leaves: [ChartTreeOwnershipTests.Leaf] = []
    var ownership: ChartOwnership!

    override func setUpWithError() throws {
        guard let helm = ChartTreeOwnershipTests.helm() else { throw XCTSkip("no helm binary found") }
        self.helm = helm
        chart = try ValuesFixtures.temporaryFolder(self) + "/named"
        try FileManager.default.createDirectory(atPath: chart + "/templates", withIntermediateDirectories: true)
        try "apiVersion: v2\nname: named\nversion: 0.1.0\n".write(toFile: chart + "/Chart.yaml", atomically: true, encoding: .utf8)
        try Self.values.write(toFile: chart + "/values.yaml", atomically: true, encoding: .utf8)
        try Self.deployment.write(toFile: chart + "/templates/deployment.yaml", atomically: true, encoding: .utf8)
        leaves = try render()
        ownership = ChartOwnership(chart: try ChartFiles.load(chart), values: try ValuesLoader().load(chart: chart).values)
    }

    func render(_ set: [String] = []) throws -> [ChartTreeOwnershipTests.Leaf] {
        try ChartTreeOwnershipTests.leaves(of: try ChartTreeOwnershipTests.run(helm, ["template", "rel", chart] + set.flatMap { ["--set", $0] }))
    }

    func value(_ path: String, in leaves: [ChartTreeOwnershipTests.Leaf]) -> String? {
        leaves.first { RenderedSegment.describe($0.path) == path }?.value
    }

    func claims(_ path: String) throws -> [String] {
        let leaf = try XCTUnwrap(leaves.first { RenderedSegment.describe($0.path) == path }, "Helm rendered no \(path)")
        let owner = try XCTUnwrap(ownership.provenance(source: leaf.source, path: leaf.path, value: leaf.value))
        return (owner.layer == .values ? [owner.anchor?.anchor ?? "values"] : []) + owner.controlledBy.map(\.anchor)
    }

    func testAKeyThatNamesTheItemIsNotClaimedInsideIt() throws {
        let argument = "spec.template.spec.containers[name=app].args[0]"
        XCTAssertEqual(value(argument, in: leaves), "--service=app")
        // Helm: another name is another container; the argument under `app` is gone, not changed.
        XCTAssertNil(value(argument, in: try render(["name=other"])))
        XCTAssertEqual(try claims(argument), [])
        // The name itself is the item's identity, owned by its line.
        XCTAssertEqual(try claims("spec.template.spec.containers[name=app].name"), [])
    }

    func testAnEntryNamedByItsKeyKeepsItsValueAsAValue() throws {
        let port = "spec.template.spec.containers[name=app].ports[name=http].containerPort"
        XCTAssertEqual(value(port, in: leaves), "8080")
        XCTAssertEqual(value(port, in: try render(["ports.http=8081"])), "8081")
        XCTAssertEqual(try claims(port), ["values.ports.http"])
    }
}

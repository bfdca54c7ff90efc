import Foundation
import LayerContract
import XCTest

/// `values.<path>.unused` on charts written to a temporary folder and read
/// with the real loader: a key is unused only when no template can read it.
final class UnusedAnchorTests: XCTestCase {
    private func unusedKeys(template: String, values: String) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("unused-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("templates"),
                                                withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "apiVersion: v2\nname: probe\nversion: 0.1.0\n".write(
            to: directory.appendingPathComponent("Chart.yaml"), atomically: true, encoding: .utf8)
        try values.write(to: directory.appendingPathComponent("values.yaml"), atomically: true, encoding: .utf8)
        try template.write(to: directory.appendingPathComponent("templates/service.yaml"), atomically: true, encoding: .utf8)
        let chart = try ChartContext(directory: directory.path).load()
        let contract = try Contract.load(RepositoryPaths.contract)
        return AnchorChecker(contract: contract, chart: chart, components: nil).check(after: [])
            .filter { $0.family == .valuesUnused }.map(\.diffKey)
    }

    func testAKeyNoTemplateNamesIsUnused() throws {
        let keys = try unusedKeys(template: "port: {{ .Values.service.port }}\n",
                                  values: "service:\n  port: 80\n  forgotten: x\n")
        XCTAssertEqual(keys, ["values.service.forgotten.unused"])
    }

    func testAMapHandedOnWholeMayHaveAnyOfItsKeysRead() throws {
        // traefik's shape: the Service map goes through `omit` into a range.
        let template = """
            {{- $services := .Values.service.additionalServices -}}
            {{- $services = set $services "default" (omit .Values.service "additionalServices") }}
            {{- range $name, $service := $services }}
            single: {{ $service.single }}
            {{- end }}

            """
        let keys = try unusedKeys(template: template,
                                  values: "service:\n  single: true\n  spec:\n    type: LoadBalancer\n  additionalServices: {}\n")
        XCTAssertEqual(keys, [])
    }
}

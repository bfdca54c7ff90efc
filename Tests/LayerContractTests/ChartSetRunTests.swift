import Foundation
import LayerContract
import ManifestModel
import XCTest

/// `charts:` in `.render-check.yaml`: the entries as the configuration reads
/// them, and several entries checked together into one triage, on the
/// fixture chart's real rendered output and stack manifests.
final class ChartSetRunTests: XCTestCase {
    let today = CalendarDate("2026-11-28")!

    func entry(_ name: String, rendered: String, namespace: String = "atlas-e2e") -> ChartSetRun.Entry {
        var run = CheckRun(contractPath: RepositoryPaths.contract, allowlistPath: RepositoryPaths.allowlist, today: today)
        run.rendered = [RepositoryPaths.path(rendered)]
        run.stack = [RepositoryPaths.stack]
        run.options.releaseNamespace = namespace
        return ChartSetRun.Entry(name: name, run: run)
    }

    func testEachFindingNamesItsEntryAndTheSharedStackIsCountedOnce() throws {
        let entries = [
            entry("prod", rendered: "charts-fixtures/rendered/bijux-atlas.yaml"),
            entry("staging", rendered: "charts-fixtures/variants/port-drift/rendered.yaml"),
        ]
        let triage = try ChartSetRun(contractPath: RepositoryPaths.contract, allowlistPath: RepositoryPaths.allowlist,
                                     today: today, entries: entries).run()
        XCTAssertEqual(triage.active.map { "\($0.chart ?? "-") \($0.diffKey)" }, ["staging service.atlas.port.service"])
        // The allowlisted stack difference is seen by both entries and listed once, with no entry.
        XCTAssertEqual(triage.suppressed.map { "\($0.finding.chart ?? "-") \($0.finding.diffKey)" },
                       ["- deployment.otel-collector.label.app.kubernetes.io/instance"])
        XCTAssertEqual(triage.allowlistWarnings.map(\.text), [], "an exception used by one entry is not stale")
        XCTAssertEqual(triage.exitCode, 1)

        let clean = try ChartSetRun(contractPath: RepositoryPaths.contract, allowlistPath: RepositoryPaths.allowlist,
                                    today: today, entries: [entries[0], entry("again", rendered: "charts-fixtures/rendered/bijux-atlas.yaml")]).run()
        XCTAssertEqual(clean.exitCode, 0)
        XCTAssertEqual(clean.inputCount, 2 * (1 + (try FileManager.default.contentsOfDirectory(atPath: RepositoryPaths.stack)
            .filter { $0.hasSuffix(".yaml") }.count)))
    }

    func testTheConfigurationReadsChartsEntriesRelativeToItsFolder() throws {
        let folder = try temporaryFolder()
        let path = try write(folder, ".render-check.yaml", """
            contract: ops/layers.json
            render: true
            charts:
              - name: prod
                chart: charts/web
                release: web
                values: [values-prod.yaml]
                set: [image.tag=1]
                component: web
              - {name: staging, chart: charts/web, namespace: web-staging, components: [web, api]}

            """)
        let configuration = try ProjectConfiguration.load(path)
        XCTAssertTrue(configuration.render)
        XCTAssertEqual(configuration.directory, folder)
        XCTAssertEqual(configuration.charts.map(\.name.value), ["prod", "staging"])
        XCTAssertEqual(configuration.charts[0].chart, folder + "/charts/web")
        XCTAssertEqual(configuration.charts[0].values, [folder + "/values-prod.yaml"])
        XCTAssertEqual(configuration.charts[0].set, ["image.tag=1"])
        XCTAssertEqual(configuration.charts[0].components, ["web"])
        XCTAssertEqual(configuration.charts[1].components, ["web", "api"])
        XCTAssertEqual(configuration.charts[1].context(defaultNamespace: "default").namespace, "web-staging")
        XCTAssertEqual(configuration.charts[0].context(defaultNamespace: "default").namespace, "default")
    }

    func testBadChartsEntriesNameTheirLine() throws {
        let folder = try temporaryFolder()
        let cases: [(String, String)] = [
            ("charts:\n  - {name: a}\n", ":2:5: error: missing required field `charts[0].chart`"),
            ("charts:\n  - {name: a, chart: web}\n  - {name: a, chart: api}\n", ":3:12: error: two charts entries are named `a`"),
            ("charts:\n  - {name: a, chart: web, colour: red}\n", ":2:27: error: unknown key `colour` in a charts entry"),
            ("charts: {name: a}\n", ":1:9: error: `charts` must be a list of charts entries"),
            ("render: yes please\n", ":1:9: error:"),
        ]
        for (text, expected) in cases {
            let path = try write(folder, ".render-check.yaml", text)
            XCTAssertThrowsError(try ProjectConfiguration.load(path), text) { error in
                let description = (error as? LayerContractError)?.description ?? "\(error)"
                XCTAssertTrue(description.hasPrefix(path + expected), "\(text): \(description)")
            }
        }
    }

    private func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("render-check-charts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder.path
    }

    private func write(_ folder: String, _ name: String, _ text: String) throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

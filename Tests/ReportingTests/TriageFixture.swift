import Foundation
@testable import LayerContract
import ManifestModel
import Reporting

/// A real triage to report on: a contract and an allowlist written to a
/// temporary folder and read with `Contract.load` and `Allowlist.load`, and
/// findings of every owner layer built the way the checks build them.
///
/// The temporary folder's path reaches the reports (the contract line of a
/// `.missing` finding, allowlist problems); `normalized(_:)` replaces it with
/// `$TMP` so golden files stay byte-stable.
final class TriageFixture {
    static let today = CalendarDate("2025-06-01")!

    static let contractJSON = """
        {
          "contract_version": "1.4.0",
          "services": {
            "atlas": {
              "service_name": "bijux-atlas",
              "selector": {"app.kubernetes.io/name": "bijux-atlas"}
            },
            "otel": {
              "service_name": "otel-collector",
              "selector": {"app.kubernetes.io/name": "otel-collector"}
            }
          },
          "ports": {
            "atlas": {"container": 8080, "service": 8080},
            "otel": {"grpc": 4317, "http": 4318}
          },
          "labels": {
            "required": ["app.kubernetes.io/name", "app.kubernetes.io/part-of"],
            "required_annotations": []
          },
          "namespaces": {"k8s": "atlas", "stack": "atlas-stack"},
          "release_metadata": {
            "defaults": {"app_version": "1.2.0", "chart_name": "bijux-atlas", "chart_version": "0.3.0"}
          }
        }

        """

    static let allowlistJSON = """
        {
          "schema_version": 1,
          "exceptions": [
            {
              "id": "ATLAS-101",
              "diff_key": "statefulset.postgres.namespace",
              "owner": "platform-data",
              "issue": "https://tracker.example/ATLAS-101",
              "expiry": "2025-12-31",
              "justification": "postgres moves to atlas-stack with the next stack release"
            },
            {
              "id": "ATLAS-102",
              "diff_key": "service.atlas.selector.*",
              "owner": "atlas-team",
              "issue": "https://tracker.example/ATLAS-102",
              "expiry": "2025-06-10",
              "justification": "selector migration to app.kubernetes.io labels"
            },
            {
              "id": "ATLAS-090",
              "diff_key": "service.atlas.port.metrics",
              "owner": "atlas-team",
              "issue": "https://tracker.example/ATLAS-090",
              "expiry": "2025-05-01",
              "justification": "metrics port rename"
            },
            {
              "id": "ATLAS-091",
              "diff_key": "service.*",
              "owner": "atlas-team",
              "issue": "https://tracker.example/ATLAS-091",
              "expiry": "2025-12-31",
              "justification": "too broad"
            },
            {
              "id": "ATLAS-103",
              "diff_key": "deployment.ghost.label.team",
              "owner": "atlas-team",
              "issue": "https://tracker.example/ATLAS-103",
              "expiry": "2026-01-31",
              "justification": "ghost workload"
            },
            {
              "id": "ATLAS-104",
              "diff_key": "service.otel.port.grpc",
              "owner": "observability",
              "issue": "https://tracker.example/ATLAS-104",
              "expiry": "2025-02-30",
              "justification": "collector port change"
            }
          ]
        }

        """

    let directory: URL
    let contract: Contract
    let allowlist: Allowlist

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("render-check-reporting-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let contractPath = directory.appendingPathComponent("layers.json").path
        let allowlistPath = directory.appendingPathComponent("layer-live-diff-allowlist.json").path
        try Self.contractJSON.write(toFile: contractPath, atomically: true, encoding: .utf8)
        try Self.allowlistJSON.write(toFile: allowlistPath, atomically: true, encoding: .utf8)
        contract = try Contract.load(contractPath)
        allowlist = try Allowlist.load(allowlistPath, today: Self.today)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The report with the temporary folder replaced by `$TMP`.
    func normalized(_ report: String) -> String {
        report.replacingOccurrences(of: directory.path, with: "$TMP")
    }

    static func location(_ file: String, _ line: Int, _ column: Int, to endLine: Int? = nil, _ endColumn: Int? = nil)
        -> SourceLocation {
        let start = Mark(line: line, column: column)
        let end = Mark(line: endLine ?? line, column: endColumn ?? column)
        return SourceLocation(file: file, span: Span(start: start, end: end))
    }

    static let rendered = "charts-fixtures/rendered/bijux-atlas.yaml"
    static let chart = "charts-fixtures/bijux-atlas"

    /// Findings of every owner layer: values (with the template that read
    /// it), chart templates through a helper, contract, rendered output with
    /// no owner location, stack, a warning, and two the allowlist suppresses.
    var findings: [Finding] {
        let otel = contract.service("otel")!
        let atlasService = ResourceIdentity(kind: "Service", namespace: "atlas", name: "bijux-atlas")
        let atlasDeployment = ResourceIdentity(kind: "Deployment", namespace: "atlas", name: "bijux-atlas")
        let rendered = Self.rendered
        let chart = Self.chart
        return [
            Finding(
                diffKey: "service.otel.missing", family: .serviceMissing, component: "otel",
                expected: .string("otel-collector"), actual: .null,
                message: "no Service named otel-collector (services.otel.service_name)",
                location: otel.serviceName.location,
                owner: Owner(layer: .contract, location: otel.serviceName.location)),
            Finding(
                diffKey: "service.atlas.port.service", family: .servicePort, component: "atlas",
                expected: .int(8080), actual: .int(8081),
                message: "Service bijux-atlas port `service` is 8081; the contract's ports.atlas.service is 8080",
                location: Self.location(rendered, 14, 13, to: 14, 17),
                owner: Owner(layer: .values, anchor: "values.service.port",
                             location: Self.location("\(chart)/values-prod.yaml", 17, 9, to: 17, 13),
                             template: Self.location("\(chart)/templates/service.yaml", 14, 13)),
                resource: atlasService),
            Finding(
                diffKey: "deployment.bijux-atlas.label.app.kubernetes.io/part-of", family: .workloadLabel,
                component: "atlas", expected: .string("present"), actual: .string("missing"),
                message: "Deployment bijux-atlas lacks the required label app.kubernetes.io/part-of",
                location: Self.location(rendered, 31, 7, to: 35, 1),
                owner: Owner(layer: .chartTemplates, location: Self.location("\(chart)/templates/_helpers.tpl", 12, 1),
                             template: Self.location("\(chart)/templates/deployment.yaml", 7, 5),
                             via: "include \"bijux-atlas.labels\"", controlledBy: ["nameOverride", "fullnameOverride"]),
                resource: atlasDeployment),
            Finding(
                diffKey: "service.atlas.targetPort.http-metrics", family: .serviceTargetPort, component: "atlas",
                expected: .string("http-metrics"), actual: .array([.int(8080), .string("grpc")]),
                message: "Service bijux-atlas targets port http-metrics, which no container of the selected pods declares",
                location: Self.location("<stdin>", 9, 21, to: 9, 33),
                owner: Owner(layer: .rendered, location: nil), resource: atlasService),
            Finding(
                diffKey: "release.app_version", family: .release, component: nil,
                expected: .string("1.2.0"), actual: .string("1.3.0-rc.1"),
                message: "Chart.yaml appVersion “1.3.0-rc.1” differs from release_metadata.defaults.app_version 1.2.0 — 100% sure",
                location: Self.location("\(chart)/Chart.yaml", 5, 13, to: 5, 25),
                owner: Owner(layer: .chartTemplates, location: Self.location("\(chart)/Chart.yaml", 5, 13, to: 5, 25))),
            Finding(
                diffKey: "values.rollout.strategy.unused", family: .valuesUnused, component: "atlas",
                expected: .string("read by a template"), actual: .string("unread"),
                message: "values.rollout.strategy is set but no template reads it: changing it changes nothing",
                location: Self.location("\(chart)/values.yaml", 41, 3, to: 41, 11),
                owner: Owner(layer: .values, anchor: "values.rollout.strategy",
                             location: Self.location("\(chart)/values.yaml", 41, 3, to: 41, 11))),
            Finding(
                diffKey: "statefulset.postgres.namespace", family: .namespace, component: nil,
                expected: .string("atlas-stack"), actual: .string("default"),
                message: "StatefulSet postgres is in namespace default; the contract's namespaces.stack is atlas-stack",
                location: Self.location("ops/stack/postgres.yaml", 6, 14, to: 6, 21),
                owner: Owner(layer: .stack, location: Self.location("ops/stack/postgres.yaml", 6, 14, to: 6, 21)),
                resource: ResourceIdentity(kind: "StatefulSet", namespace: "default", name: "postgres")),
            Finding(
                diffKey: "service.atlas.selector.app.kubernetes.io/component", family: .serviceSelector,
                component: "atlas", expected: .string("api"), actual: .null,
                message: "Service bijux-atlas selector lacks app.kubernetes.io/component=api",
                location: Self.location(rendered, 18, 5, to: 19, 1),
                owner: Owner(layer: .values, anchor: "values.service.selector",
                             location: Self.location("\(chart)/values.yaml", 9, 5)),
                resource: atlasService),
        ]
    }

    static let notices = [
        ManifestNotice(kind: .skipped, message: "not a manifest (no .yaml, .yml or .json suffix)",
                       location: location("charts-fixtures/rendered/NOTES.txt", 1, 1)),
        ManifestNotice(kind: .duplicateKey, message: "duplicate key `app` (first at 8:7)",
                       location: location(rendered, 9, 7, to: 9, 10), related: location(rendered, 8, 7, to: 8, 10)),
        ManifestNotice(kind: .skipped, message: "document 3 is a sequence, not a mapping",
                       location: location(rendered, 40, 1)),
    ]

    static let inputErrors = [
        YAMLError(stage: .scanner, problem: "mapping values are not allowed in this context",
                  location: location("charts-fixtures/variants/broken.yaml", 3, 9)),
        YAMLError(stage: .parser, problem: "did not find expected key",
                  location: location("charts-fixtures/variants/unclosed.yaml", 7, 1),
                  context: "while parsing a block mapping",
                  contextLocation: location("charts-fixtures/variants/unclosed.yaml", 2, 1)),
    ]

    func triage(findings: [Finding]? = nil, notices: [ManifestNotice] = TriageFixture.notices,
                inputErrors: [YAMLError] = TriageFixture.inputErrors) -> Triage {
        Triage(contract: contract, findings: findings ?? self.findings, allowlist: allowlist, notices: notices,
               inputErrors: inputErrors, resourceCount: 14, inputCount: 6)
    }

    /// A clean run: no findings, no allowlist, nothing skipped.
    func cleanTriage() -> Triage {
        Triage(contract: contract, findings: [], allowlist: .empty, resourceCount: 3, inputCount: 1)
    }

    static let context = ReportContext(toolVersion: "0.1.0-test", colour: false,
                                       informationURI: "https://example.invalid/render-check")
}

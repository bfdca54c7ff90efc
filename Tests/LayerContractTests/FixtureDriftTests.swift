import Foundation
import LayerContract
import ManifestModel
import XCTest

/// The drift check on the project's fixture chart: the clean render and each
/// drift variant, rendered by real Helm and checked with the stack manifests
/// against ops/inventory/layers.json.
final class FixtureDriftTests: XCTestCase {
    let today = CalendarDate("2026-11-28")!

    func run(rendered: [String], stack: [String] = [RepositoryPaths.stack], live: [String] = [],
             namespace: String? = "atlas-e2e") throws -> Triage {
        var run = CheckRun(contractPath: RepositoryPaths.contract, allowlistPath: RepositoryPaths.allowlist, today: today)
        run.rendered = rendered
        run.stack = stack
        run.live = live
        run.options.releaseNamespace = namespace
        return try run.run()
    }

    func testCleanFixtureHasOnlyTheAllowlistedDifference() throws {
        let triage = try run(rendered: [RepositoryPaths.path("charts-fixtures/rendered/bijux-atlas.yaml")])
        XCTAssertEqual(triage.active.map(\.diffKey), [])
        XCTAssertEqual(triage.suppressed.map(\.finding.diffKey),
                       ["deployment.otel-collector.label.app.kubernetes.io/instance"])
        XCTAssertEqual(triage.suppressed.map(\.exceptionID), ["otel-instance-label"])
        XCTAssertEqual(triage.allowlistErrors.map(\.text), [])
        XCTAssertEqual(triage.allowlistWarnings.map(\.text), [])
        XCTAssertEqual(triage.exitCode, 0)
        XCTAssertEqual(triage.inputErrors.count, 0)
    }

    func testEveryVariantYieldsExactlyItsExpectedKeys() throws {
        let variants = try RepositoryPaths.variants()
        XCTAssertGreaterThanOrEqual(variants.count, 9)
        for variant in variants {
            let triage = try run(rendered: [variant.directory + "/rendered.yaml"], namespace: variant.namespace)
            XCTAssertEqual(triage.active.map(\.diffKey).sorted(), variant.expectedActive.sorted(), variant.name)
            XCTAssertEqual(triage.suppressed.map(\.finding.diffKey).sorted(), variant.expectedSuppressed.sorted(), variant.name)
            XCTAssertEqual(triage.exitCode, variant.expectedActive.isEmpty ? 0 : 1, variant.name)
        }
    }

    func testPortDriftIsLocatedAtTheRenderedPortWithExpectedAndActual() throws {
        let file = RepositoryPaths.path("charts-fixtures/variants/port-drift/rendered.yaml")
        let triage = try run(rendered: [file])
        let finding = try XCTUnwrap(triage.active.first { $0.diffKey == "service.atlas.port.service" })
        XCTAssertEqual(finding.expected, .int(8080))
        XCTAssertEqual(finding.actual, .int(9090))
        XCTAssertEqual(finding.kind, "port")
        XCTAssertEqual(finding.component, "atlas")
        XCTAssertEqual(finding.location.file, file)
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let line = lines[finding.location.line - 1]
        XCTAssertTrue(line.contains("port: 9090"), "finding points at \(line)")
        XCTAssertEqual(finding.location.column, line.distance(from: line.startIndex, to: line.range(of: "9090")!.lowerBound) + 1)
        XCTAssertEqual(finding.owner.layer, .rendered)
    }

    func testMissingServiceIsLocatedAtTheContractLine() throws {
        let triage = try run(rendered: [RepositoryPaths.path("charts-fixtures/variants/missing-service/rendered.yaml")])
        let finding = try XCTUnwrap(triage.active.first { $0.diffKey == "service.atlas.missing" })
        XCTAssertEqual(finding.location.file, RepositoryPaths.contract)
        let lines = try String(contentsOfFile: RepositoryPaths.contract, encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(lines[finding.location.line - 1].contains("\"atlas-e2e-bijux-atlas\""))
        XCTAssertEqual(finding.owner.layer, .contract)
        XCTAssertEqual(finding.expected, .string("atlas-e2e-bijux-atlas"))
        XCTAssertEqual(finding.actual, .null)
    }

    func testStackFindingsAreOwnedByTheStackLayer() throws {
        let triage = try run(rendered: [RepositoryPaths.path("charts-fixtures/rendered/bijux-atlas.yaml")])
        let suppressed = try XCTUnwrap(triage.suppressed.first)
        XCTAssertEqual(suppressed.finding.owner.layer, .stack)
        XCTAssertTrue(suppressed.finding.location.file.hasSuffix("charts-fixtures/stack/otel-collector.yaml"))
    }

    func testServiceInFrontOfARolloutMatches() throws {
        let file = RepositoryPaths.path("charts-fixtures/variants/rollout/rendered.yaml")
        let triage = try run(rendered: [file])
        XCTAssertEqual(triage.active.map(\.diffKey), [])
        // The same Service with its Rollout removed is dangling: the Rollout is what matched.
        let withoutRollout = try String(contentsOfFile: file, encoding: .utf8)
            .components(separatedBy: "\n---\n").filter { !$0.contains("kind: Rollout") }.joined(separator: "\n---\n")
        let trimmed = try RepositoryPaths.temporaryFile("no-rollout.yaml", withoutRollout)
        let dangling = try run(rendered: [trimmed])
        XCTAssertTrue(dangling.active.map(\.diffKey).contains("service.atlas.selector.unmatched"))
    }

    func testRolloutWithWorkloadRefUsesTheReferencedDeploymentsPods() throws {
        let manifest = """
            apiVersion: v1
            kind: Service
            metadata: {name: atlas-e2e-bijux-atlas, namespace: atlas-e2e}
            spec:
              selector: {app.kubernetes.io/name: bijux-atlas, app.kubernetes.io/instance: atlas-e2e}
              ports: [{name: http, port: 8080, targetPort: http}]
            ---
            apiVersion: argoproj.io/v1alpha1
            kind: Rollout
            metadata:
              name: atlas
              namespace: atlas-e2e
              labels: {app.kubernetes.io/name: bijux-atlas, app.kubernetes.io/instance: atlas-e2e}
            spec:
              selector:
                matchLabels: {app.kubernetes.io/name: bijux-atlas, app.kubernetes.io/instance: atlas-e2e}
              workloadRef: {apiVersion: apps/v1, kind: Deployment, name: atlas-template}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: atlas-template, namespace: atlas-e2e}
            spec:
              replicas: 0
              selector:
                matchLabels: {app.kubernetes.io/name: bijux-atlas, app.kubernetes.io/instance: atlas-template}
              template:
                metadata:
                  labels: {app.kubernetes.io/name: bijux-atlas, app.kubernetes.io/instance: atlas-e2e}
                spec:
                  containers: [{name: atlas, ports: [{name: http, containerPort: 8080}]}]
            """
        let file = try RepositoryPaths.temporaryFile("workload-ref.yaml", manifest)
        let triage = try run(rendered: [file], stack: [], namespace: nil)
        let atlasKeys = triage.active.map(\.diffKey).filter { $0.contains("atlas") }
        XCTAssertEqual(atlasKeys, [], "the Rollout's pods come from atlas-template: \(atlasKeys)")
    }
}

extension Finding {
    var kind: String { family.kind }
}

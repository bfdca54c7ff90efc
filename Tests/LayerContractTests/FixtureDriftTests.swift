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

    /// The fixture's Service and Deployment, with `extra` after them and the
    /// Deployment's container ports given by `containerPorts`.
    private func componentManifest(namespace: String, containerPorts: String, targetPort: String,
                                   extra: String = "") -> String {
        """
        apiVersion: v1
        kind: Service
        metadata: {name: atlas-e2e-bijux-atlas, namespace: \(namespace)}
        spec:
          selector: {app.kubernetes.io/name: bijux-atlas, app.kubernetes.io/instance: atlas-e2e}
          ports: [{name: http, port: 8080, targetPort: \(targetPort)}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: atlas
          namespace: \(namespace)
          labels: {app.kubernetes.io/name: bijux-atlas, app.kubernetes.io/instance: atlas-e2e}
        spec:
          selector:
            matchLabels: {app.kubernetes.io/name: bijux-atlas, app.kubernetes.io/instance: atlas-e2e}
          template:
            metadata:
              labels: {app.kubernetes.io/name: bijux-atlas, app.kubernetes.io/instance: atlas-e2e}
            spec:
              containers: [{name: atlas\(containerPorts)}]
        \(extra)
        """
    }

    func testOnlyComponentResourcesOfARenderedChartAreHeldToTheContractNamespace() throws {
        let authReader = """
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: atlas-auth-reader, namespace: kube-system}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: extension-apiserver-authentication-reader}
            """
        let ports = ", ports: [{name: http, containerPort: 8080}]"
        let placed = try RepositoryPaths.temporaryFile("placed.yaml",
            componentManifest(namespace: "atlas-e2e", containerPorts: ports, targetPort: "http", extra: authReader))
        let keys = try run(rendered: [placed], stack: [], namespace: "atlas-e2e").active.map(\.diffKey)
        XCTAssertFalse(keys.contains { $0.hasSuffix(".namespace") }, "\(keys)")

        let moved = try RepositoryPaths.temporaryFile("moved.yaml",
            componentManifest(namespace: "elsewhere", containerPorts: ports, targetPort: "http", extra: authReader))
        let movedKeys = try run(rendered: [moved], stack: [], namespace: "atlas-e2e").active.map(\.diffKey)
            .filter { $0.hasSuffix(".namespace") }
        XCTAssertEqual(movedKeys.sorted(), ["deployment.atlas.namespace", "service.atlas-e2e-bijux-atlas.namespace"])
    }

    func testANumericTargetPortIsHeldToDeclaredPortsOnlyWhenThePodsDeclareAny() throws {
        let undeclared = try RepositoryPaths.temporaryFile("undeclared.yaml",
            componentManifest(namespace: "atlas-e2e", containerPorts: "", targetPort: "8081"))
        let none = try run(rendered: [undeclared], stack: [], namespace: "atlas-e2e").active.map(\.diffKey)
        XCTAssertFalse(none.contains { $0.contains("targetPort") }, "\(none)")

        let declared = try RepositoryPaths.temporaryFile("declared.yaml",
            componentManifest(namespace: "atlas-e2e", containerPorts: ", ports: [{name: http, containerPort: 8080}]",
                              targetPort: "8081"))
        let keys = try run(rendered: [declared], stack: [], namespace: "atlas-e2e").active.map(\.diffKey)
        XCTAssertTrue(keys.contains("service.atlas.targetPort.8081"), "\(keys)")

        let named = try RepositoryPaths.temporaryFile("named.yaml",
            componentManifest(namespace: "atlas-e2e", containerPorts: "", targetPort: "metrics"))
        let namedKeys = try run(rendered: [named], stack: [], namespace: "atlas-e2e").active.map(\.diffKey)
        XCTAssertTrue(namedKeys.contains("service.atlas.targetPort.metrics"), "\(namedKeys)")
    }
}

extension Finding {
    var kind: String { family.kind }
}

import Foundation
import LayerContract
import ManifestModel
import XCTest

/// `CheckRun` keeps only the resources the drift checks can need (the
/// resource sieve) and reads an input again when a Service found later
/// selects a workload it let go. These tests hold it to the plain way: every
/// resource of every input handed to `DriftChecker`. The two must agree
/// finding for finding, positions and messages included.
final class ResourceSieveTests: XCTestCase {
    let today = CalendarDate("2026-11-28")!

    private func checkRun(rendered: [String], stack: [String], namespace: String?) -> CheckRun {
        var run = CheckRun(contractPath: RepositoryPaths.contract, allowlistPath: RepositoryPaths.allowlist, today: today)
        run.rendered = rendered
        run.stack = stack
        run.options.releaseNamespace = namespace
        return run
    }

    /// The findings of every resource of every input, unsieved.
    private func unsievedFindings(rendered: [String], stack: [String], namespace: String?) throws -> [Finding] {
        let contract = try Contract.load(RepositoryPaths.contract)
        var resources: [CheckedResource] = []
        for (paths, origin) in [(rendered, InputOrigin.rendered), (stack, .stack)] {
            for source in InputDiscovery.discover(paths).sources {
                let facts = ManifestReader.read(source)
                XCTAssertNil(facts.error)
                resources += facts.resources.map { CheckedResource($0, origin: origin) }
            }
        }
        var options = DriftChecker.Options()
        options.releaseNamespace = namespace
        return DriftChecker(contract: contract, options: options).check(resources)
    }

    private func assertAgrees(rendered: [String], stack: [String] = [RepositoryPaths.stack], namespace: String? = "atlas-e2e",
                              _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let sieved = try checkRun(rendered: rendered, stack: stack, namespace: namespace).run()
        let plain = Triage(contract: try Contract.load(RepositoryPaths.contract),
                           findings: try unsievedFindings(rendered: rendered, stack: stack, namespace: namespace),
                           allowlist: try Allowlist.load(RepositoryPaths.allowlist, today: today))
        // The unsieved check sees every copy as its own resource; the sieved
        // one sees a repeat as a place of the first copy. Their findings agree
        // once the repeats' places are set aside.
        XCTAssertEqual(sieved.active.map(Self.withoutRepeats), plain.active, message, file: file, line: line)
        XCTAssertEqual(sieved.suppressed.map(\.finding), plain.suppressed.map(\.finding), message, file: file, line: line)
        XCTAssertEqual(sieved.inputErrors, [], message, file: file, line: line)
    }

    static func withoutRepeats(_ finding: Finding) -> Finding {
        var finding = finding
        finding.otherLocations = []
        finding.moreLocations = 0
        return finding
    }

    /// The same documents again and again, unrenamed, in one input and
    /// across two: the copies are repeats and change no finding; the
    /// workload a later Service selects is read again with its copies.
    func testUnrenamedRepeatsAgreeWithTheUnsievedCheck() throws {
        let fixture = try String(contentsOfFile: RepositoryPaths.path("charts-fixtures/rendered/bijux-atlas.yaml"), encoding: .utf8)
        let copy = fixture.hasPrefix("---") ? fixture : "---\n" + fixture
        let repeated = try RepositoryPaths.temporaryFile("repeated.yaml", String(repeating: copy, count: 15))
        try assertAgrees(rendered: [repeated], "fixture repeated 15 times")
        try assertAgrees(rendered: [repeated, repeated], "the same input twice")
        let workload = """
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: atlas-e2e}
            spec:
              selector: {matchLabels: {tier: web}}
              template:
                metadata: {labels: {tier: web, role: api}}
                spec:
                  containers:
                    - name: web
                      ports: [{name: http, containerPort: 8080}]

            """
        let service = """
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: atlas-e2e-bijux-atlas, namespace: atlas-e2e}
            spec:
              selector: {role: api}
              ports: [{name: http, port: 8080, targetPort: http}, {name: missing, port: 9100, targetPort: 9100}]

            """
        // A copy of the Deployment with other ports, same name and labels: a resource of its own.
        let variant = workload.replacingOccurrences(of: "containerPort: 8080", with: "containerPort: 8081")
        let workloads = try RepositoryPaths.temporaryFile("workloads.yaml", String(repeating: workload, count: 12) + variant + workload)
        let services = try RepositoryPaths.temporaryFile("services.yaml", String(repeating: service, count: 12))
        // Every copy of the pods offers its ports to the unsieved check; the
        // sieved one offers each distinct pod template once, whatever the count:
        // it agrees with the unsieved check of the distinct documents.
        let distinctWorkloads = try RepositoryPaths.temporaryFile("workloads.yaml", workload + variant)
        let distinctServices = try RepositoryPaths.temporaryFile("services.yaml", service)
        let sieved = try checkRun(rendered: [workloads, services], stack: [RepositoryPaths.stack], namespace: "atlas-e2e").run()
        let distinct = try unsievedFindings(rendered: [distinctWorkloads, distinctServices], stack: [RepositoryPaths.stack],
                                            namespace: "atlas-e2e")
        func essence(_ finding: Finding) -> String {
            "\(finding.diffKey) \(finding.expected) \(finding.actual) \(finding.message) \(finding.location.span)"
        }
        XCTAssertEqual(sieved.active.map(essence), Triage(contract: try Contract.load(RepositoryPaths.contract), findings: distinct,
                                                          allowlist: try Allowlist.load(RepositoryPaths.allowlist, today: today)).active.map(essence))
        let unmatched = try XCTUnwrap(sieved.active.first { $0.diffKey.hasPrefix("service.atlas.targetPort.9100") })
        XCTAssertEqual(unmatched.otherLocations.count, 9)
        XCTAssertEqual(unmatched.moreLocations, 2)
    }

    func testEveryVariantAgreesWithTheUnsievedCheck() throws {
        try assertAgrees(rendered: [RepositoryPaths.path("charts-fixtures/rendered/bijux-atlas.yaml")], "clean fixture")
        for variant in try RepositoryPaths.variants() {
            try assertAgrees(rendered: [variant.directory + "/rendered.yaml"], namespace: variant.namespace, variant.name)
        }
    }

    func testManyRenamedCopiesAgreeWithTheUnsievedCheck() throws {
        let fixture = try String(contentsOfFile: RepositoryPaths.path("charts-fixtures/rendered/bijux-atlas.yaml"), encoding: .utf8)
        var text = ""
        for copy in 0..<40 {
            // The first copy keeps its names; the others are other releases,
            // some in another namespace, some of another chart version.
            var renamed = copy == 0 ? fixture : fixture.replacingOccurrences(of: "atlas-e2e", with: "atlas-e2e-\(copy)")
            if copy % 7 == 3 { renamed = renamed.replacingOccurrences(of: "bijux-atlas-0.1.0", with: "bijux-atlas-0.2.\(copy)") }
            text += renamed.hasPrefix("---") ? renamed : "---\n" + renamed
        }
        let path = try RepositoryPaths.temporaryFile("copies.yaml", text)
        try assertAgrees(rendered: [path], "renamed copies")
    }

    /// The Service that names the contract's component comes after the
    /// workload its (drifted) selector picks, in a later input: the workload
    /// was let go by the sieve and is read again.
    func testAServiceFoundLaterSelectsAWorkloadReadEarlier() throws {
        let workload = try RepositoryPaths.temporaryFile("workload.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: atlas-e2e
            spec:
              selector:
                matchLabels: {tier: web}
              template:
                metadata:
                  labels: {tier: web, role: api}
                spec:
                  containers:
                    - name: web
                      ports:
                        - {name: http, containerPort: 8080, protocol: TCP}
                        - {name: admin, containerPort: 9000, protocol: UDP}

            """)
        let service = try RepositoryPaths.temporaryFile("service.yaml", """
            apiVersion: v1
            kind: Service
            metadata:
              name: atlas-e2e-bijux-atlas
              namespace: atlas-e2e
            spec:
              selector: {role: api}
              ports:
                - {name: http, port: 8080, targetPort: http}
                - {name: admin, port: 9000, targetPort: admin, protocol: TCP}
                - {name: missing, port: 9100, targetPort: 9100}

            """)
        try assertAgrees(rendered: [workload, service], "service after its pods, in another input")
        try assertAgrees(rendered: [service, workload], "service before its pods")
    }

    /// A Rollout the contract selects takes its pod template from a
    /// Deployment the sieve let go (named by `workloadRef`).
    func testARolloutTakesItsTemplateFromADeploymentReadEarlier() throws {
        let deployment = try RepositoryPaths.temporaryFile("deployment.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: atlas-template
              namespace: atlas-e2e
            spec:
              selector:
                matchLabels: {unrelated: "yes"}
              template:
                metadata:
                  labels: {unrelated: "yes"}
                spec:
                  containers:
                    - name: atlas
                      ports:
                        - {name: http, containerPort: 8081}

            """)
        let rollout = try RepositoryPaths.temporaryFile("rollout.yaml", """
            apiVersion: argoproj.io/v1alpha1
            kind: Rollout
            metadata:
              name: atlas
              namespace: atlas-e2e
              labels:
                app.kubernetes.io/name: bijux-atlas
            spec:
              selector:
                matchLabels:
                  app.kubernetes.io/name: bijux-atlas
                  app.kubernetes.io/instance: atlas-e2e
              workloadRef:
                apiVersion: apps/v1
                kind: Deployment
                name: atlas-template

            """)
        try assertAgrees(rendered: [deployment, rollout], "rollout after its template")
        try assertAgrees(rendered: [rollout, deployment], "rollout before its template")
    }

    func testNamespaceAndReleaseDriftAcrossManyResourcesAgree() throws {
        var text = ""
        for index in 0..<30 {
            text += """
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: config-\(index)
                  \(index % 4 == 0 ? "" : "namespace: \(index % 3 == 0 ? "elsewhere" : "atlas-e2e")")
                  labels:
                    helm.sh/chart: \(index % 5 == 0 ? "other-1.\(index)" : "bijux-atlas-0.1.0")
                    app.kubernetes.io/version: "\(index % 2 == 0 ? "0.1.0" : "0.9.\(index)")"

                """
        }
        let path = try RepositoryPaths.temporaryFile("configs.yaml", text)
        try assertAgrees(rendered: [path], namespace: "release-ns", "namespace and release drift")
        try assertAgrees(rendered: [path], namespace: nil, "no release namespace")
    }
}

import Foundation
import LayerContract
import XCTest

/// The first three diff-key families must agree exactly with the reference
/// live check (tools/reference_check.py implements its semantics over
/// PyYAML) on the same resources: rendered YAML and kubectl JSON snapshots.
final class ReferenceParityTests: XCTestCase {
    static let referenceFamilies: Set<String> = ["service-missing", "service-port", "workload-label"]
    let today = CalendarDate("2026-11-28")!

    func referenceKeys(_ inputs: [String]) throws -> (active: Set<String>, suppressed: Set<String>) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", RepositoryPaths.path("tools/reference_check.py"),
                             "--contract", RepositoryPaths.contract, "--allowlist", RepositoryPaths.allowlist,
                             "--today", "2026-11-28"] + inputs
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertTrue([0, 1].contains(process.terminationStatus), "reference check failed to run")
        let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let active = (json["active_differences"] as! [[String: Any]]).map { $0["diff_key"] as! String }
        let suppressed = (json["suppressed_differences"] as! [[String: Any]]).map { $0["diff_key"] as! String }
        return (Set(active), Set(suppressed))
    }

    func ourKeys(rendered: [String], stack: [String] = [], live: [String] = []) throws -> (active: Set<String>, suppressed: Set<String>) {
        var run = CheckRun(contractPath: RepositoryPaths.contract, allowlistPath: RepositoryPaths.allowlist, today: today)
        run.rendered = rendered
        run.stack = stack
        run.live = live
        let triage = try run.run()
        let inFamilies = { (finding: Finding) in Self.referenceFamilies.contains(finding.family.id) }
        return (Set(triage.active.filter(inFamilies).map(\.diffKey)),
                Set(triage.suppressed.map(\.finding).filter(inFamilies).map(\.diffKey)))
    }

    func stackFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: RepositoryPaths.stack).sorted()
            .filter { $0.hasSuffix(".yaml") }.map { RepositoryPaths.stack + "/" + $0 }
    }

    func testParityOnEveryVariantRenderedWithTheStack() throws {
        for variant in try RepositoryPaths.variants() where variant.name != "rollout" {
            let rendered = variant.directory + "/rendered.yaml"
            let reference = try referenceKeys([rendered] + stackFiles())
            let ours = try ourKeys(rendered: [rendered], stack: [RepositoryPaths.stack])
            XCTAssertEqual(ours.active, reference.active, variant.name)
            XCTAssertEqual(ours.suppressed, reference.suppressed, variant.name)
        }
    }

    func testParityOnTheLiveSnapshotAndOnTheSameResourcesAsYAML() throws {
        let snapshot = RepositoryPaths.path("charts-fixtures/snapshots/live.json")
        let reference = try referenceKeys([snapshot])
        let fromJSON = try ourKeys(rendered: [], live: [snapshot])
        XCTAssertEqual(fromJSON.active, reference.active)
        XCTAssertEqual(fromJSON.suppressed, reference.suppressed)
        let fromYAML = try ourKeys(rendered: [RepositoryPaths.path("charts-fixtures/rendered/bijux-atlas.yaml")],
                                   stack: [RepositoryPaths.stack])
        XCTAssertEqual(fromYAML.active, fromJSON.active)
        XCTAssertEqual(fromYAML.suppressed, fromJSON.suppressed)
        XCTAssertEqual(fromJSON.suppressed, ["deployment.otel-collector.label.app.kubernetes.io/instance"])
    }

    func testParityWhenTheReferenceFamiliesAllFire() throws {
        // One snapshot where a Service is missing, a port drifts, an unnamed
        // port stands for `service`, and a Deployment lacks both labels.
        let manifest = """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "redis"},
               "spec": {"selector": {"app": "redis"}, "ports": [{"port": 6380}]}},
              {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "minio"},
               "spec": {"selector": {"app": "minio"}, "ports": [{"name": "api", "port": 9000}, {"name": "web", "port": 9001}]}},
              {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "redis", "labels": {"app": "redis"}},
               "spec": {"selector": {"matchLabels": {"app": "redis"}},
                        "template": {"metadata": {"labels": {"app": "redis"}}, "spec": {"containers": [{"name": "r"}]}}}}
            ]}
            """
        let file = try RepositoryPaths.temporaryFile("snapshot.json", manifest)
        let reference = try referenceKeys([file])
        let ours = try ourKeys(rendered: [], live: [file])
        XCTAssertEqual(ours.active, reference.active)
        XCTAssertTrue(ours.active.contains("service.redis.port.service"))
        XCTAssertTrue(ours.active.contains("service.minio.port.console"))
        XCTAssertTrue(ours.active.contains("service.atlas.missing"))
        XCTAssertTrue(ours.active.contains("deployment.redis.label.app.kubernetes.io/name"))
    }
}

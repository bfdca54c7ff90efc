import Foundation
import XCTest

/// Measured ownership through the real binary and the real helm: owners by
/// experiment, the cache, and the fall-back to the static reading when Helm
/// is missing, fails or hangs.
final class MeasuredOwnershipTests: XCTestCase {
    static let root = CLIRunner.packageRoot
    static let variant = "charts-fixtures/variants/port-drift"

    func requireHelm() throws -> String {
        guard let helm = CLIRunner.helm() else { throw XCTSkip("no helm binary (run `make helm`)") }
        return helm
    }

    /// `check` of the port-drift variant (an overlay sets the port to 9090).
    func portDrift(_ mode: String, format: String = "text", cache: URL? = nil, helm: String,
                   extra: [String] = []) throws -> CLIResult {
        var environment = ["RENDER_CHECK_HELM": helm]
        if let cache { environment["XDG_CACHE_HOME"] = cache.path }
        return try CLIRunner.run(["check", "\(Self.variant)/rendered.yaml", "--no-config", "--chart", "charts-fixtures/bijux-atlas",
                                  "-f", "\(Self.variant)/values-port-drift.yaml", "--release", "atlas-e2e",
                                  "--namespace", "atlas-e2e", "--contract", "ops/inventory/layers.json",
                                  "--component", "atlas", "--today", "2026-11-28", "--format", format,
                                  "--ownership", mode] + extra,
                                 in: Self.root, environment: environment)
    }

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rc-measured-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    /// A helm wrapper that counts its `template` runs into a file.
    func countingHelm(_ helm: String, in folder: URL) throws -> (program: String, count: () -> Int) {
        let log = folder.appendingPathComponent("renders.log")
        let script = folder.appendingPathComponent("helm")
        try """
            #!/bin/sh
            [ "$1" = template ] && echo x >> '\(log.path)'
            exec '\(helm)' "$@"
            """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let count = { (try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").count ?? 0 }
        return (script.path, count)
    }

    func ownerLine(_ output: String) -> String {
        output.split(separator: "\n").first { $0.contains("[service.atlas.port.service]") }.map(String.init) ?? output
    }

    func testTheOverlayLineOwnsThePortInBothModes() throws {
        let helm = try requireHelm()
        let cache = try temporaryFolder()
        for mode in ["static", "exact"] {
            let result = try portDrift(mode, cache: cache, helm: helm)
            XCTAssertEqual(result.status, 1, "\(mode): \(result.stderr)")
            XCTAssertTrue(ownerLine(result.stdout).contains(
                "owner: values.service.port at charts-fixtures/variants/port-drift/values-port-drift.yaml:4:3 [\(mode == "exact" ? "measured" : "static")]"),
                          "\(mode): \(result.stdout)")
        }
        let json = try portDrift("exact", format: "json", cache: cache, helm: helm)
        let triage = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let finding = (triage["active_differences"] as! [[String: Any]]).first { $0["diff_key"] as? String == "service.atlas.port.service" }
        let owner = try XCTUnwrap(finding?["owner"] as? [String: Any])
        XCTAssertEqual(owner["mode"] as? String, "measured")
        XCTAssertEqual(owner["anchor"] as? String, "values.service.port")
        XCTAssertEqual(owner["layer"] as? String, "values")
    }

    func testAWarmCacheRunsNoHelmAndNoCacheMeasuresAgain() throws {
        let helm = try requireHelm()
        let folder = try temporaryFolder()
        let counting = try countingHelm(helm, in: folder)
        let cache = folder.appendingPathComponent("cache")
        let cold = try portDrift("exact", format: "json", cache: cache, helm: counting.program)
        let coldRenders = counting.count()
        XCTAssertGreaterThan(coldRenders, 2, cold.stderr)
        XCTAssertLessThanOrEqual(coldRenders, 40, cold.stderr)
        let entries = try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("render-check").path)
        XCTAssertEqual(entries.filter { $0.hasPrefix("measured-") && $0.hasSuffix(".tsv") }.count, 1, "\(entries)")

        let warm = try portDrift("exact", format: "json", cache: cache, helm: counting.program)
        XCTAssertEqual(counting.count(), coldRenders, "a warm cache must run no helm template")
        XCTAssertEqual(warm.stdout, cold.stdout, "the cached measurement gives the same bytes")

        _ = try portDrift("exact", format: "json", cache: cache, helm: counting.program, extra: ["--no-cache"])
        XCTAssertGreaterThan(counting.count(), coldRenders, "--no-cache measures again")
    }

    func testACorruptCacheEntryIsIgnoredAndRebuilt() throws {
        let helm = try requireHelm()
        let folder = try temporaryFolder()
        let cache = folder.appendingPathComponent("cache")
        let first = try portDrift("exact", format: "json", cache: cache, helm: helm)
        let directory = cache.appendingPathComponent("render-check")
        let entry = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasPrefix("measured-") })
        let path = directory.appendingPathComponent(entry)
        for damage in ["\u{0}\u{1}not json at all", "", "helm 1 2\n{\"format\":\"render-check measured ownership\",\"version\":1,\"digest\":\"x\"}"] {
            try damage.write(to: path, atomically: true, encoding: .utf8)
            let again = try portDrift("exact", format: "json", cache: cache, helm: helm)
            XCTAssertEqual(again.status, 1, again.stderr)
            XCTAssertEqual(again.stdout, first.stdout, "a damaged entry is measured again, with the same owners")
            XCTAssertTrue(again.stderr.contains("ownership measured with"), again.stderr)
        }
    }

    func testWithoutHelmExactFallsBackToTheStaticReadingWithANotice() throws {
        let cache = try temporaryFolder()
        let result = try portDrift("exact", cache: cache, helm: "/nonexistent/helm")
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("no Helm found"), result.stderr)
        XCTAssertTrue(ownerLine(result.stdout).contains("values-port-drift.yaml:4:3 [static]"), result.stdout)
    }

    /// A stand-in `helm` that runs `body` (a shell script) instead.
    func scriptHelm(_ body: String, in folder: URL) throws -> String {
        let script = folder.appendingPathComponent("helm")
        try "#!/bin/sh\n\(body)\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return script.path
    }

    func testAFailingHelmFallsBackToTheStaticReading() throws {
        let folder = try temporaryFolder()
        let helm = try scriptHelm("echo 'Error: this helm always fails' >&2\nexit 1", in: folder)
        let result = try portDrift("exact", cache: folder, helm: helm)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("measured ownership unavailable"), result.stderr)
        XCTAssertTrue(ownerLine(result.stdout).contains("[static]"), result.stdout)
    }

    func testAHangingHelmIsStoppedAtTheTimeLimit() throws {
        let folder = try temporaryFolder()
        let helm = try scriptHelm("exec sleep 120", in: folder)
        let started = Date()
        let result = try portDrift("exact", cache: folder, helm: helm, extra: ["--helm-timeout", "1"])
        XCTAssertLessThan(Date().timeIntervalSince(started), 60, "the hanging helm must be stopped")
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("measured ownership unavailable"), result.stderr)
        XCTAssertTrue(ownerLine(result.stdout).contains("[static]"), result.stdout)
    }

    func testAChartWithALinkOutOfItsFolderIsNotMeasured() throws {
        let helm = try requireHelm()
        let folder = try temporaryFolder()
        let chart = folder.appendingPathComponent("atlas")
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("charts-fixtures/bijux-atlas"), to: chart)
        let outside = folder.appendingPathComponent("outside.yaml")
        try "kind: ConfigMap\n".write(to: outside, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: chart.appendingPathComponent("templates/linked.yaml"),
                                                   withDestinationURL: outside)
        let counting = try countingHelm(helm, in: folder)
        let result = try CLIRunner.run(["blame", "--chart", chart.path, "--release", "atlas-e2e", "--namespace", "atlas-e2e",
                                        "--ownership", "exact", "charts-fixtures/rendered/bijux-atlas.yaml"],
                                       in: Self.root, environment: ["RENDER_CHECK_HELM": counting.program,
                                                                    "XDG_CACHE_HOME": folder.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("templates/linked.yaml is a symbolic link out of the chart folder"), result.stderr)
        XCTAssertEqual(counting.count(), 0, "no helm render of a chart that leaves its folder")
        XCTAssertFalse(result.stdout.contains("[measured]"), result.stdout)
        XCTAssertTrue(result.stdout.contains("[static]"), result.stdout)
    }

    func testBlameSaysWhichModeOwnsEachLeaf() throws {
        let helm = try requireHelm()
        let cache = try temporaryFolder()
        let result = try CLIRunner.run(["blame", "--chart", "charts-fixtures/bijux-atlas", "-f", "\(Self.variant)/values-port-drift.yaml",
                                        "--release", "atlas-e2e", "--namespace", "atlas-e2e", "--ownership", "exact",
                                        "--format", "json", "\(Self.variant)/rendered.yaml"],
                                       in: Self.root, environment: ["RENDER_CHECK_HELM": helm, "XDG_CACHE_HOME": cache.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let leaves = document["leaves"] as! [[String: Any]]
        let port = try XCTUnwrap(leaves.first { ($0["path"] as? String) == "spec.ports[name=http].port" && ($0["value"] as? String) == "9090" })
        let owner = port["owner"] as! [String: Any]
        XCTAssertEqual(owner["anchor"] as? String, "values.service.port")
        XCTAssertEqual(owner["mode"] as? String, "measured")
        XCTAssertEqual(owner["file"] as? String, "\(Self.variant)/values-port-drift.yaml")
        // A literal in a template: measured, and no values key claimed.
        let kind = try XCTUnwrap(leaves.first { ($0["path"] as? String) == "kind" })
        XCTAssertEqual((kind["owner"] as! [String: Any])["layer"] as? String, "chart-templates")
        XCTAssertEqual((kind["owner"] as! [String: Any])["mode"] as? String, "measured")
    }
}

import Foundation
import XCTest

/// `--render` through the real helm binary, and finding the contract and the
/// configuration by walking up from the working directory.
final class RenderAndDiscoveryTests: XCTestCase {
    static let root = CLIRunner.packageRoot

    func testRenderRunsHelmTemplateAndOwnsTheDrift() throws {
        guard let helm = CLIRunner.helm() else { throw XCTSkip("no helm binary (run `make helm`)") }
        let result = try CLIRunner.run(["check", "--render", "--no-config", "--chart", "charts-fixtures/bijux-atlas",
                                        "--release", "atlas-e2e", "--namespace", "atlas-e2e", "--set", "service.port=9091",
                                        "--stack", "charts-fixtures/stack", "--contract", "ops/inventory/layers.json",
                                        "--allowlist", "ops/policy/layer-live-diff-allowlist.json", "--today", "2026-11-28"],
                                       in: Self.root, environment: ["RENDER_CHECK_HELM": helm])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("helm-template:atlas-e2e:18:13: error: Service atlas-e2e-bijux-atlas port `service` is 9091"),
                      result.stdout)
        XCTAssertTrue(result.stdout.contains("[service.atlas.port.service] owner: values.service.port at --set:1:9"), result.stdout)
    }

    func testRenderFailureIsAnInvocationErrorWithHelmsMessage() throws {
        let result = try CLIRunner.run(["check", "--render", "--no-config", "--chart", "charts-fixtures/bijux-atlas",
                                        "--contract", "ops/inventory/layers.json"],
                                       in: Self.root, environment: ["RENDER_CHECK_HELM": "/nonexistent/helm"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("cannot run `/nonexistent/helm`"), result.stderr)
    }

    func testTheContractIsFoundByWalkingUp() throws {
        let contract = try String(contentsOf: Self.root.appendingPathComponent("ops/inventory/layers.json"), encoding: .utf8)
        let rendered = try String(contentsOf: Self.root.appendingPathComponent("charts-fixtures/variants/port-drift/rendered.yaml"), encoding: .utf8)
        let tree = try TemporaryTree(["repo/ops/inventory/layers.json": contract, "repo/deploy/charts/out/rendered.yaml": rendered])
        defer { tree.remove() }
        let result = try CLIRunner.run(["check", "rendered.yaml", "--format", "json"],
                                       in: tree.root.appendingPathComponent("repo/deploy/charts/out"))
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stdout.contains("\"diff_key\": \"service.atlas.port.service\""))
    }

    func testTheConfigurationIsFoundByWalkingUpAndFlagsOverrideIt() throws {
        let contract = try String(contentsOf: Self.root.appendingPathComponent("ops/inventory/layers.json"), encoding: .utf8)
        let clean = try String(contentsOf: Self.root.appendingPathComponent("charts-fixtures/rendered/bijux-atlas.yaml"), encoding: .utf8)
        let drifted = try String(contentsOf: Self.root.appendingPathComponent("charts-fixtures/variants/port-drift/rendered.yaml"), encoding: .utf8)
        let tree = try TemporaryTree([
            "repo/.render-check.yaml": "contract: policy/layers.json\ninputs: [out/clean.yaml]\ncomponent: atlas\n",
            "repo/policy/layers.json": contract,
            "repo/out/clean.yaml": clean,
            "repo/out/drifted.yaml": drifted,
            "repo/sub/dir/.keep": "",
        ])
        defer { tree.remove() }
        let inside = tree.root.appendingPathComponent("repo/sub/dir")
        let bare = try CLIRunner.run([], in: inside)
        XCTAssertEqual(bare.status, 0, bare.stdout + bare.stderr)
        let flagged = try CLIRunner.run(["check", "../../out/drifted.yaml"], in: inside)
        XCTAssertEqual(flagged.status, 1, flagged.stdout + flagged.stderr)
        XCTAssertTrue(flagged.stdout.contains("[service.atlas.port.service]"))
        let broken = try TemporaryTree(["repo/.render-check.yaml": "contract: [unclosed\n"])
        defer { broken.remove() }
        let bad = try CLIRunner.run([], in: broken.root.appendingPathComponent("repo"))
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains(".render-check.yaml:2:1: error:"), bad.stderr)
    }
}

import ArgumentParser
@testable import render_check
import XCTest

/// The quick reading of a check command line and swift-argument-parser's
/// give the same command, property by property (every option, every
/// default); where the quick reading is unsure it leaves the line to the
/// parser.
final class QuickCheckLineTests: XCTestCase {
    /// Every stored value of the command, option groups included; an option
    /// the quick reading forgot to set shows as `*definition*`.
    private func described(_ command: RenderCheck.Check) -> String {
        var text = ""
        dump(command, to: &text)
        return text
    }

    func testTheQuickReadingGivesTheParsersCommand() throws {
        let lines: [[String]] = [
            [],
            ["rendered.yaml"],
            ["--today", "2026-12-01"],
            ["-", "--format", "json"],
            ["a.yaml", "b/", "--contract", "ops/inventory/layers.json", "--allowlist=x.json", "--stack", "s1", "--stack", "s2",
             "--live", "l.json", "--component", "atlas", "--component", "relay", "--namespace", "ns", "--today=2026-01-31",
             "--config", "c.yaml"],
            ["--no-config", "--chart", "charts/atlas", "-f", "v1.yaml", "--values", "v2.yaml", "--set", "a.b=1", "--set=c=d",
             "--release", "r", "--format", "sarif", "--output", "out/triage.json"],
            ["--max-depth", "10", "--max-alias-expansion", "0", "--max-document-bytes=4096", "--ownership", "static",
             "--no-cache", "--helm-timeout", "2.5", "--render", "--fix", "--dry-run"],
            ["--ownership=exact", "x.yaml", "--", "--not-an-option", "-"],
            ["--format", "github", "--contract=-x", "--namespace", "a=b"],
        ]
        for line in lines {
            let arguments = RenderCheck.withDefaultSubcommand(line)
            let quick = try XCTUnwrap(QuickCheckLine.command(arguments), "\(line) should be read quickly")
            let parsed = try XCTUnwrap(try RenderCheck.parseAsRoot(arguments) as? RenderCheck.Check)
            XCTAssertEqual(described(quick), described(parsed), "\(line)")
            XCTAssertFalse(described(quick).contains("definition"), "\(line)")
        }
    }

    func testWhatTheQuickReadingIsNotSureOfGoesToTheParser() {
        let lines: [[String]] = [
            ["--help"], ["-h"], ["--version"], ["help"], ["blame", "x.yaml"], ["init", "--chart", "c"],
            ["check", "--help"], ["--bogus"], ["-x"], ["-fvalues.yaml"],
            ["--format", "xml"], ["--ownership", "fast"], ["--max-depth", "ten"], ["--max-depth", "0"],
            ["--helm-timeout", "0"], ["--today", "tomorrow"], ["--dry-run"],
            ["--contract", "a", "--contract", "b"], ["--render", "--render"], ["--render=true"],
            ["--contract"], ["--contract", "--format"], ["--contract="], ["--max-depth", "-1"],
        ]
        for line in lines {
            XCTAssertNil(QuickCheckLine.command(RenderCheck.withDefaultSubcommand(line)), "\(line)")
        }
    }
}

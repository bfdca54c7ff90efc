import Foundation
import LayerContract
import Reporting
import XCTest

/// What every format says about a `charts:` entry and about the
/// configuration file a run used, on the fixture triage with each finding
/// tagged as `ChartSetRun` tags it.
final class ChartEntryReportTests: XCTestCase {
    func taggedTriage(_ fixture: TriageFixture) -> Triage {
        fixture.triage(findings: fixture.findings.enumerated().map { index, finding in
            var tagged = finding
            tagged.chart = index % 2 == 0 ? "prod" : "staging"
            return tagged
        })
    }

    static let context = ReportContext(toolVersion: "0.1.0-test", configuration: "repo/.render-check.yaml")

    func testEveryFormatNamesTheEntryAndTheConfiguration() throws {
        let fixture = try TriageFixture()
        let triage = taggedTriage(fixture)

        let json = try JSONSerialization.jsonObject(with: Data(JSONReporter().report(triage, context: Self.context).utf8)) as! [String: Any]
        XCTAssertEqual(json["configuration"] as? String, "repo/.render-check.yaml")
        let charts = (json["active_differences"] as! [[String: Any]]).map { $0["chart"] as? String }
        XCTAssertFalse(charts.isEmpty)
        XCTAssertTrue(charts.allSatisfy { $0 == "prod" || $0 == "staging" }, "\(charts)")
        XCTAssertTrue((json["suppressed_differences"] as! [[String: Any]]).allSatisfy { $0["chart"] is String })

        let sarif = try JSONSerialization.jsonObject(with: Data(SARIFReporter().report(triage, context: Self.context).utf8)) as! [String: Any]
        let run = (sarif["runs"] as! [[String: Any]])[0]
        let results = run["results"] as! [[String: Any]]
        XCTAssertTrue(results.allSatisfy { (($0["properties"] as! [String: Any])["chart"] as? String) != nil })
        let invocation = (run["invocations"] as! [[String: Any]])[0]
        XCTAssertEqual((invocation["properties"] as? [String: Any])?["configuration"] as? String, "repo/.render-check.yaml")
        // Two entries with the same drift are two alerts, not one.
        let fingerprints = results.map { ($0["partialFingerprints"] as! [String: String]).values.first! }
        XCTAssertEqual(Set(fingerprints).count, fingerprints.count)

        let text = TextReporter().report(triage, context: Self.context).split(separator: "\n").map(String.init)
        let findingLines = text.filter { $0.contains("] owner: ") }
        XCTAssertFalse(findingLines.isEmpty)
        XCTAssertTrue(findingLines.allSatisfy { $0.contains(": error: [prod] ") || $0.contains(": error: [staging] ")
            || $0.contains(": warning: [prod] ") || $0.contains(": warning: [staging] ") }, "\(findingLines)")
        XCTAssertEqual(text[text.count - 2], "repo/.render-check.yaml:1:1: note: configuration: this run's defaults come from this file")

        let github = GitHubReporter().report(triage, context: Self.context).split(separator: "\n")
        XCTAssertEqual(github.last.map(String.init),
                       "::notice title=render-check::\(TextReporter.summary(triage)) (configuration: repo/.render-check.yaml)")
    }

    func testTaggedTriageIsValidAgainstTheTriageSchema() throws {
        let fixture = try TriageFixture()
        try Python.validate(JSONReporter().report(taggedTriage(fixture), context: Self.context),
                            schema: SchemaValidationTests.triageSchema)
    }

    /// Without entries and without a configuration, nothing changes: the
    /// golden files of the single-chart reports stay as they are.
    func testUntaggedReportsSayNothingOfEntries() throws {
        let fixture = try TriageFixture()
        let json = JSONReporter().report(fixture.triage(), context: TriageFixture.context)
        XCTAssertFalse(json.contains("\"chart\""))
        XCTAssertFalse(json.contains("\"configuration\""))
    }
}

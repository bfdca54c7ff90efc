import Foundation
import LayerContract
import ManifestModel
import Reporting
import XCTest

final class SARIFReporterTests: XCTestCase {
    private func log(_ triage: Triage) throws -> [String: Any] {
        let report = SARIFReporter().report(triage, context: TriageFixture.context)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any])
    }

    private func run(_ triage: Triage) throws -> [String: Any] {
        let runs = try XCTUnwrap(log(triage)["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.count, 1)
        return runs[0]
    }

    private func results(_ triage: Triage) throws -> [[String: Any]] {
        try XCTUnwrap(run(triage)["results"] as? [[String: Any]])
    }

    private func physical(_ location: Any?) throws -> (uri: String, base: String?, region: [String: Int]) {
        let physical = try XCTUnwrap((location as? [String: Any])?["physicalLocation"] as? [String: Any])
        let artifact = try XCTUnwrap(physical["artifactLocation"] as? [String: Any])
        return (try XCTUnwrap(artifact["uri"] as? String), artifact["uriBaseId"] as? String,
                try XCTUnwrap(physical["region"] as? [String: Int]))
    }

    func testHeaderDriverAndOneRulePerFamily() throws {
        let fixture = try TriageFixture()
        let log = try self.log(fixture.triage())
        XCTAssertEqual(log["$schema"] as? String, "https://json.schemastore.org/sarif-2.1.0.json")
        XCTAssertEqual(log["version"] as? String, "2.1.0")
        let run = try self.run(fixture.triage())
        XCTAssertEqual(run["columnKind"] as? String, "unicodeCodePoints")
        let driver = try XCTUnwrap((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        XCTAssertEqual(driver["name"] as? String, "render-check")
        XCTAssertEqual(driver["version"] as? String, "0.1.0-test")
        XCTAssertEqual(driver["informationUri"] as? String, "https://example.invalid/render-check")
        let rules = try XCTUnwrap(driver["rules"] as? [[String: Any]])
        XCTAssertEqual(rules.map { $0["id"] as? String }, CheckFamily.all.map(\.id))
        let unused = try XCTUnwrap(rules.first { $0["id"] as? String == "values-unused" })
        XCTAssertEqual((unused["defaultConfiguration"] as? [String: String])?["level"], "warning")
        XCTAssertEqual((unused["properties"] as? [String: Any])?["diffKeyPattern"] as? String, "values.<path>.unused")
        XCTAssertEqual(unused["name"] as? String, "ValuesUnused")
    }

    func testResultSitsAtTheOwnerWithTheRenderedLineRelated() throws {
        let fixture = try TriageFixture()
        let result = try XCTUnwrap(results(fixture.triage()).first {
            ($0["properties"] as? [String: Any])?["diffKey"] as? String == "service.atlas.port.service"
        })
        XCTAssertEqual(result["ruleId"] as? String, "service-port")
        XCTAssertEqual(result["ruleIndex"] as? Int, CheckFamily.all.firstIndex(of: .servicePort))
        XCTAssertEqual(result["level"] as? String, "error")
        let location = try XCTUnwrap((result["locations"] as? [Any])?.first)
        let primary = try physical(location)
        XCTAssertEqual(primary.uri, "charts-fixtures/bijux-atlas/values-prod.yaml")
        XCTAssertEqual(primary.base, "%SRCROOT%")
        XCTAssertEqual(primary.region, ["startLine": 17, "startColumn": 9, "endLine": 17, "endColumn": 13])
        let logical = try XCTUnwrap(((location as? [String: Any])?["logicalLocations"] as? [[String: String]])?.first)
        XCTAssertEqual(logical, ["name": "bijux-atlas", "fullyQualifiedName": "Service/atlas/bijux-atlas", "kind": "resource"])
        let related = try XCTUnwrap(result["relatedLocations"] as? [[String: Any]])
        XCTAssertEqual(related.first?["id"] as? Int, 1)
        XCTAssertEqual((related.first?["message"] as? [String: String])?["text"], "rendered here")
        XCTAssertEqual(try physical(related.first).uri, "charts-fixtures/rendered/bijux-atlas.yaml")
        XCTAssertEqual(try physical(related.first).region, ["startLine": 14, "startColumn": 13, "endLine": 14, "endColumn": 17])
        let text = try XCTUnwrap((result["message"] as? [String: String])?["text"])
        XCTAssertTrue(text.contains("[service.atlas.port.service] owner: values.service.port at charts-fixtures/bijux-atlas/values-prod.yaml:17:9"))
    }

    func testWithoutAnOwnerLocationTheResultSitsWhereItWasRendered() throws {
        let fixture = try TriageFixture()
        let result = try XCTUnwrap(results(fixture.triage()).first { $0["ruleId"] as? String == "service-target-port" })
        let primary = try physical((result["locations"] as? [Any])?.first)
        XCTAssertEqual(primary.uri, "%3Cstdin%3E")
        XCTAssertNil(result["relatedLocations"])
    }

    func testAbsolutePathsBecomeFileURIsAndPointsHaveNoEnd() throws {
        let fixture = try TriageFixture()
        let result = try XCTUnwrap(results(fixture.triage()).first { $0["ruleId"] as? String == "service-missing" })
        let primary = try physical((result["locations"] as? [Any])?.first)
        XCTAssertEqual(primary.uri, "file://" + fixture.directory.path + "/layers.json")
        XCTAssertNil(primary.base)
        XCTAssertEqual(primary.region, ["startLine": 9, "startColumn": 23, "endLine": 9, "endColumn": 39])
        // The chart-templates owner is a point: no end fields.
        let label = try XCTUnwrap(results(fixture.triage()).first { $0["ruleId"] as? String == "workload-label" })
        let owner = try physical((label["locations"] as? [Any])?.first)
        XCTAssertEqual(owner.uri, "charts-fixtures/bijux-atlas/templates/_helpers.tpl")
        XCTAssertEqual(owner.region, ["startLine": 12, "startColumn": 1])
    }

    func testURIsKeepThePathAsGivenAndEncodeTheRest() throws {
        let fixture = try TriageFixture()
        var finding = fixture.findings[3]
        finding.location = TriageFixture.location("./charts/my chart/values#1:ü.yaml", 2, 3)
        let primary = try physical((results(fixture.triage(findings: [finding])).first?["locations"] as? [Any])?.first)
        XCTAssertEqual(primary.uri, "charts/my%20chart/values%231%3A%C3%BC.yaml")
        XCTAssertEqual(primary.base, "%SRCROOT%")
    }

    func testSuppressedFindingsCarryTheirException() throws {
        let fixture = try TriageFixture()
        let suppressed = try results(fixture.triage()).filter { $0["suppressions"] != nil }
        XCTAssertEqual(suppressed.count, 2)
        let namespace = try XCTUnwrap(suppressed.first { $0["ruleId"] as? String == "namespace" })
        XCTAssertEqual(namespace["suppressions"] as? [[String: String]],
                       [["kind": "external", "status": "accepted", "justification": "ATLAS-101"]])
    }

    /// The fingerprint follows the diff key and the object, never the lines.
    func testFingerprintIgnoresPositionsButNotIdentity() throws {
        let fixture = try TriageFixture()
        let finding = fixture.findings[1]
        var moved = finding
        moved.location = TriageFixture.location(finding.location.file, 99, 1, to: 99, 5)
        moved.owner.location = TriageFixture.location("elsewhere.yaml", 3, 3)
        var renamed = finding
        renamed.resource?.name = "bijux-atlas-canary"
        func fingerprint(_ finding: Finding) throws -> String {
            let result = try XCTUnwrap(results(fixture.triage(findings: [finding])).first)
            return try XCTUnwrap((result["partialFingerprints"] as? [String: String])?["diffKey/v1"])
        }
        let original = try fingerprint(finding)
        XCTAssertEqual(original.count, 16)
        XCTAssertEqual(try fingerprint(moved), original)
        XCTAssertNotEqual(try fingerprint(renamed), original)
    }

    func testAllowlistProblemsAndInputFaultsBecomeNotifications() throws {
        let fixture = try TriageFixture()
        let invocation = try XCTUnwrap((run(fixture.triage())["invocations"] as? [[String: Any]])?.first)
        XCTAssertEqual(invocation["executionSuccessful"] as? Bool, false)
        let configuration = try XCTUnwrap(invocation["toolConfigurationNotifications"] as? [[String: Any]])
        XCTAssertEqual(configuration.count, fixture.triage().allowlistErrors.count + fixture.triage().allowlistWarnings.count)
        let execution = try XCTUnwrap(invocation["toolExecutionNotifications"] as? [[String: Any]])
        XCTAssertEqual(execution.count, TriageFixture.notices.count + TriageFixture.inputErrors.count)
        let clean = try XCTUnwrap((run(fixture.cleanTriage())["invocations"] as? [[String: Any]])?.first)
        XCTAssertEqual(clean as NSDictionary, ["executionSuccessful": true] as NSDictionary)
    }
}

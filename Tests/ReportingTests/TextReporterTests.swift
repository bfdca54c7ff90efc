import LayerContract
import Reporting
import XCTest

final class TextReporterTests: XCTestCase {
    func testSummaryLine() throws {
        let fixture = try TriageFixture()
        let report = TextReporter().report(fixture.cleanTriage(), context: TriageFixture.context)
        XCTAssertEqual(report, "render-check: 0 errors, 0 warnings, 0 suppressed, 0 allowlist errors in 3 resources from 1 input\n")
    }

    func testOneLinePerActiveFindingInLocationOrder() throws {
        let fixture = try TriageFixture()
        let triage = fixture.triage(notices: [], inputErrors: [])
        let lines = TextReporter().report(triage, context: TriageFixture.context).split(separator: "\n")
        let findingLines = lines.filter { !$0.contains(": allowlist: ") && !$0.hasPrefix("render-check:") }
        XCTAssertEqual(findingLines.count, triage.active.count)
        XCTAssertTrue(lines.contains(
            "charts-fixtures/rendered/bijux-atlas.yaml:14:13: error: Service bijux-atlas port `service` is 8081; the contract's "
                + "ports.atlas.service is 8080 [service.atlas.port.service] owner: values.service.port at "
                + "charts-fixtures/bijux-atlas/values-prod.yaml:17:9"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("charts-fixtures/bijux-atlas/values.yaml:41:3: warning: ") })
        XCTAssertFalse(lines.contains { $0.contains("[statefulset.postgres.namespace]") }, "suppressed findings are not listed")
        XCTAssertEqual(lines.last, "render-check: 5 errors, 1 warning, 2 suppressed, 3 allowlist errors in 14 resources from 6 inputs")
    }

    func testColourOnlyWhenAllowed() throws {
        let fixture = try TriageFixture()
        var context = TriageFixture.context
        XCTAssertFalse(TextReporter().report(fixture.triage(), context: context).contains("\u{1B}"))
        context.colour = true
        let coloured = TextReporter().report(fixture.triage(), context: context)
        XCTAssertTrue(coloured.contains("\u{1B}[1;31merror:\u{1B}[0m"))
        XCTAssertTrue(coloured.contains("\u{1B}[1;35mwarning:\u{1B}[0m"))
    }
}

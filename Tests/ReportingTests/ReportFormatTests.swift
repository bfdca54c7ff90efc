import Reporting
import XCTest

final class ReportFormatTests: XCTestCase {
    func testEveryFormatIsListedOnceWithItsReporter() {
        XCTAssertEqual(ReportFormat.allCases.map(\.rawValue), ["text", "json", "sarif", "github"])
        XCTAssertTrue(ReportFormat.text.reporter() is TextReporter)
        XCTAssertTrue(ReportFormat.json.reporter() is JSONReporter)
        XCTAssertTrue(ReportFormat.sarif.reporter() is SARIFReporter)
        XCTAssertTrue(ReportFormat.github.reporter() is GitHubReporter)
        XCTAssertNil(ReportFormat(rawValue: "xml"))
    }

    func testEveryReportEndsWithOneNewline() throws {
        let fixture = try TriageFixture()
        for format in ReportFormat.allCases {
            let report = format.reporter().report(fixture.triage(), context: TriageFixture.context)
            XCTAssertTrue(report.hasSuffix("\n") && !report.hasSuffix("\n\n"), "\(format)")
        }
    }
}

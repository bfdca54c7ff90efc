import Reporting
import XCTest

/// One golden file per reporter, on the fixture triage (every owner layer,
/// suppressed findings, allowlist errors and warnings, notices and input
/// errors).
final class ReporterGoldenTests: XCTestCase {
    private func report(_ format: ReportFormat, colour: Bool = false) throws -> String {
        let fixture = try TriageFixture()
        var context = TriageFixture.context
        context.colour = colour
        return fixture.normalized(format.reporter().report(fixture.triage(), context: context))
    }

    func testTextReportMatchesGolden() throws {
        try Golden.assertMatches(report(.text), "triage.txt")
    }

    func testColouredTextReportMatchesGolden() throws {
        try Golden.assertMatches(report(.text, colour: true), "triage.colour.txt")
    }

    func testJSONReportMatchesGolden() throws {
        try Golden.assertMatches(report(.json), "layer-drift-triage.json")
    }

    func testSARIFReportMatchesGolden() throws {
        try Golden.assertMatches(report(.sarif), "triage.sarif")
    }

    func testGitHubReportMatchesGolden() throws {
        try Golden.assertMatches(report(.github), "triage.github.txt")
    }
}

import LayerContract
import ManifestModel
import Reporting
import XCTest

final class GitHubReporterTests: XCTestCase {
    func testDataEscapesPercentCarriageReturnAndLineFeed() {
        XCTAssertEqual(GitHubReporter.escapeData("100% done\r\nnext: a,b"), "100%25 done%0D%0Anext: a,b")
        XCTAssertEqual(GitHubReporter.escapeData("%0A"), "%250A")
    }

    func testPropertiesAlsoEscapeColonAndComma() {
        XCTAssertEqual(GitHubReporter.escapeProperty("a:b,c%d\re\nf"), "a%3Ab%2Cc%25d%0De%0Af")
        XCTAssertEqual(GitHubReporter.escapeProperty("C:\\charts,x/values.yaml"), "C%3A\\charts%2Cx/values.yaml")
    }

    /// A hostile message and path cannot end the command early or start a new one.
    func testAnnotationStaysOneCommandWhateverTheText() throws {
        let fixture = try TriageFixture()
        let location = TriageFixture.location("charts/a,b:c/values%.yaml", 3, 5, to: 3, 9)
        let finding = Finding(
            diffKey: "service.atlas.port.service", family: .servicePort, component: "atlas",
            expected: .int(1), actual: .int(2), message: "line one\n::error::forged\r100%",
            location: location, owner: Owner(layer: .values, anchor: "values.service.port", location: location))
        let report = GitHubReporter().report(fixture.triage(findings: [finding], notices: [], inputErrors: []),
                                             context: TriageFixture.context)
        let line = try XCTUnwrap(report.split(separator: "\n").first { $0.hasPrefix("::error file=charts") })
        XCTAssertEqual(line, "::error file=charts/a%2Cb%3Ac/values%25.yaml,line=3,col=5,endLine=3,endColumn=9,"
            + "title=service.atlas.port.service::line one%0A::error::forged%0D100%25 "
            + "(owner: values.service.port at charts/a,b:c/values%25.yaml:3:5)%0A" + finding.remedy
                .replacingOccurrences(of: "%", with: "%25"))
        XCTAssertFalse(report.split(separator: "\n").contains { $0.hasPrefix("::error::forged") })
    }

    func testAnnotationSitsAtTheOwnerAndNamesTheRenderedLine() throws {
        let fixture = try TriageFixture()
        let finding = fixture.findings.first { $0.diffKey == "service.atlas.port.service" }!
        let report = GitHubReporter().report(fixture.triage(findings: [finding], notices: [], inputErrors: []),
                                             context: TriageFixture.context)
        let line = try XCTUnwrap(report.split(separator: "\n").first { $0.contains("title=service.atlas.port.service") })
        XCTAssertTrue(line.hasPrefix("::error file=charts-fixtures/bijux-atlas/values-prod.yaml,line=17,col=9,endLine=17,endColumn=13,"),
                      String(line))
        XCTAssertTrue(line.contains("rendered at charts-fixtures/rendered/bijux-atlas.yaml:14:13"), String(line))
    }

    func testPointLocationsHaveNoEnd() throws {
        let fixture = try TriageFixture()
        let report = GitHubReporter().report(fixture.triage(findings: [], inputErrors: []), context: TriageFixture.context)
        XCTAssertTrue(report.contains("::notice file=charts-fixtures/rendered/NOTES.txt,line=1,col=1,title=skipped::"))
    }

    func testWarningsAndSuppressed() throws {
        let fixture = try TriageFixture()
        let report = GitHubReporter().report(fixture.triage(), context: TriageFixture.context)
        XCTAssertTrue(report.contains("::warning file=charts-fixtures/bijux-atlas/values.yaml,line=41,col=3,endLine=41,endColumn=11,title=values.rollout.strategy.unused::"))
        XCTAssertFalse(report.contains("title=statefulset.postgres.namespace"), "suppressed findings are not annotated")
    }
}

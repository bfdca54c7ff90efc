import LayerContract
import ManifestModel
import XCTest

/// The contract is read with the project's parser: a malformed or incomplete
/// contract is an error at file:line:column; unknown fields are ignored.
final class ContractTests: XCTestCase {
    func testTheReferenceContractLoads() throws {
        let path = RepositoryPaths.shared + "/reference/layers.json"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("shared reference absent") }
        let contract = try Contract.load(path)
        XCTAssertEqual(contract.contractVersion.value, "1.0.0")
        XCTAssertEqual(contract.services.map(\.component.value), ["atlas", "grafana", "minio", "otel", "prometheus", "redis"])
        XCTAssertEqual(contract.service("atlas")?.serviceName.value, "atlas-e2e-bijux-atlas")
        XCTAssertEqual(contract.port("minio", "console")?.value.value, 9001)
        XCTAssertEqual(contract.requiredLabels.map(\.value), ["app.kubernetes.io/name", "app.kubernetes.io/instance"])
        XCTAssertEqual(contract.namespaces["stack"]?.value, "atlas-e2e")
        XCTAssertEqual(contract.releaseDefaults["chart_version"]?.value, "0.1.0")
        let name = try XCTUnwrap(contract.service("atlas")?.serviceName.location)
        XCTAssertEqual(name.line, 122)
        XCTAssertEqual(name.column, 23)
    }

    func testUnknownFieldsAreIgnored() throws {
        let text = try String(contentsOfFile: RepositoryPaths.contract, encoding: .utf8)
            .replacingOccurrences(of: "\"contract_version\"", with: "\"future_field\": {\"x\": [1, 2]},\n  \"contract_version\"")
        let contract = try Contract.load(try RepositoryPaths.temporaryFile("layers.json", text))
        XCTAssertEqual(contract.services.count, 6)
    }

    func testAMissingRequiredFieldNamesItsPlace() throws {
        let text = try String(contentsOfFile: RepositoryPaths.contract, encoding: .utf8)
            .replacingOccurrences(of: "\"service_name\": \"redis\"", with: "\"name\": \"redis\"")
        let path = try RepositoryPaths.temporaryFile("layers.json", text)
        XCTAssertThrowsError(try Contract.load(path)) { error in
            let error = error as! LayerContractError
            XCTAssertEqual(error.message, "missing required field `services.redis.service_name`")
            XCTAssertEqual(error.location.file, path)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertTrue(lines[error.location.line - 1].contains("\"redis\": {"), "points at the redis entry")
        }
    }

    func testWrongTypesAreErrors() throws {
        let text = try String(contentsOfFile: RepositoryPaths.contract, encoding: .utf8)
            .replacingOccurrences(of: "\"container\": 8080", with: "\"container\": \"8080\"")
        let path = try RepositoryPaths.temporaryFile("layers.json", text)
        XCTAssertThrowsError(try Contract.load(path)) { error in
            XCTAssertEqual((error as! LayerContractError).message, "`ports.atlas.container` must be an integer")
        }
    }

    func testTruncatedAndEmptyContractsAreErrors() throws {
        let text = try String(contentsOfFile: RepositoryPaths.contract, encoding: .utf8)
        let truncated = try RepositoryPaths.temporaryFile("layers.json", String(text.prefix(400)))
        XCTAssertThrowsError(try Contract.load(truncated)) { error in
            XCTAssertGreaterThan((error as! LayerContractError).location.line, 1)
        }
        let empty = try RepositoryPaths.temporaryFile("layers.json", "")
        XCTAssertThrowsError(try Contract.load(empty)) { error in
            XCTAssertEqual((error as! LayerContractError).message, "file is empty")
        }
        let array = try RepositoryPaths.temporaryFile("layers.json", "[1, 2]")
        XCTAssertThrowsError(try Contract.load(array)) { error in
            XCTAssertEqual((error as! LayerContractError).message, "`(root)` must be an object")
        }
    }

    func testCalendarDatesAreStrict() {
        XCTAssertNotNil(CalendarDate("2028-02-29"))
        XCTAssertNil(CalendarDate("2027-02-29"))
        XCTAssertNil(CalendarDate("2027-1-01"))
        XCTAssertNil(CalendarDate("2027-13-01"))
        XCTAssertNil(CalendarDate(" 2027-01-01"))
        let date = CalendarDate("2026-11-28")!
        XCTAssertEqual(CalendarDate(daysSinceEpoch: date.daysSinceEpoch), date)
        XCTAssertEqual(date.days(until: CalendarDate("2027-01-01")!), 34)
    }
}

import LayerContract
import ManifestModel
import XCTest

/// Allowlist rules of the specification, section 6, on real files.
final class AllowlistTests: XCTestCase {
    let today = CalendarDate("2026-11-28")!

    func allowlist(_ exceptions: String, schemaVersion: String = "1") throws -> Allowlist {
        let path = try RepositoryPaths.temporaryFile("allowlist.json",
                                                     "{\n  \"schema_version\": \(schemaVersion),\n  \"exceptions\": [\(exceptions)]\n}\n")
        return try Allowlist.load(path, today: today)
    }

    func entry(id: String = "e1", key: String = "service.atlas.port.service", expiry: String = "2027-01-31",
               extra: String = "") -> String {
        """
        {"id": "\(id)", "diff_key": "\(key)", "owner": "team", "issue": "OPS-1", "expiry": "\(expiry)", "justification": "why"\(extra)}
        """
    }

    func testAValidScopedExceptionSuppressesByGlob() throws {
        let list = try allowlist(entry(key: "service.atlas.port.*"))
        XCTAssertEqual(list.errors, [])
        XCTAssertEqual(list.exceptions.count, 1)
        XCTAssertTrue(list.exceptions[0].matches("service.atlas.port.service"))
        XCTAssertTrue(list.exceptions[0].matches("service.atlas.port.grpc"))
        XCTAssertFalse(list.exceptions[0].matches("service.redis.port.service"))
        XCTAssertTrue(try allowlist(entry(key: "service.atlas.port.serv?ce")).exceptions[0].matches("service.atlas.port.service"))
        XCTAssertTrue(try allowlist(entry(key: "service.atlas.port.[gs]*")).exceptions[0].matches("service.atlas.port.grpc"))
    }

    func testExpiredAndUndatableExceptionsAreErrorsInTheReferenceWording() throws {
        XCTAssertEqual(try allowlist(entry(expiry: "2026-11-27")).errors.map(\.text), ["e1: expired on 2026-11-27"])
        XCTAssertEqual(try allowlist(entry(expiry: "2026-02-30")).errors.map(\.text), ["e1: invalid expiry `2026-02-30`"])
        XCTAssertEqual(try allowlist(entry(expiry: "next week")).errors.map(\.text), ["e1: invalid expiry `next week`"])
        let list = try allowlist(entry(expiry: "2026-11-27"))
        XCTAssertEqual(list.exceptions.count, 0, "an expired exception suppresses nothing")
    }

    func testTheExpiryDayItselfIsStillValidAndWarns() throws {
        let list = try allowlist(entry(expiry: "2026-11-28"))
        XCTAssertEqual(list.errors, [])
        XCTAssertEqual(list.exceptions.count, 1)
        XCTAssertEqual(list.warnings.map(\.text), ["e1: expires on 2026-11-28 (in 0 days); fix the drift or renew it"])
    }

    func testExpiringWithinFourteenDaysWarnsAndFifteenDoesNot() throws {
        XCTAssertEqual(try allowlist(entry(expiry: "2026-12-12")).warnings.count, 1)
        XCTAssertEqual(try allowlist(entry(expiry: "2026-12-13")).warnings.count, 0)
    }

    func testDuplicateIdsAreErrors() throws {
        let list = try allowlist(entry() + "," + entry(key: "service.redis.port.service"))
        XCTAssertEqual(list.errors.count, 1)
        XCTAssertTrue(list.errors[0].text.hasPrefix("e1: duplicate id"), list.errors[0].text)
        XCTAssertEqual(list.errors[0].location.line, 3)
    }

    func testBroadPatternsAreErrors() throws {
        for pattern in ["*", "service.*", "*.missing", "deployment.*.label.x", "serv?ce.atlas.missing", "service.[ab]tlas.missing"] {
            let list = try allowlist(entry(key: pattern))
            XCTAssertEqual(list.errors.count, 1, pattern)
            XCTAssertTrue(list.errors.first?.text.contains("broad pattern") ?? false, pattern)
            XCTAssertEqual(list.exceptions.count, 0, pattern)
        }
        XCTAssertEqual(try allowlist(entry(key: "deployment.atlas.label.*")).errors, [])
    }

    func testSchemaViolationsAreAllReportedWithPositions() throws {
        let list = try allowlist("""
            {"id": "e1", "diff_key": "service.atlas.missing", "owner": "", "issue": 7, "expiry": "2027-01-01", "justification": "j", "extra": 1},
            {"id": "e2"},
            "not an object"
            """, schemaVersion: "2")
        let texts = list.errors.map(\.text)
        XCTAssertTrue(texts.contains { $0.contains("schema_version must be 1") }, "\(texts)")
        XCTAssertTrue(texts.contains { $0.contains("exceptions[0].owner must not be empty") }, "\(texts)")
        XCTAssertTrue(texts.contains { $0.contains("exceptions[0].issue must be a string") }, "\(texts)")
        XCTAssertTrue(texts.contains { $0.contains("unknown field `extra`") }, "\(texts)")
        XCTAssertTrue(texts.contains { $0.contains("exceptions[1]: missing field `diff_key`") }, "\(texts)")
        XCTAssertTrue(texts.contains { $0.contains("exceptions[2] must be an object") }, "\(texts)")
        XCTAssertEqual(list.exceptions.count, 0)
        XCTAssertTrue(list.errors.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 })
    }

    func testAFileThatIsNotJSONIsAPositionedError() throws {
        let path = try RepositoryPaths.temporaryFile("broken.json", "{\"schema_version\": 1,\n \"exceptions\": [\n")
        XCTAssertThrowsError(try Allowlist.load(path, today: today)) { error in
            let error = error as! LayerContractError
            XCTAssertEqual(error.location.file, path)
            XCTAssertGreaterThanOrEqual(error.location.line, 2)
        }
    }

    func testStaleExceptionsWarnAndDoNotSuppress() throws {
        let contract = try Contract.load(RepositoryPaths.contract)
        let list = try allowlist(entry(id: "old", key: "service.grafana.port.service") + "," + entry(id: "used", key: "service.atlas.missing"))
        let finding = Finding(diffKey: "service.atlas.missing", family: .serviceMissing, component: "atlas",
                              expected: .string("x"), actual: .null, message: "m",
                              location: SourceLocation(file: "c", line: 1, column: 1),
                              owner: Owner(layer: .contract, location: nil))
        let triage = Triage(contract: contract, findings: [finding], allowlist: list)
        XCTAssertEqual(triage.active.count, 0)
        XCTAssertEqual(triage.suppressed.map(\.exceptionID), ["used"])
        XCTAssertEqual(triage.allowlistWarnings.map(\.text),
                       ["old: stale: `service.grafana.port.service` matches no current finding; remove it"])
        XCTAssertEqual(triage.exitCode, 0)
    }

    func testTheReferenceAllowlistLoads() throws {
        let path = RepositoryPaths.shared + "/reference/layer-live-diff-allowlist.json"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("shared reference absent") }
        let list = try Allowlist.load(path, today: today)
        XCTAssertEqual(list.errors, [])
        XCTAssertEqual(list.exceptions.count, 0)
    }
}

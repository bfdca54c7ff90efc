import Foundation
import LayerContract
import Reporting
import XCTest

/// The reports against their schemas with the real `jsonschema` validator:
/// SARIF against the OASIS 2.1.0 schema in `../shared/reference/`, the triage
/// JSON against `ops/schema/layer-drift-triage.schema.json`.
final class SchemaValidationTests: XCTestCase {
    static let sarifSchema = Python.repositoryRoot
        .appendingPathComponent("../shared/reference/sarif-schema-2.1.0.json").standardized.path
    static let triageSchema = Python.repositoryRoot
        .appendingPathComponent("ops/schema/layer-drift-triage.schema.json").path

    private func sarifSchemaPath() throws -> String {
        guard FileManager.default.fileExists(atPath: Self.sarifSchema) else {
            throw XCTSkip("the shared SARIF schema is absent: \(Self.sarifSchema)")
        }
        return Self.sarifSchema
    }

    func testSARIFIsValidAgainstTheOASISSchema() throws {
        let schema = try sarifSchemaPath()
        let fixture = try TriageFixture()
        try Python.validate(SARIFReporter().report(fixture.triage(), context: TriageFixture.context), schema: schema)
        try Python.validate(SARIFReporter().report(fixture.cleanTriage(), context: ReportContext(toolVersion: "0.1.0")),
                            schema: schema)
    }

    func testSARIFSchemaCheckIsReal() throws {
        let schema = try sarifSchemaPath()
        let fixture = try TriageFixture()
        let report = SARIFReporter().report(fixture.triage(), context: TriageFixture.context)
        let broken = report.replacingOccurrences(of: "\"columnKind\": \"unicodeCodePoints\"", with: "\"columnKind\": \"bytes\"")
        XCTAssertNotEqual(broken, report)
        try Python.validate(broken, schema: schema, expectValid: false)
    }

    func testTriageJSONIsValidAgainstItsSchema() throws {
        let fixture = try TriageFixture()
        try Python.validate(JSONReporter().report(fixture.triage(), context: TriageFixture.context), schema: Self.triageSchema)
        try Python.validate(JSONReporter().report(fixture.cleanTriage(), context: TriageFixture.context),
                            schema: Self.triageSchema)
    }

    /// `additionalProperties: false` and `required` do their job: an unknown
    /// key or a missing one is rejected.
    func testTriageSchemaRejectsUnknownAndMissingKeys() throws {
        let fixture = try TriageFixture()
        let report = JSONReporter().report(fixture.triage(), context: TriageFixture.context)
        try Python.validate(report.replacingOccurrences(of: "\"remedy\":", with: "\"remedies\":"),
                            schema: Self.triageSchema, expectValid: false)
        try Python.validate(report.replacingOccurrences(of: "\"end_column\":", with: "\"end_col\":"),
                            schema: Self.triageSchema, expectValid: false)
    }

    /// The schema's enumerations are the registry's: a new family or layer
    /// must be added to the schema too.
    func testTriageSchemaEnumsMatchTheRegistry() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.triageSchema))
        let schema = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let definitions = try XCTUnwrap(schema["definitions"] as? [String: Any])
        func enumeration(_ path: [String]) throws -> Set<String> {
            var node: Any = definitions
            for key in path { node = try XCTUnwrap((node as? [String: Any])?[key], path.joined(separator: ".")) }
            return Set(try XCTUnwrap(node as? [String]))
        }
        XCTAssertEqual(try enumeration(["kind", "enum"]), Set(CheckFamily.all.map(\.kind)))
        XCTAssertEqual(try enumeration(["activeDifference", "properties", "family", "enum"]), Set(CheckFamily.all.map(\.id)))
        XCTAssertEqual(try enumeration(["owner", "properties", "layer", "enum"]), Set(Layer.allCases.map(\.rawValue)))
    }
}

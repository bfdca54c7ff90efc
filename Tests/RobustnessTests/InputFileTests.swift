import Foundation
import XCTest

/// Contracts, values files and allowlists that are truncated, empty, of the
/// wrong JSON types or otherwise invalid: each is a clean exit (2 for a file
/// that cannot be used, 1 for allowlist problems) with a message naming
/// file:line:column, within the bounds of `Bounds`.
final class InputFileTests: XCTestCase {
    private var fixtureContractText: String {
        get throws { try String(contentsOfFile: BoundedRun.contract, encoding: .utf8) }
    }

    /// The fixture contract with one change made to its JSON.
    private func contract(_ change: (inout [String: Any]) -> Void) throws -> String {
        var object = try JSONSerialization.jsonObject(with: Data(try fixtureContractText.utf8)) as! [String: Any]
        change(&object)
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private func checkWithContract(_ name: String, in scratch: Scratch) throws -> BoundedResult {
        assertBounded(try BoundedRun.run(["check", "--no-config", "--contract", name, "--today", "2026-06-01",
                                          BoundedRun.fixtureRendered], in: scratch.root))
    }

    // MARK: - Contracts

    func testTruncatedContract() throws {
        let scratch = try Scratch("contract-truncated")
        let text = try fixtureContractText
        for (index, length) in [1, 40, 1500, text.utf8.count - 2].enumerated() {
            let name = "truncated-\(index).json"
            try scratch.write(name, Array(text.utf8.prefix(length)))
            let result = try checkWithContract(name, in: scratch)
            XCTAssertEqual(result.status, 2, result.summary)
            assertPositioned(result, file: name, "error")
        }
    }

    func testEmptyContract() throws {
        let scratch = try Scratch("contract-empty")
        for (name, text) in [("empty.json", ""), ("blank.json", "\n\n   \n"), ("comment.json", "# nothing\n")] {
            try scratch.write(name, text)
            let result = try checkWithContract(name, in: scratch)
            XCTAssertEqual(result.status, 2, result.summary)
            assertPositioned(result, file: name, "error", containing: "file is empty", at: (1, 1))
        }
    }

    func testContractOfTheWrongJSONTypes() throws {
        let scratch = try Scratch("contract-types")
        let variants: [(String, String, String)] = [
            ("array.json", "[]\n", "`(root)` must be an object"),
            ("string.json", "\"layers\"\n", "`(root)` must be an object"),
            ("null.json", "null\n", "`(root)` must be an object"),
            ("two-documents.json", "{}\n---\n{}\n", "expected one document, found 2"),
            ("services-array.json", try contract { $0["services"] = [] }, "`services` must be an object"),
            ("port-string.json", try contract { o in
                var ports = o["ports"] as! [String: Any]; var atlas = ports["atlas"] as! [String: Any]
                atlas["service"] = "8080"; ports["atlas"] = atlas; o["ports"] = ports
            }, "`ports.atlas.service` must be an integer"),
            ("port-float.json", try contract { o in
                var ports = o["ports"] as! [String: Any]; var atlas = ports["atlas"] as! [String: Any]
                atlas["service"] = 8080.5; ports["atlas"] = atlas; o["ports"] = ports
            }, "`ports.atlas.service` must be an integer"),
            ("port-huge.json", try contract { $0["ports"] = ["atlas": ["service": Decimal(string: "1e30")!]] },
             "`ports.atlas.service` must be an integer"),
            ("labels-string.json", try contract { $0["labels"] = ["required": "app"] },
             "`labels.required` must be an array of strings"),
            ("label-number.json", try contract { $0["labels"] = ["required": [1]] },
             "`labels.required[0]` must be a string"),
            ("version-number.json", try contract { $0["contract_version"] = 1 }, "`contract_version` must be a string"),
            ("missing-services.json", try contract { $0["services"] = nil }, "missing required field `services`"),
            ("selector-null.json", try contract { o in
                var services = o["services"] as! [String: Any]; var atlas = services["atlas"] as! [String: Any]
                atlas["selector"] = NSNull(); services["atlas"] = atlas; o["services"] = services
            }, "`services.atlas.selector` must be an object"),
            ("selector-empty.json", try contract { o in
                var services = o["services"] as! [String: Any]; var atlas = services["atlas"] as! [String: Any]
                atlas["selector"] = [String: Any](); services["atlas"] = atlas; o["services"] = services
            }, "`services.atlas.selector` needs at least one label"),
            ("name-empty.json", try contract { o in
                var services = o["services"] as! [String: Any]; var atlas = services["atlas"] as! [String: Any]
                atlas["service_name"] = ""; services["atlas"] = atlas; o["services"] = services
            }, "`services.atlas.service_name` is empty"),
            ("namespaces-list.json", try contract { $0["namespaces"] = ["atlas-e2e"] }, "`namespaces` must be an object"),
            ("defaults-null.json", try contract { $0["release_metadata"] = ["defaults": NSNull()] },
             "`release_metadata.defaults` must be an object"),
        ]
        for (name, text, message) in variants {
            try scratch.write(name, text)
            let result = try checkWithContract(name, in: scratch)
            XCTAssertEqual(result.status, 2, "\(name)\n" + result.summary)
            assertPositioned(result, file: name, "error", containing: message)
        }
    }

    func testContractThatIsNotJSONAtAll() throws {
        let scratch = try Scratch("contract-garbage")
        try scratch.write("bomb.json", HostileYAMLTests.flowBomb())
        let bomb = try checkWithContract("bomb.json", in: scratch)
        XCTAssertEqual(bomb.status, 2, bomb.summary)
        assertPositioned(bomb, file: "bomb.json", "error", containing: "aliases expand to more than")
        try scratch.write("binary.json", [0x7B, 0x22, 0xFF, 0x00, 0x22, 0x7D])
        let binary = try checkWithContract("binary.json", in: scratch)
        XCTAssertEqual(binary.status, 2, binary.summary)
        assertPositioned(binary, file: "binary.json", "error", at: (1, 3))
        let missing = assertBounded(try BoundedRun.run(["check", "--no-config", "--contract", "missing.json",
                                                        BoundedRun.fixtureRendered], in: scratch.root))
        XCTAssertEqual(missing.status, 2, missing.summary)
        assertPositioned(missing, file: "missing.json", "error", at: (1, 1))
    }

    // MARK: - Values files

    private func runWithValues(_ name: String, in scratch: Scratch, limits: [String] = []) throws -> [BoundedResult] {
        let chart = ["--chart", BoundedRun.fixtureChart, "--release", "atlas-e2e", "--namespace", "atlas-e2e", "-f", name]
        return [
            assertBounded(try BoundedRun.run(BoundedRun.checkArguments(limits + chart + [BoundedRun.fixtureRendered]),
                                             in: scratch.root)),
            assertBounded(try BoundedRun.run(["blame"] + limits + chart + [BoundedRun.fixtureRendered], in: scratch.root)),
        ]
    }

    func testTruncatedValuesFile() throws {
        let scratch = try Scratch("values-truncated")
        let text = try String(contentsOfFile: BoundedRun.fixtureChart + "/values.yaml", encoding: .utf8)
        try scratch.write("truncated.yaml", Array(text.utf8.prefix(300)))
        try scratch.write("truncated.json", "{\"service\": {\"port\": 9090")
        try scratch.write("quote.yaml", "service:\n  type: \"ClusterIP\n")
        for name in ["truncated.yaml", "truncated.json", "quote.yaml"] {
            for result in try runWithValues(name, in: scratch) {
                XCTAssertEqual(result.status, 2, result.summary)
                assertPositioned(result, file: name, "error")
            }
        }
    }

    /// An empty values file is no values at all, as in Helm: the fixture
    /// chart's own defaults stand.
    func testEmptyValuesFile() throws {
        let scratch = try Scratch("values-empty")
        for name in ["empty.yaml", "comments.yaml", "null.yaml"] {
            try scratch.write(name, name == "comments.yaml" ? "# nothing here\n" : name == "null.yaml" ? "~\n" : "")
            let results = try runWithValues(name, in: scratch)
            XCTAssertEqual(results[0].status, 1, results[0].summary)
            XCTAssertEqual(results[1].status, 0, results[1].summary)
            XCTAssertTrue(results[1].stdout.contains("values.service.port"), results[1].summary)
        }
    }

    func testValuesFilesOfTheWrongTypes() throws {
        let scratch = try Scratch("values-types")
        let variants: [(String, String, String, (Int, Int))] = [
            ("list.yaml", "- a\n- b\n", "values must be a mapping at the top level, not a sequence", (1, 1)),
            ("scalar.yaml", "just text\n", "values must be a mapping at the top level, not a scalar", (1, 1)),
            ("json-array.json", "[1, 2]\n", "values must be a mapping at the top level, not a sequence", (1, 1)),
            ("sequence-key.yaml", "? [a, b]\n: c\n", "a sequence cannot be a values key", (1, 3)),
            ("infinity.yaml", "service:\n  port: .inf\n", "+Inf cannot be a values entry", (2, 9)),
            ("nan.json", "{\"service\": {\"port\": .nan}}\n", "NaN cannot be a values entry", (1, 22)),
            ("bad-merge.yaml", "<<: [1]\n", "map merge requires map or sequence of maps", (1, 6)),
        ]
        for (name, text, message, position) in variants {
            try scratch.write(name, text)
            for result in try runWithValues(name, in: scratch) {
                XCTAssertEqual(result.status, 2, "\(name)\n" + result.summary)
                assertPositioned(result, file: name, "error", containing: message, at: position)
            }
        }
        // Values of another type where the chart expects a map or a number
        // are Helm's business: render-check reports drift, it does not fail.
        for (name, text) in [("port-string.yaml", "service:\n  port: \"8080\"\n"), ("service-list.yaml", "service: [1, 2]\n")] {
            try scratch.write(name, text)
            let results = try runWithValues(name, in: scratch)
            XCTAssertEqual(results[0].status, 1, results[0].summary)
            XCTAssertEqual(results[1].status, 0, results[1].summary)
        }
    }

    /// Values are merged and walked recursively: however high --max-depth is
    /// set, a values file nests at most 512 levels (no stack overflow).
    func testDeeplyNestedValuesFile() throws {
        let scratch = try Scratch("values-deep")
        try scratch.write("limit.yaml", "service:\n  deep: " + String(repeating: "{a: ", count: 510) + "1"
            + String(repeating: "}", count: 510) + "\n")
        for result in try runWithValues("limit.yaml", in: scratch) {
            XCTAssertNotEqual(result.status, 2, result.summary)
        }
        try scratch.write("deep.yaml", "service:\n  deep:\n    " + String(repeating: "- ", count: 100_000) + "1\n")
        for limits in [[], ["--max-depth", "200000"]] {
            for result in try runWithValues("deep.yaml", in: scratch, limits: limits) {
                XCTAssertEqual(result.status, 2, result.summary)
                assertPositioned(result, file: "deep.yaml", "error", containing: "nesting deeper than 512 levels", at: (3, 1025))
            }
        }
        try scratch.write("bomb.yaml", HostileYAMLTests.flowBomb())
        for result in try runWithValues("bomb.yaml", in: scratch) {
            XCTAssertEqual(result.status, 2, result.summary)
            assertPositioned(result, file: "bomb.yaml", "error", containing: "aliases expand to more than 1000000 nodes")
        }
    }

    func testChartsOwnValuesFileTruncatedOrEmpty() throws {
        let scratch = try Scratch("chart-values")
        try scratch.copy(BoundedRun.fixtureChart, to: "chart")
        let values = scratch.path("chart/values.yaml")
        let text = try String(contentsOfFile: values, encoding: .utf8)
        let arguments = ["blame", "--chart", "chart", BoundedRun.fixtureRendered]
        try scratch.write("chart/values.yaml", Array(text.utf8.prefix(300)))
        let truncated = assertBounded(try BoundedRun.run(arguments, in: scratch.root))
        XCTAssertEqual(truncated.status, 2, truncated.summary)
        assertPositioned(truncated, file: "chart/values.yaml", "error")
        try scratch.write("chart/values.yaml", "")
        let empty = assertBounded(try BoundedRun.run(arguments, in: scratch.root))
        XCTAssertEqual(empty.status, 0, empty.summary)
        try scratch.write("chart/Chart.yaml", "apiVersion: v2\nname: [bijux\n")
        let chart = assertBounded(try BoundedRun.run(arguments, in: scratch.root))
        XCTAssertEqual(chart.status, 2, chart.summary)
        assertPositioned(chart, file: "chart/Chart.yaml", "error")
    }

    // MARK: - .render-check.yaml

    func testConfigurationFileTruncatedOrOfTheWrongTypes() throws {
        let scratch = try Scratch("config")
        let variants: [(String, String, String)] = [
            ("truncated.yaml", "contract: \"ops/inventory/lay", "found unexpected end of stream"),
            ("list.yaml", "- contract\n", "`(root)` must be a mapping of options"),
            ("number.yaml", "contract: 5\n", "`contract` must be a string"),
            ("inputs.yaml", "inputs: {a: b}\n", "`inputs` must be an array of strings"),
            ("unknown.yaml", "contracts: x\n", "unknown option `contracts`"),
            ("bomb.yaml", HostileYAMLTests.flowBomb(), "aliases expand to more than 1000000 nodes"),
        ]
        for (name, text, message) in variants {
            try scratch.write(name, text)
            let result = assertBounded(try BoundedRun.run(["check", "--config", name], in: scratch.root))
            XCTAssertEqual(result.status, 2, result.summary)
            assertPositioned(result, file: name, "error", containing: message)
        }
    }

    // MARK: - Allowlists

    private static func exception(_ id: String, key: String = "deployment.otel-collector.label.app.kubernetes.io/instance",
                                  expiry: String = "2027-05-31", _ changes: [String: Any?] = [:]) -> [String: Any] {
        var entry: [String: Any] = ["id": id, "diff_key": key, "owner": "ops", "issue": "OPS-1", "expiry": expiry,
                                    "justification": "test"]
        for (field, value) in changes { entry[field] = value }
        return entry
    }

    private func allowlist(_ exceptions: [Any], extra: [String: Any] = [:]) throws -> String {
        var object: [String: Any] = ["schema_version": 1, "exceptions": exceptions]
        for (key, value) in extra { object[key] = value }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// `check` with the fixture rendered chart and stack, where the only
    /// difference is the otel label the valid exceptions here cover.
    private func checkWithAllowlist(_ name: String, in scratch: Scratch) throws -> BoundedResult {
        assertBounded(try BoundedRun.run(BoundedRun.checkArguments([
            "--allowlist", name, "--stack", BoundedRun.fixtureStack, "--namespace", "atlas-e2e", BoundedRun.fixtureRendered,
        ]), in: scratch.root))
    }

    /// Exit 1 and one positioned allowlist error per message.
    private func assertAllowlistErrors(_ text: String, _ messages: [String], name: String, in scratch: Scratch,
                                       file: StaticString = #filePath, line: UInt = #line) throws {
        try scratch.write(name, text)
        let result = try checkWithAllowlist(name, in: scratch)
        XCTAssertEqual(result.status, 1, result.summary, file: file, line: line)
        for message in messages {
            assertPositioned(result, file: name, "error", containing: "allowlist: ", file: file, line: line)
            XCTAssertTrue(result.stdout.contains(message), "no `\(message)`\n" + result.summary, file: file, line: line)
        }
        XCTAssertTrue(result.stdout.contains("\(messages.count) allowlist error"), result.summary, file: file, line: line)
    }

    func testValidAllowlistIsTheBaseline() throws {
        let scratch = try Scratch("allowlist-valid")
        try scratch.write("valid.json", try allowlist([Self.exception("otel")]))
        let result = try checkWithAllowlist("valid.json", in: scratch)
        XCTAssertEqual(result.status, 0, result.summary)
    }

    func testAllowlistSchemaViolations() throws {
        let scratch = try Scratch("allowlist-schema")
        try assertAllowlistErrors(try allowlist([
            Self.exception("unknown-field", ["extra": "x"]),
            Self.exception("missing-owner", ["owner": nil]),
            Self.exception("owner-number", ["owner": 7]),
            Self.exception("empty-issue", ["issue": ""]),
            Self.exception("null-justification", ["justification": NSNull()]),
            "not-an-object",
            Self.exception("otel"),
        ], extra: ["comment": "x"]), [
            "exceptions[0]: unknown field `extra`",
            "exceptions[1]: missing field `owner`",
            "exceptions[2].owner must be a string",
            "exceptions[3].issue must not be empty",
            "exceptions[4].justification must be a string",
            "exceptions[5] must be an object",
            "unknown field `comment`",
        ], name: "schema.json", in: scratch)

        try assertAllowlistErrors("{\"schema_version\": \"1\", \"exceptions\": {}}\n",
                                  ["schema_version must be 1", "`exceptions` must be an array"], name: "types.json", in: scratch)
        try assertAllowlistErrors("{}\n", ["missing field `schema_version`", "missing field `exceptions`"],
                                  name: "missing.json", in: scratch)
        try assertAllowlistErrors("[]\n", ["allowlist must be a JSON object"], name: "array.json", in: scratch)
    }

    func testAllowlistBadDates() throws {
        let scratch = try Scratch("allowlist-dates")
        let dates = ["2026-13-45", "2026-02-30", "next tuesday", "2026-6-1", "31/12/2026", "2026-06-01T00:00:00Z", " 2026-06-01"]
        try assertAllowlistErrors(try allowlist(dates.enumerated().map { Self.exception("date-\($0.offset)", expiry: $0.element) }),
                                  dates.map { "invalid expiry `\($0)`" }, name: "dates.json", in: scratch)
    }

    func testAllowlistPastDate() throws {
        let scratch = try Scratch("allowlist-past")
        try assertAllowlistErrors(try allowlist([Self.exception("old", expiry: "2026-05-31")]),
                                  ["old: expired on 2026-05-31"], name: "past.json", in: scratch)
        // The expiry day itself is still valid (today is 2026-06-01), with a warning.
        try scratch.write("today.json", try allowlist([Self.exception("today", expiry: "2026-06-01")]))
        let today = try checkWithAllowlist("today.json", in: scratch)
        XCTAssertEqual(today.status, 0, today.summary)
        assertPositioned(today, file: "today.json", "warning", containing: "today: expires on 2026-06-01 (in 0 days)")
    }

    func testAllowlistDuplicateID() throws {
        let scratch = try Scratch("allowlist-dup")
        try assertAllowlistErrors(try allowlist([Self.exception("same"), Self.exception("same", key: "service.atlas.port.service")]),
                                  ["same: duplicate id (first at dup.json:"], name: "dup.json", in: scratch)
    }

    func testAllowlistBroadPatterns() throws {
        let scratch = try Scratch("allowlist-broad")
        let patterns = ["*", "service.*", "*.missing", "deployment.*.label.x", "service.atl?s.missing", "[sd]*.atlas.missing", "*.*"]
        try assertAllowlistErrors(try allowlist(patterns.enumerated().map { Self.exception("broad-\($0.offset)", key: $0.element) }),
                                  patterns.enumerated().map { "broad-\($0.offset): broad pattern `\($0.element)`" },
                                  name: "broad.json", in: scratch)
    }

    func testAllowlistTruncatedEmptyOrUnreadable() throws {
        let scratch = try Scratch("allowlist-file")
        let full = try allowlist([Self.exception("otel")])
        try scratch.write("truncated.json", Array(full.utf8.prefix(60)))
        try scratch.write("empty.json", "")
        try scratch.write("binary.json", [0x7B, 0xFF, 0xFE, 0x7D])
        for (name, message) in [("truncated.json", "found unexpected end of stream"), ("empty.json", "file is empty"),
                                ("binary.json", "invalid leading UTF-8 octet"), ("missing.json", "cannot open")] {
            let result = try checkWithAllowlist(name, in: scratch)
            XCTAssertEqual(result.status, 2, result.summary)
            assertPositioned(result, file: name, "error", containing: message)
        }
    }
}

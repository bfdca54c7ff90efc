import Foundation
import ManifestModel
import ValuesAnchors
import XCTest

/// Files the values tests read: this folder's fixtures and the project's
/// fixture chart, found from this file's path so any working directory works.
enum ValuesFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let chart = repository + "/charts-fixtures/bijux-atlas"
    static let chartValues = chart + "/values.yaml"

    static func path(_ name: String) -> String { directory + "/" + name }

    static func variant(_ name: String, _ file: String) -> String {
        repository + "/charts-fixtures/variants/" + name + "/" + file
    }

    /// A fresh folder under the system's temporary folder, removed by the test.
    static func temporaryFolder(_ test: XCTestCase) throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("values-anchors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    /// A chart `name` (version 0.1.0) in a temporary folder, with `files` by their path in it.
    static func chart(_ test: XCTestCase, named name: String, files: [String: String]) throws -> String {
        let chart = try temporaryFolder(test) + "/" + name
        try FileManager.default.createDirectory(atPath: chart + "/templates", withIntermediateDirectories: true)
        try "apiVersion: v2\nname: \(name)\nversion: 0.1.0\n".write(toFile: chart + "/Chart.yaml", atomically: true, encoding: .utf8)
        for (path, text) in files {
            try text.write(toFile: chart + "/" + path, atomically: true, encoding: .utf8)
        }
        return chart
    }
}

/// Runs `Fixtures/helm_values.py` (Helm's code, via helm-python-sdk). A
/// machine without python3 or helm_python fails the calling test: CI has both.
enum HelmPython {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Case: Encodable {
        var mode: String
        var expression: String?
        var forceString: Bool?
        var chart: String?
        var files: [String]?
        var set: [String]?
        var setString: [String]?
        var mine: String?
    }

    struct Answer: Decodable {
        var equal: Bool
        var helm: String?
        var mine: String?
        var helmError: String?
    }

    static func answers(_ cases: [Case]) throws -> [Answer] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("helm-values-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let request = folder.appendingPathComponent("request.json")
        let errors = folder.appendingPathComponent("stderr.txt")
        try JSONEncoder().encode(cases).write(to: request)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", ValuesFixtures.path("helm_values.py"), request.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errors)
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot start /usr/bin/env python3 (\(error)); python3 with helm-python-sdk is required")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        switch process.terminationStatus {
        case 0: break
        case 127: throw Failure(description: "python3 is not on PATH; it and helm-python-sdk are required: \(stderr)")
        case 3: throw Failure(description: "helm_python is not installed: \(stderr)")
        default: throw Failure(description: "helm_values.py exited \(process.terminationStatus): \(stderr)")
        }
        let answers = try JSONDecoder().decode([Answer].self, from: data)
        guard answers.count == cases.count else {
            throw Failure(description: "helm_values.py answered \(answers.count) of \(cases.count) cases")
        }
        return answers
    }
}

func path(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ValuesPath {
    guard let path = ValuesPath(text) else {
        XCTFail("not a values path: \(text)", file: file, line: line)
        return .root
    }
    return path
}

/// The values loader on real files: positions, Helm's merge rules, errors.
final class ValuesLoaderTests: XCTestCase {
    let loader = ValuesLoader()

    func load(_ files: [String] = [], set: [String] = [], setString: [String] = [],
              chart: String? = ValuesFixtures.chart) throws -> ValuesLoader.Result {
        try loader.load(chart: chart, valueFiles: files, set: set, setString: setString)
    }

    func loadError(_ files: [String] = [], set: [String] = [], chart: String? = ValuesFixtures.chart,
                   file: StaticString = #filePath, line: UInt = #line) -> ValuesError? {
        do throws(ValuesError) {
            _ = try loader.load(chart: chart, valueFiles: files, set: set)
            XCTFail("expected a ValuesError", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Positions

    func testChartDefaultNamesItsKeyInValuesYAML() throws {
        let result = try load()
        let port = try XCTUnwrap(result.values.node(at: path("service.port")))
        XCTAssertEqual(port.scalarValue, .int(8080))
        XCTAssertEqual(port.origin.file, ValuesFixtures.chartValues)
        XCTAssertEqual(port.origin.span.start, Mark(line: 26, column: 3))
        XCTAssertEqual(port.origin.span.end, Mark(line: 26, column: 13))
        XCTAssertEqual(result.values.keyLocation(at: path("service.port")),
                       SourceLocation(file: ValuesFixtures.chartValues,
                                      span: Span(start: Mark(line: 26, column: 3), end: Mark(line: 26, column: 7))))
        XCTAssertEqual(result.files, [ValuesFixtures.chartValues])
        XCTAssertEqual(result.values.value(at: path("server.readinessPath")), .string("/healthz/ready"))
        XCTAssertEqual(result.values.node(at: path("server.logLevel"))?.origin.line, 37)
    }

    func testOverlayThatWinsOwnsTheValue() throws {
        let overlay = ValuesFixtures.variant("port-drift", "values-port-drift.yaml")
        let result = try load([overlay])
        let port = try XCTUnwrap(result.values.node(at: path("service.port")))
        XCTAssertEqual(port.scalarValue, .int(9090))
        XCTAssertEqual(port.origin.description, "\(overlay):4:3")
        // Siblings the overlay did not touch stay with the chart's defaults,
        // and the map itself with the file that introduced it.
        XCTAssertEqual(result.values.node(at: path("service.type"))?.origin.description, "\(ValuesFixtures.chartValues):24:3")
        XCTAssertEqual(result.values.node(at: path("service"))?.origin.description, "\(ValuesFixtures.chartValues):22:1")
        XCTAssertEqual(result.files, [ValuesFixtures.chartValues, overlay])
    }

    func testDeepMergeReplacesListsAndKeepsSiblings() throws {
        let overlay = ValuesFixtures.variant("rollout", "values-rollout.yaml")
        let values = try load([overlay]).values
        XCTAssertEqual(values.value(at: path("rollout.enabled")), .bool(true))
        XCTAssertEqual(values.node(at: path("rollout.enabled"))?.origin.description, "\(overlay):3:3")
        let steps = try XCTUnwrap(values.node(at: path("rollout.strategy.canary.steps"))?.items)
        XCTAssertEqual(steps.count, 4, "a list is replaced, never merged item by item")
        XCTAssertEqual(values.value(at: path("rollout.strategy.canary.steps[0].setWeight")), .int(10))
        XCTAssertEqual(steps[0].origin.description, "\(overlay):7:11")
        XCTAssertEqual(values.node(at: path("rollout.strategy.canary.steps[3].pause"))?.entries?.count, 0)
        XCTAssertEqual(values.value(at: path("rollout.podLabels.track")), .string("canary"))
        XCTAssertEqual(values.value(at: path("rollout.podAnnotations[\"prometheus.io/scrape\"]")), .string("true"))
        XCTAssertEqual(values.value(at: path("replicaCount")), .int(2))
    }

    func testLeavesListEveryScalarAndEmptyCollection() throws {
        let leaves = try load().values.leaves()
        let names = leaves.map(\.path.description)
        XCTAssertTrue(names.contains("service.annotations"), "an empty map is a leaf")
        XCTAssertTrue(names.contains("rollout.strategy.canary.steps[1].pause.duration"))
        XCTAssertFalse(names.contains("service"))
        XCTAssertEqual(names.first, "nameOverride")
        let port = try XCTUnwrap(leaves.first { $0.path == path("service.port") })
        XCTAssertEqual(port.path.anchor, "values.service.port")
        XCTAssertEqual(port.node.origin.line, 26)
    }

    // MARK: - Null, types, order

    func testNullDeletesDefaultsAndStaysWhereNothingIsDeleted() throws {
        let overlay = ValuesFixtures.path("values-nulls.yaml")
        let values = try load([overlay]).values
        XCTAssertNil(values.node(at: path("image.tag")))
        XCTAssertEqual(values.value(at: path("image.repository")), .string("ghcr.io/bijux/atlas"))
        XCTAssertNil(values.node(at: path("service.annotations")))
        XCTAssertNil(values.node(at: path("resources.limits")))
        XCTAssertNil(values.node(at: path("podLabels")))
        XCTAssertEqual(values.value(at: path("service.port")), .int(9191))
        // Helm only deletes what a null overrides; a null with no default stays.
        XCTAssertEqual(values.value(at: path("extra.keep")), .null)
        XCTAssertEqual(values.value(at: path("extra.nested.also")), .null)
        XCTAssertEqual(values.value(at: path("newTop")), .null)
        XCTAssertEqual(values.node(at: path("newTop"))?.origin.description, "\(overlay):15:1")
    }

    func testLaterFileWinsOverEarlierFile() throws {
        let first = ValuesFixtures.path("values-nulls.yaml")
        let second = ValuesFixtures.path("values-second.yaml")
        let values = try load([first, second]).values
        XCTAssertNil(values.node(at: path("service.port")), "a later null deletes what an earlier file set")
        XCTAssertEqual(values.value(at: path("service.annotations.owner")), .string("platform"))
        XCTAssertEqual(values.node(at: path("service.annotations.owner"))?.origin.description, "\(second):5:5")
        // The map merged into the chart's `annotations: {}`, so it keeps the place that introduced it.
        XCTAssertEqual(values.node(at: path("service.annotations"))?.origin.description, "\(ValuesFixtures.chartValues):30:3")
        XCTAssertEqual(values.value(at: path("extra.nested.value")), .int(2))
        XCTAssertEqual(values.value(at: path("extra.nested.also")), .null)
        XCTAssertEqual(values.node(at: path("extra.nested.value"))?.origin.description, "\(second):8:5")
    }

    func testShapesChangeAndKeysReadAsHelmReadsThem() throws {
        let overlay = ValuesFixtures.path("values-shapes.yaml")
        let values = try load([overlay]).values
        XCTAssertEqual(values.value(at: path("resources")), .string("small"), "a scalar replaces a map")
        XCTAssertEqual(values.value(at: path("replicaCount.max")), .int(3), "a map replaces a scalar")
        XCTAssertEqual(values.node(at: path("rollout.strategy.canary.steps"))?.items?.count, 1)
        XCTAssertEqual(values.value(at: path("server.true")), .string("yes-key"), "`y` is a boolean key in YAML 1.1")
        XCTAssertEqual(values.value(at: path("server.n")), .string("quoted-key"))
        XCTAssertEqual(values.value(at: path("server.16")), .string("hex-key"))
        XCTAssertEqual(values.value(at: path("server.1")), .string("float-key"))
        XCTAssertEqual(values.value(at: path("server.ports[1]")), .int(9090))
        XCTAssertEqual(values.node(at: path("server.ports[1]"))?.origin.description, "\(overlay):16:17")
        // A merge key brings the anchor's entries, with the anchor's positions.
        XCTAssertEqual(values.value(at: path("client.retries")), .int(5))
        XCTAssertEqual(values.value(at: path("client.timeout")), .string("30s"))
        XCTAssertEqual(values.node(at: path("client.timeout"))?.origin.description, "\(overlay):18:3")
        XCTAssertEqual(values.node(at: path("client.retries"))?.origin.description, "\(overlay):22:3")
        XCTAssertEqual(values.value(at: path("client2.retries")), .int(3), "the first map of a merge list wins")
        XCTAssertEqual(values.value(at: path("client2.extra")), .bool(true))
    }

    func testDocumentsOfOneFileMergeInOrder() throws {
        let file = ValuesFixtures.path("values-multidoc.yaml")
        let values = try loader.loadFile(file)
        XCTAssertEqual(values.value(at: path("service.port")), .int(7001))
        XCTAssertEqual(values.value(at: path("service.type")), .string("NodePort"))
        XCTAssertEqual(values.node(at: path("service.port"))?.origin.description, "\(file):7:3")
    }

    func testEmptyAndCommentOnlyFilesAreEmptyMaps() throws {
        for name in ["values-empty.yaml", "values-comments.yaml"] {
            let values = try loader.loadFile(ValuesFixtures.path(name))
            XCTAssertEqual(values.entries?.count, 0, name)
        }
        let merged = try load([ValuesFixtures.path("values-empty.yaml")]).values
        XCTAssertEqual(merged.value(at: path("service.port")), .int(8080))
    }

    func testChartWithoutValuesFileIsFine() throws {
        let result = try load([ValuesFixtures.path("values-multidoc.yaml")],
                              chart: ValuesFixtures.repository + "/charts-fixtures/variants/missing-service")
        XCTAssertEqual(result.files, [ValuesFixtures.path("values-multidoc.yaml")])
        XCTAssertEqual(result.values.value(at: path("service.port")), .int(7001))
        XCTAssertEqual(result.defaults.entries?.count, 0)
    }

    func testDuplicateKeysAreReportedAndTheLaterWins() throws {
        let file = ValuesFixtures.path("values-duplicate.yaml")
        let result = try load([file])
        XCTAssertEqual(result.values.value(at: path("service.port")), .int(2))
        XCTAssertEqual(result.duplicateKeys.count, 1)
        XCTAssertEqual(result.duplicateKeys.first?.first.description, "\(file):2:3")
        XCTAssertEqual(result.duplicateKeys.first?.duplicate.description, "\(file):3:3")
    }

    // MARK: - --set

    func testSetBeatsFilesAndNamesItsArgument() throws {
        let overlay = ValuesFixtures.variant("port-drift", "values-port-drift.yaml")
        let values = try load([overlay], set: ["image.tag=v2", "server.logLevel=debug,service.port=7070"]).values
        let port = try XCTUnwrap(values.node(at: path("service.port")))
        XCTAssertEqual(port.scalarValue, .int(7070))
        XCTAssertEqual(port.origin.file, "--set")
        XCTAssertEqual(port.origin.span.start, Mark(line: 2, column: 23))
        XCTAssertEqual(port.origin.span.end, Mark(line: 2, column: 40))
        XCTAssertEqual(values.node(at: path("image.tag"))?.origin.description, "--set:1:1")
        XCTAssertEqual(values.node(at: path("server.logLevel"))?.origin.description, "--set:2:1")
        XCTAssertEqual(values.value(at: path("service.type")), .string("ClusterIP"))
    }

    func testSetNullDeletesAndSetStringKeepsText() throws {
        let values = try load(set: ["service.port=null,podLabels.team=null"], setString: ["server.port=8080"]).values
        XCTAssertNil(values.node(at: path("service.port")))
        XCTAssertEqual(values.value(at: path("podLabels.team")), .null)
        XCTAssertEqual(values.value(at: path("server.port")), .string("8080"))
        XCTAssertEqual(values.node(at: path("server.port"))?.origin.description, "--set-string:1:1")
    }

    func testSetPatchesAListFromAFileInPlace() throws {
        let overlay = ValuesFixtures.variant("rollout", "values-rollout.yaml")
        let values = try load([overlay], set: ["rollout.strategy.canary.steps[1].pause.duration=30s"]).values
        let steps = try XCTUnwrap(values.node(at: path("rollout.strategy.canary.steps"))?.items)
        XCTAssertEqual(steps.count, 4)
        XCTAssertEqual(values.value(at: path("rollout.strategy.canary.steps[1].pause.duration")), .string("30s"))
        XCTAssertEqual(values.node(at: path("rollout.strategy.canary.steps[1].pause.duration"))?.origin.file, "--set")
        XCTAssertEqual(values.value(at: path("rollout.strategy.canary.steps[0].setWeight")), .int(10))
        XCTAssertEqual(steps[0].origin.file, overlay)
    }

    func testSetThroughAScalarFromAFileFailsAsInHelm() throws {
        let error = try XCTUnwrap(loadError([ValuesFixtures.path("values-shapes.yaml")], set: ["image.tag=x,resources.cpu=1"]))
        XCTAssertEqual(error.kind, .badSetExpression)
        XCTAssertEqual(error.location.description, "--set:1:13")
        XCTAssertTrue(error.problem.contains("\"resources\" is a string"), error.problem)
    }

    func testBadSetExpressionNamesItsColumn() throws {
        let error = try XCTUnwrap(loadError(set: ["service.port=1", "a=1,b"]))
        XCTAssertEqual(error.kind, .badSetExpression)
        XCTAssertEqual(error.location.description, "--set:2:5")
        XCTAssertEqual(error.description, "--set:2:5: error: key \"b\" has no value")
    }

    // MARK: - Errors

    func testSyntaxErrorIsPositioned() throws {
        let file = ValuesFixtures.path("bad-syntax.yaml")
        let error = try XCTUnwrap(loadError([file]))
        XCTAssertEqual(error.kind, .syntax)
        XCTAssertEqual(error.location.file, file)
        XCTAssertEqual(error.location.line, 3)
        XCTAssertNotNil(error.underlying)
        XCTAssertTrue(error.description.hasPrefix("\(file):3:"), error.description)
    }

    func testTopLevelMustBeAMapping() throws {
        let list = try XCTUnwrap(loadError([ValuesFixtures.path("bad-top-list.yaml")]))
        XCTAssertEqual(list.kind, .notAMapping)
        XCTAssertEqual(list.location.description, ValuesFixtures.path("bad-top-list.yaml") + ":2:1")
        let scalar = try XCTUnwrap(loadError([ValuesFixtures.path("bad-top-scalar.yaml")]))
        XCTAssertEqual(scalar.kind, .notAMapping)
        XCTAssertEqual(scalar.location.line, 1)
        let second = try XCTUnwrap(loadError([ValuesFixtures.path("bad-second-doc.yaml")]))
        XCTAssertEqual(second.kind, .notAMapping)
        XCTAssertEqual(second.location.description, ValuesFixtures.path("bad-second-doc.yaml") + ":4:1")
    }

    func testKeysAndValuesHelmCannotCarry() throws {
        let key = try XCTUnwrap(loadError([ValuesFixtures.path("bad-null-key.yaml")]))
        XCTAssertEqual(key.kind, .invalidKey)
        XCTAssertEqual(key.location.description, ValuesFixtures.path("bad-null-key.yaml") + ":2:3")
        let infinity = try XCTUnwrap(loadError([ValuesFixtures.path("bad-inf.yaml")]))
        XCTAssertEqual(infinity.kind, .invalidValue)
        XCTAssertEqual(infinity.location.description, ValuesFixtures.path("bad-inf.yaml") + ":2:9")
        let merge = try XCTUnwrap(loadError([ValuesFixtures.path("bad-merge.yaml")]))
        XCTAssertEqual(merge.kind, .invalidValue)
        XCTAssertEqual(merge.location.description, ValuesFixtures.path("bad-merge.yaml") + ":2:7")
    }

    func testUnreadableFileAndMissingChart() throws {
        let missing = ValuesFixtures.path("no-such-file.yaml")
        let error = try XCTUnwrap(loadError([missing]))
        XCTAssertEqual(error.kind, .unreadable)
        XCTAssertEqual(error.location.description, missing + ":1:1")
        let chart = try XCTUnwrap(loadError(chart: ValuesFixtures.path("no-such-chart")))
        XCTAssertEqual(chart.kind, .unreadable)
    }

    func testValuesSymlinkOutOfTheChartIsNotFollowed() throws {
        let root = try ValuesFixtures.temporaryFolder(self)
        let chart = root + "/chart"
        try FileManager.default.createDirectory(atPath: chart, withIntermediateDirectories: true)
        try "secret: outside\n".write(toFile: root + "/outside.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: chart + "/values.yaml", withDestinationPath: "../outside.yaml")
        let error = try XCTUnwrap(loadError(chart: chart))
        XCTAssertEqual(error.kind, .outsideChart)
        XCTAssertEqual(error.location.file, chart + "/values.yaml")
        XCTAssertTrue(error.problem.contains("not followed"), error.problem)

        // A link that stays inside the chart is an ordinary file.
        try FileManager.default.removeItem(atPath: chart + "/values.yaml")
        try FileManager.default.createDirectory(atPath: chart + "/defaults", withIntermediateDirectories: true)
        try "inside: true\n".write(toFile: chart + "/defaults/values.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: chart + "/values.yaml", withDestinationPath: "defaults/values.yaml")
        XCTAssertEqual(try load(chart: chart).values.value(at: path("inside")), .bool(true))

        // A dangling link is refused too, never guessed at.
        try FileManager.default.removeItem(atPath: chart + "/values.yaml")
        try FileManager.default.createSymbolicLink(atPath: chart + "/values.yaml", withDestinationPath: "../gone.yaml")
        XCTAssertEqual(loadError(chart: chart)?.kind, .unreadable)
    }
}

/// Values paths: the names findings and reports use.
final class ValuesPathTests: XCTestCase {
    func testDescriptionAndAnchor() {
        let port = ValuesPath([.key("service"), .key("port")])
        XCTAssertEqual(port.description, "service.port")
        XCTAssertEqual(port.anchor, "values.service.port")
        XCTAssertEqual(ValuesPath([.key("ports"), .index(0), .key("name")]).description, "ports[0].name")
        XCTAssertEqual(ValuesPath([.key("podAnnotations"), .key("prometheus.io/scrape")]).description,
                       "podAnnotations[\"prometheus.io/scrape\"]")
        XCTAssertEqual(ValuesPath([.key("a.b"), .key("c")]).anchor, "values[\"a.b\"].c")
        XCTAssertEqual(ValuesPath([.key("q\"x")]).description, "[\"q\\\"x\"]")
        XCTAssertEqual(ValuesPath.root.anchor, "values")
    }

    func testParsingRoundTrips() throws {
        for text in ["service.port", "ports[0].name", "a[\"b.c\"].d", "[\"a.b\"]", "m[1][2]", "x[\"\"]", "with space.k", ""] {
            let parsed = try XCTUnwrap(ValuesPath(text), text)
            XCTAssertEqual(parsed.description, text)
        }
        XCTAssertEqual(ValuesPath("a.b[3]")?.segments, [.key("a"), .key("b"), .index(3)])
        XCTAssertEqual(ValuesPath(anchor: "values.service.port"), ValuesPath("service.port"))
        XCTAssertEqual(ValuesPath(anchor: "values"), .root)
        for bad in [".a", "a.", "a..b", "a[", "a[x]", "a[-1]", "a]", "a[0]b", "a.[0]", "a[\"b]", "a\"b"] {
            XCTAssertNil(ValuesPath(bad), bad)
        }
        XCTAssertNil(ValuesPath(anchor: "service.port"))
    }

    func testPrefixAppendAndOrder() {
        let service = ValuesPath([.key("service")])
        XCTAssertEqual(service.appending(key: "port"), ValuesPath("service.port"))
        XCTAssertEqual(service.appending(index: 2).description, "service[2]")
        XCTAssertTrue(service.isPrefix(of: service.appending(key: "port")))
        XCTAssertTrue(service.isPrefix(of: service))
        XCTAssertFalse(service.appending(key: "port").isPrefix(of: service))
        XCTAssertFalse(ValuesPath("serv")!.isPrefix(of: service))
        XCTAssertEqual(ValuesPath("service.port")?.parent, service)
        let sorted = ["b", "a.z", "a", "a[1]", "a[0]", "a.b"].compactMap { ValuesPath($0) }.sorted().map(\.description)
        XCTAssertEqual(sorted, ["a", "a[0]", "a[1]", "a.b", "a.z", "b"])
    }

    func testJSONTextIsSortedAndEscaped() throws {
        let origin = SourceLocation(file: "t", line: 1, column: 1)
        let node = ValuesNode.map([
            .init(key: "z", keyLocation: origin, node: .scalar(.string("a\"b\n\u{1}"), origin: origin)),
            .init(key: "a", keyLocation: origin, node: .list([.scalar(.int(-5), origin: origin), .scalar(.null, origin: origin),
                                                              .scalar(.bool(true), origin: origin), .scalar(.float(0.5), origin: origin)],
                                                             origin: origin)),
        ], origin: origin)
        XCTAssertEqual(node.jsonText, #"{"a":[-5,null,true,0.5],"z":"a\"b\n\u0001"}"#)
    }
}

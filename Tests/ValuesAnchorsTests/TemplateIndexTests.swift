import Foundation
import ManifestModel
@testable import ValuesAnchors
import XCTest

/// The template index on the project's fixture charts: which line writes
/// which rendered key, and which values flow into it.
final class TemplateIndexTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func index(chart: String, replacing: [String: String] = [:]) throws -> TemplateIndex {
        let directory = root + "/charts-fixtures/" + chart + "/templates"
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        let files = try names.map { name in
            ("templates/" + name, "charts-fixtures/\(chart)/templates/" + name,
             try replacing[name].map { try String(contentsOfFile: root + "/" + $0, encoding: .utf8) }
                ?? String(contentsOfFile: directory + "/" + name, encoding: .utf8))
        }
        return TemplateIndex(files: files)
    }

    static func describe(_ keyPath: [SiteSegment]) -> String {
        keyPath.map { segment -> String in
            switch segment {
            case .key(let key): return key
            case .anyKey: return "*"
            case .item: return "[]"
            case .namedItem(let name): return "[name=\(name)]"
            }
        }.joined(separator: ".")
    }

    func site(_ index: TemplateIndex, _ file: String, _ path: String) throws -> TemplateSite {
        try XCTUnwrap(index.sites[file]?.first { Self.describe($0.keyPath) == path }, "\(file) has no site \(path)")
    }

    func testKeyPathsComeFromIndentationAcrossSequencesAndHelpers() throws {
        let index = try Self.index(chart: "bijux-atlas")
        let port = try site(index, "templates/service.yaml", "spec.ports.[].port")
        XCTAssertEqual(port.template.line, 16)
        XCTAssertEqual(port.valuesRead, [ValuesPath([.key("service"), .key("port")])])
        let containerPort = try site(index, "templates/deployment.yaml", "spec.template.spec.containers.[].ports.[name=http].containerPort")
        XCTAssertEqual(containerPort.valuesRead, [ValuesPath([.key("server"), .key("port")])])
        // A label written by a helper through include ... | nindent sits under the include's key.
        let label = try site(index, "templates/deployment.yaml", "metadata.labels.helm.sh/chart")
        XCTAssertEqual(label.template.file, "charts-fixtures/bijux-atlas/templates/_helpers.tpl")
        XCTAssertEqual(label.template.line, 37)
        XCTAssertEqual(label.via, ["include \"bijux-atlas.labels\""])
        let nested = try site(index, "templates/deployment.yaml", "spec.selector.matchLabels.app.kubernetes.io/instance")
        XCTAssertEqual(nested.via, ["include \"bijux-atlas.selectorLabels\""])
    }

    func testToYamlOfASubtreeIsRecordedAtItsInsertionKey() throws {
        let index = try Self.index(chart: "bijux-atlas")
        let resources = try XCTUnwrap(index.sites["templates/deployment.yaml"]?.first { $0.subtree != nil && Self.describe($0.keyPath).hasSuffix("resources") })
        XCTAssertEqual(Self.describe(resources.keyPath), "spec.template.spec.containers.[].resources")
        XCTAssertEqual(resources.subtree, [.key("resources")])
        let annotations = try XCTUnwrap(index.sites["templates/deployment.yaml"]?.first { $0.subtree == [.key("podAnnotations")] })
        XCTAssertEqual(Self.describe(annotations.keyPath), "spec.template.metadata.annotations")
    }

    func testRangeWithAndVariablesResolveRelativeReferences() throws {
        let index = try Self.index(chart: "relay")
        XCTAssertTrue(index.reads.contains([.key("service"), .key("ports"), .any, .key("port")]), "\(index.reads)")
        XCTAssertTrue(index.reads.contains([.key("service"), .key("ports"), .any, .key("enabled")]))
        XCTAssertTrue(index.reads.contains([.key("config"), .key("upstreams"), .any, .key("host")]))
        XCTAssertTrue(index.reads.contains([.key("commonLabels")]))
        XCTAssertTrue(index.reads.contains([.key("publicUrl")]))
    }

    func testAnActionInsideAKeyDoesNotCountAsTheValue() throws {
        let index = try Self.index(chart: "relay")
        let upstream = try XCTUnwrap(index.sites["templates/configmap.yaml"]?.first { $0.keyPath == [.key("data"), .anyKey] })
        let references = upstream.contributions.map(\.reference)
        XCTAssertTrue(references.contains(.values([.key("config"), .key("upstreams"), .any, .key("host")])))
        XCTAssertFalse(references.contains(.values([.key("config"), .key("upstreams"), .any, .key("name")])),
                       "the name builds the key UPSTREAM_<NAME>, not the value")
    }

    func testAValuesKeyNoTemplateReadsIsNotRead() throws {
        let index = try Self.index(chart: "bijux-atlas", replacing: [
            "deployment.yaml": "charts-fixtures/variants/unused-server-port/templates/deployment.yaml",
            "rollout.yaml": "charts-fixtures/variants/unused-server-port/templates/rollout.yaml",
        ])
        let serverReads = index.reads.filter { $0.first == .key("server") || $0.isEmpty }
        XCTAssertEqual(Set(serverReads), [[.key("server"), .key("logLevel")], [.key("server"), .key("readinessPath")]])
    }
}

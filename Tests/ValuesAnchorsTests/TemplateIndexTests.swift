import Foundation
import ManifestModel
@testable import ValuesAnchors
import XCTest

/// The template index on the project's fixture charts: which line writes
/// which rendered key, and which values flow into it.
final class TemplateIndexTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func index(chart: String) throws -> TemplateIndex {
        let directory = root + "/charts-fixtures/" + chart + "/templates"
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        let files = try names.map { name in
            ("templates/" + name, "charts-fixtures/\(chart)/templates/" + name,
             try String(contentsOfFile: directory + "/" + name, encoding: .utf8))
        }
        return TemplateIndex(files: files)
    }

    func describe(_ site: TemplateSite) -> String {
        let path = site.keyPath.map { segment -> String in
            switch segment {
            case .key(let key): return key
            case .anyKey: return "*"
            case .item: return "[]"
            }
        }.joined(separator: ".")
        let refs = site.contributions.map { "\($0.role):\($0.reference)\($0.isSubtree ? "(subtree)" : "")" }
        return "\(site.template.line) \(path) <- \(refs) via \(site.via) cond \(site.conditions.count) subtree \(String(describing: site.subtree))"
    }

    func testDumpAtlas() throws {
        let index = try Self.index(chart: "bijux-atlas")
        for (file, sites) in index.sites.sorted(by: { $0.key < $1.key }) {
            print("== \(file)")
            for site in sites { print(describe(site)) }
        }
        print(index.reads.map { "\($0)" }.sorted())
    }
}

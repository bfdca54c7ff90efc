import Foundation
import ManifestModel
import XCTest

/// Command-line inputs become a sorted list of sources, and everything left
/// out is reported.
final class InputDiscoveryTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        let manager = FileManager.default
        root = manager.temporaryDirectory.appendingPathComponent("render-check-discovery-\(UUID().uuidString)").path
        try manager.createDirectory(atPath: root + "/sub/deeper", withIntermediateDirectories: true)
        for file in ["b.yaml", "a.yml", "notes.txt", "sub/c.json", "sub/README.md", "sub/deeper/d.yaml"] {
            try Data("kind: ConfigMap\n".utf8).write(to: URL(fileURLWithPath: root + "/" + file))
        }
        try manager.createSymbolicLink(atPath: root + "/link.yaml", withDestinationPath: root + "/b.yaml")
        try manager.createSymbolicLink(atPath: root + "/dirlink", withDestinationPath: root + "/sub")
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(atPath: root)
    }

    private func paths(_ sources: [InputSource]) -> [String] {
        sources.map(\.displayName)
    }

    func testDirectoryIsSearchedRecursivelyAndSorted() {
        let result = InputDiscovery.discover([root])
        XCTAssertEqual(paths(result.sources), [
            root + "/a.yml", root + "/b.yaml", root + "/link.yaml", root + "/sub/c.json", root + "/sub/deeper/d.yaml",
        ])
        XCTAssertEqual(result.errors, [])
    }

    func testEverythingLeftOutIsReportedInPathOrder() {
        let result = InputDiscovery.discover([root])
        XCTAssertEqual(result.notices.map(\.location.file), [root + "/dirlink", root + "/notes.txt", root + "/sub/README.md"])
        XCTAssertEqual(result.notices.map(\.message),
                       ["symbolic link not followed", "not a YAML or JSON file", "not a YAML or JSON file"])
        XCTAssertEqual(result.notices.map(\.kind), [.skipped, .skipped, .skipped])
    }

    func testTrailingSlashDoesNotDoubleTheSeparator() {
        let result = InputDiscovery.discover([root + "/sub/"])
        XCTAssertEqual(paths(result.sources), [root + "/sub/c.json", root + "/sub/deeper/d.yaml"])
    }

    func testExplicitFileIsTakenWhateverItsExtension() {
        let result = InputDiscovery.discover([root + "/notes.txt"])
        XCTAssertEqual(result.sources, [.file(root + "/notes.txt")])
        XCTAssertEqual(result.notices, [])
    }

    func testArgumentsKeepTheirOrder() {
        let result = InputDiscovery.discover([root + "/sub/c.json", "-", root + "/a.yml"])
        XCTAssertEqual(result.sources, [.file(root + "/sub/c.json"), .standardInput, .file(root + "/a.yml")])
    }

    func testMissingPathIsAnError() {
        let result = InputDiscovery.discover([root + "/nope.yaml"])
        XCTAssertEqual(result.sources, [])
        XCTAssertEqual(result.errors.count, 1)
        XCTAssertEqual(result.errors.first?.stage, .io)
        XCTAssertEqual(result.errors.first?.description, "\(root)/nope.yaml:1:1: error: cannot read: No such file or directory")
    }

    func testManifestExtensions() {
        XCTAssertEqual(InputDiscovery.manifestExtensions, [".yaml", ".yml", ".json"])
    }
}

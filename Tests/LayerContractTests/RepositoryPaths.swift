import Foundation

/// Paths of the repository and of the shared reference data, found from this
/// file's location so tests run from any working directory.
enum RepositoryPaths {
    static let root: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    static func path(_ relative: String) -> String { root + "/" + relative }

    static let shared: String = URL(fileURLWithPath: root).deletingLastPathComponent()
        .appendingPathComponent("shared").path

    static var contract: String { path("ops/inventory/layers.json") }
    static var allowlist: String { path("ops/policy/layer-live-diff-allowlist.json") }
    static var stack: String { path("charts-fixtures/stack") }

    struct Variant {
        var name: String
        var directory: String
        var namespace: String
        var expectedActive: [String]
        var expectedSuppressed: [String]
    }

    static func variants() throws -> [Variant] {
        let directory = path("charts-fixtures/variants")
        return try FileManager.default.contentsOfDirectory(atPath: directory).sorted().map { name in
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name)/variant.json"))
            let json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            return Variant(name: name, directory: "\(directory)/\(name)",
                           namespace: json["namespace"] as! String,
                           expectedActive: json["expected_active"] as! [String],
                           expectedSuppressed: json["expected_suppressed"] as! [String])
        }
    }

    /// Writes `text` to a fresh temporary file and returns its path.
    static func temporaryFile(_ name: String, _ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("render-check-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(name)
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}

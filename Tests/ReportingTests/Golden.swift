import Foundation
import XCTest

/// Golden files under `Tests/ReportingTests/Golden/`, compared byte for byte.
/// `RENDER_CHECK_UPDATE_GOLDEN=1 swift test --filter ReportingTests`
/// rewrites them from the current output; review the diff and commit it.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var updating: Bool {
        ProcessInfo.processInfo.environment["RENDER_CHECK_UPDATE_GOLDEN"] == "1"
    }

    static func assertMatches(_ actual: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = directory.appendingPathComponent(name)
        let bytes = Data(actual.utf8)
        if updating {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try bytes.write(to: url)
            return
        }
        guard let expected = FileManager.default.contents(atPath: url.path) else {
            return XCTFail("no golden file \(url.path); run with RENDER_CHECK_UPDATE_GOLDEN=1 to write it",
                           file: file, line: line)
        }
        guard expected != bytes else { return }
        let expectedLines = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let common = min(expectedLines.count, actualLines.count)
        let first = (0..<common).first { expectedLines[$0] != actualLines[$0] } ?? common
        let want = first < expectedLines.count ? String(expectedLines[first]) : "<end of file>"
        let got = first < actualLines.count ? String(actualLines[first]) : "<end of file>"
        XCTFail("""
            \(name) differs from its golden file at line \(first + 1) \
            (RENDER_CHECK_UPDATE_GOLDEN=1 rewrites it):
              golden: \(want)
              actual: \(got)
            """, file: file, line: line)
    }
}

import Foundation
@testable import ValuesAnchors
import XCTest

/// The byte reading of ASCII templates and the Character reading give the
/// same lines and the same action tokens, on every template of the shared
/// public charts and the fixtures (the shared charts are skipped when absent).
final class TemplateLexerTests: XCTestCase {
    private func described(_ lines: [TemplateLexer.Line]) -> [String] {
        lines.map { line in
            "\(line.number)|\(String(line.masked))|"
                + line.actions.map { "\($0.line):\($0.column):\($0.trimsLeft):\($0.text)" }.joined(separator: "|")
        }
    }

    private func byteLines(_ text: String) -> [TemplateLexer.Line] {
        var text = text
        return text.withUTF8 { TemplateLexer.asciiLines(of: $0) }
    }

    func testBothReadingsAgreeOnEveryTemplate() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folders = [root.appendingPathComponent("../shared/charts"), root.appendingPathComponent("charts-fixtures"),
                       root.appendingPathComponent("Tests/ValuesAnchorsTests/Fixtures")]
        var compared = 0, tokenized = 0
        for folder in folders {
            guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { continue }
            for case let file as URL in walker where file.path.contains("/templates/")
                && ["yaml", "yml", "tpl", "txt"].contains(file.pathExtension) {
                guard let text = try? String(contentsOf: file, encoding: .utf8), text.utf8.allSatisfy({ $0 < 0x80 }) else { continue }
                XCTAssertEqual(described(byteLines(text)), described(TemplateLexer.characterLines(of: text)), file.path)
                for action in byteLines(text).flatMap(\.actions) {
                    XCTAssertEqual(TemplateToken.tokenize(Array(action.text.utf8)), TemplateToken.tokenize(Array(action.text)),
                                   "\(file.path):\(action.line): \(action.text)")
                    tokenized += 1
                }
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 20)
        XCTAssertGreaterThan(tokenized, 1000)
    }

    func testCRLFBreaksLinesAsLFDoes() {
        let unix = "a: 1\nb: {{ .Values.x }}\n{{- if .Values.y }}\nc: 2\n{{- end }}\n"
        let windows = unix.replacingOccurrences(of: "\n", with: "\r\n")
        let expected = described(TemplateLexer.lines(of: unix))
        XCTAssertEqual(expected.count, 6)
        XCTAssertEqual(described(TemplateLexer.lines(of: windows)), expected)
        XCTAssertEqual(described(TemplateLexer.characterLines(of: windows)), expected)
        // Not ASCII: the Character reading, with the same lines.
        let accented = "é: 1\nb: {{ .Values.x }}\n"
        XCTAssertEqual(TemplateLexer.lines(of: accented).map(\.actions.count), [0, 1, 0])
        XCTAssertEqual(TemplateLexer.lines(of: accented)[1].actions.first?.column, 4)
    }
}

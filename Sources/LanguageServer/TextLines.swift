import ManifestModel

/// One text's lines, to turn the checks' positions (1-based line, column in
/// Unicode scalars, as libyaml counts) into the protocol's (0-based line,
/// character in the negotiated unit: UTF-16 code units by default, or
/// Unicode scalars when the client accepts `utf-32`), and back.
public struct TextLines: Sendable {
    public enum Unit: String, Sendable {
        case utf16 = "utf-16"
        case utf32 = "utf-32"
    }

    private let lines: [Substring]

    public init(_ text: String) {
        var lines: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        // Split on LF, CRLF and CR, as libyaml breaks lines; the break is not part of the line.
        while index < text.endIndex {
            let character = text[index]
            if character == "\n" || character == "\r\n" || character == "\r" {
                lines.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        lines.append(text[start..<text.endIndex])
        self.lines = lines
    }

    public var count: Int { lines.count }

    /// The protocol position of a check's mark.
    public func position(_ mark: Mark, unit: Unit) -> (line: Int, character: Int) {
        let line = max(0, mark.line - 1)
        guard line < lines.count else { return (line, max(0, mark.column - 1)) }
        let scalars = lines[line].unicodeScalars.prefix(max(0, mark.column - 1))
        switch unit {
        case .utf32: return (line, scalars.count)
        case .utf16: return (line, scalars.reduce(0) { $0 + $1.utf16.count })
        }
    }

    /// The check's mark of a protocol position.
    public func mark(line: Int, character: Int, unit: Unit) -> Mark {
        guard line >= 0, line < lines.count else { return Mark(line: line + 1, column: character + 1) }
        var column = 1
        var used = 0
        for scalar in lines[line].unicodeScalars {
            let width = unit == .utf16 ? scalar.utf16.count : 1
            guard used + width <= character else { break }
            used += width
            column += 1
        }
        return Mark(line: line + 1, column: column)
    }

    /// The end of line `line` (1-based), as a mark.
    public func endOfLine(_ line: Int) -> Mark {
        guard line >= 1, line <= lines.count else { return Mark(line: line, column: 1) }
        return Mark(line: line, column: lines[line - 1].unicodeScalars.count + 1)
    }

    /// The column of the first non-blank character of `line` (1-based).
    public func firstNonBlank(_ line: Int) -> Mark {
        guard line >= 1, line <= lines.count else { return Mark(line: line, column: 1) }
        let leading = lines[line - 1].unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count
        return Mark(line: line, column: leading + 1)
    }
}

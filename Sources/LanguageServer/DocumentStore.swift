import ManifestModel

/// The documents the editor has open, as it holds them (unsaved edits
/// included), by normalized absolute path.
public struct DocumentStore: Sendable {
    public struct Document: Sendable {
        public var uri: String
        public var path: String
        public var version: Int64
        public var text: String
        public var lines: TextLines

        init(uri: String, path: String, version: Int64, text: String) {
            self.uri = uri
            self.path = path
            self.version = version
            self.text = text
            self.lines = TextLines(text)
        }
    }

    private(set) var documents: [String: Document] = [:]

    public init() {}

    public subscript(path: String) -> Document? { documents[path] }

    public var paths: [String] { documents.keys.sorted() }

    public mutating func open(uri: String, path: String, version: Int64, text: String) {
        documents[path] = Document(uri: uri, path: path, version: version, text: text)
    }

    public mutating func close(path: String) {
        documents[path] = nil
    }

    /// Applies `textDocument/didChange` content changes in order: a change
    /// with a range replaces that range, one without replaces the whole text.
    public mutating func change(path: String, version: Int64, changes: [(range: (start: (Int, Int), end: (Int, Int))?, text: String)],
                                unit: TextLines.Unit) -> Bool {
        guard var document = documents[path] else { return false }
        for change in changes {
            guard let range = change.range else {
                document.text = change.text
                document.lines = TextLines(document.text)
                continue
            }
            let start = document.lines.mark(line: range.start.0, character: range.start.1, unit: unit)
            let end = document.lines.mark(line: range.end.0, character: range.end.1, unit: unit)
            guard let from = Self.index(of: start, in: document.text), let to = Self.index(of: end, in: document.text),
                  from <= to else { return false }
            document.text.unicodeScalars.replaceSubrange(from..<to, with: change.text.unicodeScalars)
            document.lines = TextLines(document.text)
        }
        document.version = version
        documents[path] = document
        return true
    }

    /// The string index of a mark (line and scalar column, 1-based); the end
    /// of the text for a mark just past the last line.
    static func index(of mark: Mark, in text: String) -> String.Index? {
        var line = 1
        var index = text.unicodeScalars.startIndex
        let scalars = text.unicodeScalars
        while line < mark.line {
            guard index < scalars.endIndex else { return nil }
            let scalar = scalars[index]
            index = scalars.index(after: index)
            if scalar == "\r", index < scalars.endIndex, scalars[index] == "\n" {
                index = scalars.index(after: index)
                line += 1
            } else if scalar == "\n" || scalar == "\r" {
                line += 1
            }
        }
        var column = 1
        while column < mark.column, index < scalars.endIndex, scalars[index] != "\n", scalars[index] != "\r" {
            index = scalars.index(after: index)
            column += 1
        }
        return index
    }
}

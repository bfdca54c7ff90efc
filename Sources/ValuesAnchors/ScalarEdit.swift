import ManifestModel

/// A change to one scalar of a values file, in its bytes: the value after
/// the key at `key` becomes `replacement`, and nothing else in the file moves
/// (comments, key order, indentation and a string's quoting are kept).
///
/// The edit is found by parsing the file's bytes through the project's
/// parser, so it lands on the node libyaml read, and it is checked by
/// parsing the result again: an edit that would not read back as the wanted
/// value is refused, never written.
public struct ScalarEdit: Sendable, Hashable {
    /// The key the value belongs to (the owner's line and column).
    public var key: SourceLocation
    /// Where the old scalar sits (start inclusive, end exclusive; 1-based, Unicode scalar columns).
    public var span: Span
    /// Byte offsets of the old scalar in the file.
    public var byteRange: Range<Int>
    public var original: String
    public var replacement: String

    /// Why an edit cannot be made.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public var problem: String
        public var location: SourceLocation
        public var description: String { "\(location): \(problem)" }
    }

    /// The edit that sets the value of the key at `key` in `bytes` (the whole
    /// values file, named `key.file`) to `value`.
    public static func make(in bytes: [UInt8], key: SourceLocation, to value: ScalarValue,
                            limits: ParseLimits = .default) throws(Refusal) -> ScalarEdit {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLStreamParser.documents(.bytes(bytes, name: key.file), limits: limits)
        } catch {
            throw Refusal(problem: "the values file does not parse: \(error.problem)", location: error.location)
        }
        var found: (YAMLDocument, NodeID)?
        for document in documents {
            if let root = document.root, let node = valueNode(forKeyAt: key.span.start, in: document, root) {
                found = (document, node)
            }
        }
        guard let (document, node) = found else {
            throw Refusal(problem: "no key starts here in the file as it is now", location: key)
        }
        let place = document.location(node)
        guard document.kind(node) == .scalar else {
            throw Refusal(problem: document.kind(node) == .alias ? "the value is an alias; change its anchor instead"
                                                                 : "the value is not a scalar", location: place)
        }
        let style = document.scalarStyle(node)
        guard style == .plain || style == .singleQuoted || style == .doubleQuoted, place.span.start.line == place.span.end.line else {
            throw Refusal(problem: "only a one-line plain or quoted scalar is edited in place", location: place)
        }
        let lines = LineOffsets(bytes)
        guard let start = lines.offset(of: place.span.start), let end = lines.offset(of: place.span.end), start <= end else {
            throw Refusal(problem: "the value's position is outside the file", location: place)
        }
        let original = String(decoding: bytes[start..<end], as: UTF8.self)
        let replacement = try text(for: value, style: style, at: place)
        let edit = ScalarEdit(key: key, span: place.span, byteRange: start..<end, original: original, replacement: replacement)
        do {
            try edit.verify(bytes, value: value, limits: limits)
        } catch {
            // A plain string that reads back as something else (`8080`, `true`) is quoted.
            guard case .string(let string) = value, style == .plain else { throw error }
            var quoted = edit
            quoted.replacement = JSONText.quoted(string)
            try quoted.verify(bytes, value: value, limits: limits)
            return quoted
        }
        return edit
    }

    /// `bytes` with the edit made.
    public func applied(to bytes: [UInt8]) -> [UInt8] {
        var result = Array(bytes[..<byteRange.lowerBound])
        result += Array(replacement.utf8)
        result += bytes[byteRange.upperBound...]
        return result
    }

    /// Several edits of one file, made from the last to the first so that
    /// earlier offsets stay true. Overlapping edits are a programming error
    /// the caller avoids by giving one edit per key.
    public static func apply(_ edits: [ScalarEdit], to bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        for edit in edits.sorted(by: { $0.byteRange.lowerBound > $1.byteRange.lowerBound }) {
            result = edit.applied(to: result)
        }
        return result
    }

    // MARK: - Finding the value

    /// The value node of the mapping pair whose key starts at `mark`.
    private static func valueNode(forKeyAt mark: Mark, in document: YAMLDocument, _ id: NodeID) -> NodeID? {
        switch document.kind(id) {
        case .mapping:
            for (key, value) in zip(document.keys(id), document.values(id)) {
                if document.span(key).start == mark { return value }
                if let found = valueNode(forKeyAt: mark, in: document, value) { return found }
            }
        case .sequence:
            for item in document.items(id) {
                if let found = valueNode(forKeyAt: mark, in: document, item) { return found }
            }
        case .scalar, .alias:
            break
        }
        return nil
    }

    // MARK: - Writing the value

    /// The new scalar's text in the old scalar's quoting.
    private static func text(for value: ScalarValue, style: ScalarStyle, at place: SourceLocation) throws(Refusal) -> String {
        let plain: String
        switch value {
        case .int(let number): plain = String(number)
        case .bool(let flag): plain = flag ? "true" : "false"
        case .string(let text): plain = text
        case .float, .null:
            throw Refusal(problem: "the contract's value is not a number, string or boolean", location: place)
        }
        // Quotes are kept for a string; a number or boolean in quotes would
        // stay a string and still differ from the contract, so it is written plain.
        guard case .string = value else { return plain }
        switch style {
        case .singleQuoted:
            return "'" + plain.replacingAll("'", with: "''") + "'"
        case .doubleQuoted:
            return JSONText.quoted(plain)
        default:
            // A string that would read back as something else is quoted.
            if case .string(let text) = value, !readsBackPlain(text) { return JSONText.quoted(text) }
            return plain
        }
    }

    private static func readsBackPlain(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        let indicators: Set<Unicode.Scalar> = ["-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`", " "]
        if indicators.contains(first) || last == " " || text.contains(": ") || text.contains(" #") { return false }
        return !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    /// Parses the edited bytes and checks the key now holds `value`.
    private func verify(_ bytes: [UInt8], value: ScalarValue, limits: ParseLimits) throws(Refusal) {
        let edited = applied(to: bytes)
        let documents: [YAMLDocument]
        do {
            documents = try YAMLStreamParser.documents(.bytes(edited, name: key.file), limits: limits)
        } catch {
            throw Refusal(problem: "the edit would not parse: \(error.problem)", location: key)
        }
        var readBack: ScalarValue?
        for document in documents {
            if let root = document.root, let node = Self.valueNode(forKeyAt: key.span.start, in: document, root) {
                readBack = document.value(document.resolved(node))
            }
        }
        let matches = readBack == value
        guard matches else {
            throw Refusal(problem: "the edit would not read back as \(value)", location: key)
        }
    }
}

private extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }
}

internal import CYaml
#if canImport(Glibc)
import Glibc
#endif

/// Pulls one document at a time from a YAML stream through libyaml's event
/// API and builds it into a positioned `YAMLDocument`. Owns the libyaml
/// parser and the input; both are released in `deinit`.
public final class YAMLStreamParser {
    public let name: String
    public let limits: ParseLimits

    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let feed: InputFeed
    /// Reused from document to document; nil only while a document is read.
    private var builder: DocumentBuilder?
    private var finished = false
    private var documentIndex = 0
    private var previousDocumentEndLine = 0
    /// Lines of the stream before the bytes this parser reads.
    private let lineOffset: Int
    /// Whether each document gets blocks of its own size (it is kept while
    /// the documents after it are read).
    private let compactDocuments: Bool
    /// The line the stream ended on (1-based), once its end is read.
    private(set) var endLine: Int?

    /// Opens the input. Throws a positioned `YAMLError` if it cannot be read.
    public convenience init(_ source: InputSource, limits: ParseLimits = .default) throws(YAMLError) {
        let feed: InputFeed
        switch source {
        case .file(let path):
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw YAMLError(stage: .io, problem: "cannot open: \(String(cString: strerror(errno)))",
                                location: SourceLocation(file: path, line: 1, column: 1))
            }
            feed = InputFeed(descriptor: descriptor, ownsDescriptor: true, maxDocumentBytes: limits.maxDocumentBytes)
        case .standardInput:
            feed = InputFeed(descriptor: 0, ownsDescriptor: false, maxDocumentBytes: limits.maxDocumentBytes)
        case .bytes(let bytes, _):
            feed = InputFeed(bytes: bytes, maxDocumentBytes: limits.maxDocumentBytes)
        }
        try self.init(feed: feed, name: source.displayName, limits: limits)
    }

    /// Reads a piece of a larger stream that starts where a document starts
    /// (`---` at the start of line `lineOffset + 1`): positions are the
    /// stream's, as if it had been read from its beginning.
    init(feed: InputFeed, name: String, limits: ParseLimits, lineOffset: Int = 0,
         compactDocuments: Bool = false) throws(YAMLError) {
        self.name = name
        self.limits = limits
        self.feed = feed
        self.lineOffset = lineOffset
        self.compactDocuments = compactDocuments
        // Read from the start, the document before this piece ended on its `---` line.
        previousDocumentEndLine = lineOffset == 0 ? 0 : lineOffset + 1
        builder = DocumentBuilder(file: name, limits: limits)
        parser = .allocate(capacity: 1)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            throw YAMLError(stage: .io, problem: "libyaml could not allocate a parser",
                            location: SourceLocation(file: name, line: 1, column: 1))
        }
        yaml_parser_set_input(parser, { data, buffer, size, sizeRead in
            guard let data, let buffer, let sizeRead else { return 0 }
            let feed = Unmanaged<InputFeed>.fromOpaque(data).takeUnretainedValue()
            return feed.read(into: buffer, capacity: size, count: sizeRead)
        }, Unmanaged.passUnretained(feed).toOpaque())
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    /// The next document of the stream, or nil at its end. After an error the
    /// stream is finished: libyaml cannot resume past a syntax error.
    public func nextDocument() throws(YAMLError) -> YAMLDocument? {
        guard !finished, var builder = builder.take() else { return nil }
        // The builder works as a local, not through the class property, so no
        // access check or copy touches the per-event path.
        defer { self.builder = builder }
        do throws(YAMLError) {
            var inDocument = false
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(parser, &event) == 1 else { throw parserError() }
                defer { yaml_event_delete(&event) }
                // Scalars are most events: test for them first, so the common
                // path is one predictable branch rather than a jump table.
                if event.type == YAML_SCALAR_EVENT {
                    guard inDocument else { continue }
                    let scalar = event.data.scalar
                    try builder.addScalar(
                        value: UnsafeBufferPointer(start: scalar.value, count: scalar.length),
                        style: scalarStyle(scalar.style),
                        tag: scalar.tag, anchor: scalar.anchor,
                        start: position(event.start_mark), end: position(event.end_mark))
                    continue
                }
                switch event.type {
                case YAML_MAPPING_START_EVENT:
                    guard inDocument else { continue }
                    let mapping = event.data.mapping_start
                    try builder.openCollection(kind: .mapping,
                                               style: mapping.style == YAML_FLOW_MAPPING_STYLE ? .flow : .block,
                                               tag: mapping.tag, anchor: mapping.anchor, start: position(event.start_mark))
                case YAML_SEQUENCE_START_EVENT:
                    guard inDocument else { continue }
                    let sequence = event.data.sequence_start
                    try builder.openCollection(kind: .sequence,
                                               style: sequence.style == YAML_FLOW_SEQUENCE_STYLE ? .flow : .block,
                                               tag: sequence.tag, anchor: sequence.anchor, start: position(event.start_mark))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard inDocument else { continue }
                    builder.closeCollection(end: position(event.end_mark))
                case YAML_ALIAS_EVENT:
                    guard inDocument else { continue }
                    try builder.addAlias(anchor: event.data.alias.anchor,
                                         start: position(event.start_mark), end: position(event.end_mark))
                case YAML_DOCUMENT_START_EVENT:
                    feed.documentStartBytes = feed.totalBytes
                    builder.begin(start: mark(event.start_mark),
                                  explicitStart: event.data.document_start.implicit == 0)
                    inDocument = true
                case YAML_DOCUMENT_END_EVENT:
                    guard inDocument else { continue }
                    let end = mark(event.end_mark)
                    let document = builder.finish(
                        index: documentIndex, end: end,
                        explicitEnd: event.data.document_end.implicit == 0,
                        source: sourceComment(before: builder.rootStartLine ?? end.line),
                        compact: compactDocuments)
                    documentIndex += 1
                    previousDocumentEndLine = end.line
                    feed.scanner.discard(before: end.line)
                    return document
                case YAML_STREAM_END_EVENT:
                    finished = true
                    endLine = mark(event.end_mark).line
                    return nil
                default:
                    continue
                }
            }
        } catch {
            finished = true
            throw error
        }
    }

    /// The `# Source:` comment between the previous document and this one's root.
    private func sourceComment(before rootLine: Int) -> Located<String>? {
        let lower = previousDocumentEndLine
        guard rootLine > lower,
              let comment = feed.scanner.source(inLines: lower..<rootLine) else { return nil }
        let startMark = Mark(line: comment.line, column: comment.column)
        let endMark = Mark(line: comment.line, column: comment.column + 10 + comment.text.unicodeScalars.count)
        return Located(comment.text, at: SourceLocation(file: name, span: Span(start: startMark, end: endMark)))
    }

    private func parserError() -> YAMLError {
        let problem = parser.pointee.problem.map { String(cString: $0) } ?? "unknown libyaml error"
        switch feed.failure {
        case .documentTooLarge:
            return YAMLError(stage: .limit,
                             problem: "document is larger than the limit of \(limits.maxDocumentBytes) bytes (--max-document-bytes)",
                             location: SourceLocation(file: name, span: spanAt(feed.scanner.mark(ofOffset: feed.totalBytes))))
        case .io(let code):
            return YAMLError(stage: .io, problem: "read failed: \(String(cString: strerror(code)))",
                             location: SourceLocation(file: name, span: spanAt(feed.scanner.mark(ofOffset: feed.totalBytes))))
        case nil:
            break
        }
        switch parser.pointee.error {
        case YAML_READER_ERROR:
            var text = problem
            let value = parser.pointee.problem_value
            if value >= 0 { text += " (byte 0x\(String(value, radix: 16)))" }
            return YAMLError(stage: .reader, problem: text,
                             location: SourceLocation(file: name, span: spanAt(feed.scanner.mark(ofOffset: parser.pointee.problem_offset))))
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR:
            let context = parser.pointee.context.map { String(cString: $0) }
            let contextLocation = context == nil ? nil
                : SourceLocation(file: name, span: spanAt(mark(parser.pointee.context_mark)))
            return YAMLError(stage: parser.pointee.error == YAML_SCANNER_ERROR ? .scanner : .parser,
                             problem: problem,
                             location: SourceLocation(file: name, span: spanAt(mark(parser.pointee.problem_mark))),
                             context: context, contextLocation: contextLocation)
        default:
            return YAMLError(stage: .parser, problem: problem,
                             location: SourceLocation(file: name, span: spanAt(mark(parser.pointee.problem_mark))))
        }
    }

    private func spanAt(_ mark: Mark) -> Span { Span(start: mark, end: mark) }

    private func mark(_ mark: yaml_mark_t) -> Mark {
        Mark(line: mark.line + 1 + lineOffset, column: mark.column + 1)
    }

    @inline(__always)
    private func position(_ mark: yaml_mark_t) -> ArenaMark {
        // libyaml's marks are 0-based and never negative; past Int32.max they clamp.
        ArenaMark(line: Int32(truncatingIfNeeded: Swift.min(mark.line &+ lineOffset, Int(Int32.max) - 1) &+ 1),
                  column: Int32(truncatingIfNeeded: Swift.min(mark.column, Int(Int32.max) - 1) &+ 1))
    }

    private func scalarStyle(_ style: yaml_scalar_style_t) -> ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }
}

extension YAMLStreamParser {
    /// Reads every document of an input; for tests and small inputs. Strict
    /// JSON is built without libyaml's scanner (`StrictJSONReader`), to the
    /// same tree.
    public static func documents(_ source: InputSource, limits: ParseLimits = .default) throws(YAMLError) -> [YAMLDocument] {
        switch source {
        case .bytes(let bytes, let name):
            if let document = StrictJSONReader.document(bytes, name: name, limits: limits) { return [document] }
        case .file(let path):
            // Unreadable or large files stream, and report what stops them there.
            if let bytes = try? FileBytes.read(path, limit: min(limits.maxDocumentBytes, 1 << 20)) {
                return try documents(.bytes(bytes, name: path), limits: limits)
            }
        case .standardInput:
            break
        }
        return try libyamlDocuments(source, limits: limits)
    }

    /// Every document of an input as libyaml's events give it.
    static func libyamlDocuments(_ source: InputSource, limits: ParseLimits = .default) throws(YAMLError) -> [YAMLDocument] {
        let parser = try YAMLStreamParser(source, limits: limits)
        var documents: [YAMLDocument] = []
        while let document = try parser.nextDocument() { documents.append(document) }
        return documents
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The documents of an input, in order, as one `YAMLStreamParser` would read
/// them, but a large file is read on every core: it is cut into pieces at
/// lines that start a document, `---` at the start of a line, which no
/// scalar, comment or flow collection can hold (libyaml ends a plain or
/// block scalar there and fails a quoted one or a flow collection), and the
/// pieces are parsed four at a time on all cores, each by its own parser
/// that places its nodes on the stream's lines.
///
/// Whatever the pieces cannot promise is read as one stream from where the
/// doubt starts, so documents, positions and errors are always those of a
/// reading from the start: a piece that fails (the message could differ at
/// a cut), a `%` directive (it belongs to the next document), a document
/// longer than `longestPiece` pieces, or line breaks libyaml counts and a
/// count of line feeds does not (a lone carriage return, NEL, LS, PS), seen
/// when a piece ends on another line than the cut it was given. No cut is
/// made after a `...` marker: the comments after it are the next document's.
public final class DocumentStream {
    /// About how many bytes a piece holds. Its documents are kept until read
    /// (in blocks of their own size), `piecesAtOnce` pieces at a time.
    public static let defaultPieceBytes = 1 << 20
    /// A document longer than a piece makes a piece of its own, up to this
    /// many pieces' bytes; past that the rest is read as one stream.
    static let longestPiece = 64
    /// Pieces parsed together: more than the cores, so that one long piece
    /// does not leave a core idle.
    static let piecesAtOnce = 4

    private struct Piece: Sendable {
        var bytes: [UInt8]
        var start: Int
        var lineOffset: Int
    }

    private struct Parsed: Sendable {
        var documents: [YAMLDocument] = []
        /// The line the piece ended on; nil when it failed.
        var endLine: Int?
    }

    public let name: String
    private let limits: ParseLimits
    private let pieceBytes: Int
    /// The file, when it is read in pieces; -1 otherwise.
    private let descriptor: Int32
    private let size: Int
    /// Where the next piece starts, and the lines before it.
    private var offset = 0
    private var lineOffset = 0
    private var ready: [YAMLDocument] = []
    private var readyPosition = 0
    /// Set once the rest is read as one stream.
    private var sequential: YAMLStreamParser?
    private var documentIndex = 0
    /// Pieces parsed so far, and the byte where reading as one stream began
    /// (0 for a small file or another kind of input): what the reading did,
    /// for tests and for a benchmark to show.
    public private(set) var piecesParsed = 0
    public private(set) var oneStreamFrom: Int?

    /// Opens the input. Throws a positioned `YAMLError` if it cannot be read.
    /// A file shorter than two pieces is read as one stream.
    public init(_ source: InputSource, limits: ParseLimits = .default,
                pieceBytes: Int = DocumentStream.defaultPieceBytes) throws(YAMLError) {
        name = source.displayName
        self.limits = limits
        self.pieceBytes = Swift.max(pieceBytes, 64)
        var status = stat()
        if case .file(let path) = source, case let opened = open(path, O_RDONLY | O_CLOEXEC), opened >= 0 {
            if fstat(opened, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) >= 2 * self.pieceBytes {
                descriptor = opened
                size = Int(status.st_size)
                return
            }
            descriptor = -1
            size = 0
            oneStreamFrom = 0
            // Read as one stream from the descriptor already open.
            let feed = InputFeed(descriptor: opened, ownsDescriptor: true, maxDocumentBytes: limits.maxDocumentBytes)
            sequential = try YAMLStreamParser(feed: feed, name: name, limits: limits)
            return
        }
        descriptor = -1
        size = 0
        oneStreamFrom = 0
        sequential = try YAMLStreamParser(source, limits: limits)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// The next document, or nil at the end; after an error, nil.
    public func nextDocument() throws(YAMLError) -> YAMLDocument? {
        while true {
            if readyPosition < ready.count {
                let document = ready[readyPosition].renumbered(documentIndex)
                readyPosition += 1
                documentIndex += 1
                return document
            }
            if let sequential {
                guard let document = try sequential.nextDocument() else { return nil }
                documentIndex += 1
                return document.renumbered(documentIndex - 1)
            }
            guard offset < size else { return nil }
            try readPieces()
        }
    }

    /// Cuts and parses the next pieces; or, where a piece cannot be
    /// trusted, starts reading the rest as one stream.
    private func readPieces() throws(YAMLError) {
        ready.removeAll(keepingCapacity: true)
        readyPosition = 0
        var pieces: [Piece] = []
        var position = offset, line = lineOffset
        while pieces.count < Self.piecesAtOnce, position < size, let bytes = cut(at: position) {
            pieces.append(Piece(bytes: bytes, start: position, lineOffset: line))
            position += bytes.count
            line += bytes.withUnsafeBufferPointer { SourceCommentScanner.countNewlines($0, 0..<$0.count) }
        }
        let name = self.name, limits = self.limits
        let results = Parallel.map(pieces) { piece in Self.parse(piece, name: name, limits: limits) }
        piecesParsed += pieces.count
        for (number, piece) in pieces.enumerated() {
            let result = results[number]
            guard let endLine = result.endLine else {
                try readRest(from: piece.start, lineOffset: piece.lineOffset)
                return
            }
            ready.append(contentsOf: result.documents)
            offset = piece.start + piece.bytes.count
            lineOffset = endLine - 1
            let counted = number + 1 < pieces.count ? pieces[number + 1].lineOffset : line
            if lineOffset != counted {
                try readRest(from: offset, lineOffset: lineOffset)
                return
            }
        }
        if pieces.isEmpty { try readRest(from: offset, lineOffset: lineOffset) }
    }

    private static func parse(_ piece: Piece, name: String, limits: ParseLimits) -> Parsed {
        var parsed = Parsed()
        do {
            let parser = try YAMLStreamParser(feed: InputFeed(bytes: piece.bytes, maxDocumentBytes: limits.maxDocumentBytes,
                                                              firstLine: piece.lineOffset + 1),
                                              name: name, limits: limits, lineOffset: piece.lineOffset,
                                              compactDocuments: true)
            while let document = try parser.nextDocument() { parsed.documents.append(document) }
            parsed.endLine = parser.endLine
        } catch {
            return Parsed()  // no end line: the rest is read as one stream from this piece
        }
        return parsed
    }

    /// The rest of the file from byte `start` (the start of line
    /// `lineOffset + 1`), read as one stream.
    private func readRest(from start: Int, lineOffset: Int) throws(YAMLError) {
        offset = size
        oneStreamFrom = start
        guard lseek(descriptor, off_t(start), SEEK_SET) == off_t(start) else {
            throw YAMLError(stage: .io, problem: "cannot seek: \(String(cString: strerror(errno)))",
                            location: SourceLocation(file: name, line: lineOffset + 1, column: 1))
        }
        let feed = InputFeed(descriptor: descriptor, ownsDescriptor: false, maxDocumentBytes: limits.maxDocumentBytes,
                             firstLine: lineOffset + 1)
        sequential = try YAMLStreamParser(feed: feed, name: name, limits: limits, lineOffset: lineOffset)
    }

    /// The bytes from `start` to the last document start within a piece's
    /// length (to the end of the file when it is nearer), the piece made
    /// longer while it holds no document start; nil when no cut can be
    /// trusted there.
    private func cut(at start: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        var length = pieceBytes
        while length <= pieceBytes * Self.longestPiece {
            let wanted = Swift.min(length, size - start)
            // Only the bytes past those already read.
            let have = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: wanted - have))
            let read = bytes.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + have, wanted - have, off_t(start + have))
            }
            guard read == wanted - have else { return nil }
            var end = wanted
            if start + wanted < size {
                guard let boundary = Self.lastDocumentStart(in: bytes) else {
                    length *= 2
                    continue
                }
                end = boundary
            }
            guard !Self.hasDirective(bytes, before: end) else { return nil }
            bytes.removeSubrange(end...)
            return bytes
        }
        return nil
    }

    /// The offset of the last line `---` followed by a blank or a line
    /// break, past the first byte, where the document before it does not end
    /// with `...` (the comments after that marker are the next document's
    /// `# Source:`, and the piece would not see them).
    private static func lastDocumentStart(in bytes: [UInt8]) -> Int? {
        var index = bytes.count - 4
        while index > 0 {
            if bytes[index - 1] == UInt8(ascii: "\n"), isMarker(bytes, at: index, UInt8(ascii: "-")),
               !endsWithDocumentEnd(bytes, before: index) {
                return index
            }
            index -= 1
        }
        return nil
    }

    /// `---` or `...` at `index`, followed by a blank or a line break.
    private static func isMarker(_ bytes: [UInt8], at index: Int, _ dash: UInt8) -> Bool {
        guard index + 3 < bytes.count, bytes[index] == dash, bytes[index + 1] == dash, bytes[index + 2] == dash else {
            return false
        }
        switch bytes[index + 3] {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): return true
        default: return false
        }
    }

    /// Whether the last line before `lineStart` that is neither blank nor a
    /// comment is a `...` marker.
    private static func endsWithDocumentEnd(_ bytes: [UInt8], before lineStart: Int) -> Bool {
        var end = lineStart - 1  // the line feed ending the previous line
        while end > 0 {
            var start = end
            while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
            var first = start
            while first < end, bytes[first] == UInt8(ascii: " ") || bytes[first] == UInt8(ascii: "\t")
                || bytes[first] == UInt8(ascii: "\r") { first += 1 }
            if first < end, bytes[first] != UInt8(ascii: "#") { return isMarker(bytes, at: start, UInt8(ascii: ".")) }
            end = start - 1
        }
        return false
    }

    /// Whether a line in `bytes[..<end]` starts with `%`.
    private static func hasDirective(_ bytes: [UInt8], before end: Int) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, end > 0 else { return false }
            var from = 0
            while from < end, let found = memchr(base + from, Int32(UInt8(ascii: "%")), end - from) {
                let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if index == 0 || base[index - 1] == UInt8(ascii: "\n") { return true }
                from = index + 1
            }
            return false
        }
    }
}

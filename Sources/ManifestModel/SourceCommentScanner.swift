/// Watches the raw bytes on their way into libyaml, which drops comments, to
/// keep two things: the `# Source: <template>` lines Helm writes between
/// documents, and enough of the recent input to turn a reader error's byte
/// offset into a line and column.
struct SourceCommentScanner {
    struct Comment {
        var line: Int
        var column: Int
        var text: String
    }

    private static let prefix: [UInt8] = Array("# Source:".utf8)
    private static let maxCommentBytes = 4096

    private(set) var comments: [Comment] = []
    /// Line of the next byte to be scanned.
    private var line = 1
    private var atLineStart = true
    private var capturing = false
    private var captureLine = 0
    private var capture: [UInt8] = []
    private var offset = 0

    private var recent = RecentChunk()
    private var older = RecentChunk()

    /// The last bytes scanned, kept so a reader error can be positioned.
    private struct RecentChunk {
        var bytes: [UInt8] = []
        var startOffset = 0
        var startLine = 1
        var startColumn = 1
    }

    mutating func scan(_ chunk: UnsafeBufferPointer<UInt8>) {
        older = recent
        recent.bytes.removeAll(keepingCapacity: true)
        recent.bytes.append(contentsOf: chunk)
        recent.startOffset = offset
        recent.startLine = line
        recent.startColumn = columnAtEnd(of: older)

        var position = 0
        if offset == 0, chunk.count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF {
            position = 3
            // libyaml does not count the byte-order mark as a column: start one
            // column early so that the mark's lead byte brings the count to 1.
            recent.startColumn = 0
        }
        while position < chunk.count {
            if atLineStart {
                atLineStart = false
                if chunk[position] == UInt8(ascii: "#") {
                    capturing = true
                    captureLine = line
                    capture.removeAll(keepingCapacity: true)
                }
            }
            let newline = firstNewline(chunk, from: position)
            let lineEnd = newline ?? chunk.count
            if capturing, capture.count < Self.maxCommentBytes {
                let take = min(lineEnd - position, Self.maxCommentBytes - capture.count)
                capture.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[position..<position + take]))
            }
            guard let newline else { break }
            if capturing { finishCapture() }
            line += 1
            atLineStart = true
            position = newline + 1
        }
        offset += chunk.count
    }

    mutating func finish() {
        if capturing { finishCapture() }
    }

    /// The last `# Source:` comment on a line in `lines`, if any.
    func source(inLines lines: Range<Int>) -> Comment? {
        comments.last { lines.contains($0.line) }
    }

    /// Forgets comments before `line`: documents before it are done.
    mutating func discard(before line: Int) {
        if let keep = comments.firstIndex(where: { $0.line >= line }) {
            if keep > 0 { comments.removeFirst(keep) }
        } else {
            comments.removeAll(keepingCapacity: true)
        }
    }

    /// Line and column (1-based, columns in Unicode scalars) of a byte offset
    /// in the stream, when it falls in the last two chunks scanned.
    func mark(ofOffset target: Int) -> Mark {
        for chunk in [recent, older] where target >= chunk.startOffset && target <= chunk.startOffset + chunk.bytes.count {
            var line = chunk.startLine
            var column = chunk.startColumn
            for byte in chunk.bytes[0..<(target - chunk.startOffset)] {
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            return Mark(line: line, column: column)
        }
        return Mark(line: line, column: 1)
    }

    private func columnAtEnd(of chunk: RecentChunk) -> Int {
        guard !chunk.bytes.isEmpty else { return 1 }
        var column = chunk.startColumn
        for byte in chunk.bytes {
            if byte == UInt8(ascii: "\n") {
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return column
    }

    private mutating func finishCapture() {
        capturing = false
        guard capture.starts(with: Self.prefix) else { return }
        var text = capture[Self.prefix.count...]
        while let first = text.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { text = text.dropFirst() }
        while let last = text.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") || last == UInt8(ascii: "\r") {
            text = text.dropLast()
        }
        guard !text.isEmpty else { return }
        comments.append(Comment(line: captureLine, column: 1, text: String(decoding: text, as: UTF8.self)))
    }

    private func firstNewline(_ chunk: UnsafeBufferPointer<UInt8>, from position: Int) -> Int? {
        guard let base = chunk.baseAddress, position < chunk.count else { return nil }
        guard let found = memchr(base + position, Int32(UInt8(ascii: "\n")), chunk.count - position) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    private var line: Int
    private var atLineStart = true
    private var capturing = false
    private var captureLine = 0
    private var capture: [UInt8] = []
    private var offset = 0
    /// How many bytes of a leading byte-order mark have been seen.
    private var byteOrderMarkSeen = 0

    private var recent = RecentChunk()
    private var older = RecentChunk()

    /// `firstLine`: the line the bytes start on (a piece of a larger stream
    /// starts at one of its lines).
    init(firstLine: Int = 1) {
        line = firstLine
    }

    /// The last bytes scanned, kept so a reader error can be positioned.
    private struct RecentChunk {
        var bytes: [UInt8] = []
        var startOffset = 0
        var startLine = 1
        var startColumn = 1
        /// Column just after the chunk's last byte.
        var endColumn = 1
    }

    mutating func scan(_ chunk: UnsafeBufferPointer<UInt8>) {
        swap(&older, &recent)
        recent.bytes = Array(unsafeUninitializedCapacity: chunk.count) { buffer, count in
            if let source = chunk.baseAddress, chunk.count > 0 {
                buffer.baseAddress!.initialize(from: source, count: chunk.count)
            }
            count = chunk.count
        }
        recent.startOffset = offset
        recent.startLine = line
        recent.startColumn = older.bytes.isEmpty ? 1 : older.endColumn

        // A byte-order mark is not part of the first line (it may arrive in
        // pieces when the input comes from a pipe).
        var position = 0
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        while offset + position < 3, position < chunk.count, byteOrderMarkSeen == offset + position,
              chunk[position] == byteOrderMark[offset + position] {
            byteOrderMarkSeen += 1
            position += 1
        }
        if offset == 0, position > 0 {
            // libyaml does not count the byte-order mark as a column: start one
            // column early so that the mark's lead byte brings the count to 1.
            recent.startColumn = 0
        }
        // Lines are counted a word at a time; only lines that start with `#`
        // are looked at byte by byte (comments are rare in rendered output).
        while position < chunk.count {
            if capturing {
                let newline = firstByte(UInt8(ascii: "\n"), in: chunk, from: position)
                let lineEnd = newline ?? chunk.count
                if capture.count < Self.maxCommentBytes {
                    let take = min(lineEnd - position, Self.maxCommentBytes - capture.count)
                    capture.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[position..<position + take]))
                }
                guard let newline else {
                    position = chunk.count
                    break
                }
                finishCapture()
                line += 1
                atLineStart = true
                position = newline + 1
                continue
            }
            // The next `#` that starts a line, counting the lines before it.
            var hash = position
            var found: Int?
            while let candidate = firstByte(UInt8(ascii: "#"), in: chunk, from: hash) {
                if candidate == position ? atLineStart : chunk[candidate - 1] == UInt8(ascii: "\n") {
                    found = candidate
                    break
                }
                hash = candidate + 1
            }
            let end = found ?? chunk.count
            let newlines = Self.countNewlines(chunk, position..<end)
            line += newlines
            if let found {
                capturing = true
                captureLine = line
                capture.removeAll(keepingCapacity: true)
                position = found
            } else {
                if end > position { atLineStart = chunk[end - 1] == UInt8(ascii: "\n") }
                position = end
            }
        }
        offset += chunk.count
        recent.endColumn = Self.columnAfter(chunk, startColumn: recent.startColumn)
    }

    /// The column after the last byte of `chunk`: only the bytes after its
    /// last line break count.
    private static func columnAfter(_ chunk: UnsafeBufferPointer<UInt8>, startColumn: Int) -> Int {
        guard let base = chunk.baseAddress, !chunk.isEmpty else { return startColumn }
        var column = startColumn
        var from = chunk.count
        while from > 0, base[from - 1] != UInt8(ascii: "\n") { from -= 1 }
        if from > 0 { column = 1 }
        for index in from..<chunk.count where base[index] & 0xC0 != 0x80 { column += 1 }
        return column
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

    private func firstByte(_ byte: UInt8, in chunk: UnsafeBufferPointer<UInt8>, from position: Int) -> Int? {
        guard let base = chunk.baseAddress, position < chunk.count else { return nil }
        guard let found = memchr(base + position, Int32(byte), chunk.count - position) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// Line feeds in `chunk[range]`, sixteen bytes at a time: lane-wise
    /// comparisons are summed in a vector, and the vector every 255 blocks.
    static func countNewlines(_ chunk: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        guard let base = chunk.baseAddress, !range.isEmpty else { return 0 }
        var count = 0
        var index = range.lowerBound
        let feed = SIMD16<UInt8>(repeating: UInt8(ascii: "\n"))
        let one = SIMD16<UInt8>(repeating: 1)
        let zero = SIMD16<UInt8>(repeating: 0)
        while index + 16 <= range.upperBound {
            var lanes = zero
            var blocks = 0
            while blocks < 255, index + 16 <= range.upperBound {
                let bytes = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD16<UInt8>.self)
                lanes &+= zero.replacing(with: one, where: bytes .== feed)
                index += 16
                blocks += 1
            }
            count += Int(lanes.wrappedSum())
        }
        while index < range.upperBound {
            if base[index] == UInt8(ascii: "\n") { count &+= 1 }
            index += 1
        }
        return count
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

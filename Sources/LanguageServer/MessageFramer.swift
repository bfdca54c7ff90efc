/// The base protocol's framing: `Content-Length: N\r\n` (other headers
/// allowed and ignored), a blank line, then N bytes of JSON. Bytes come in
/// as they arrive; whole frames come out. A frame that is malformed or larger
/// than the limit becomes a `Fault` and the framer resynchronises on the
/// next header, so one bad frame never stops the server.
public struct MessageFramer: Sendable {
    public enum Frame: Sendable, Hashable {
        case message([UInt8])
        case fault(Fault)
    }

    public struct Fault: Sendable, Hashable {
        public var code: Int
        public var problem: String
    }

    public let maxContentLength: Int
    /// Headers longer than this are not headers.
    static let maxHeaderBytes = 8192

    private var buffer: [UInt8] = []
    private var start = 0
    /// Bytes of an oversized body still to skip.
    private var skipping = 0
    /// After a malformed header: bytes are dropped up to the next `Content-Length`.
    private var resynchronising = false

    public init(maxContentLength: Int = 32 << 20) {
        self.maxContentLength = maxContentLength
    }

    /// Appends `bytes` and returns every frame now complete.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [Frame] {
        buffer.append(contentsOf: bytes)
        var frames: [Frame] = []
        while let frame = next() { frames.append(frame) }
        // Keep the buffer from growing with what was already consumed.
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        return frames
    }

    private mutating func next() -> Frame? {
        if skipping > 0 {
            let available = min(skipping, buffer.count - start)
            start += available
            skipping -= available
            if skipping > 0 { return nil }
        }
        if resynchronising {
            guard resynchronise(from: start) else { return nil }
        }
        guard start < buffer.count else { return nil }
        guard let end = headerEnd() else {
            if buffer.count - start > Self.maxHeaderBytes {
                resynchronise(from: start + 1)
                return .fault(Fault(code: JSONRPCError.parseError, problem: "header longer than \(Self.maxHeaderBytes) bytes without a blank line"))
            }
            return nil
        }
        let header = String(decoding: buffer[start..<end.headerEnd], as: UTF8.self)
        var length: Int?
        for line in header.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else {
                resynchronise(from: start + 1)
                return .fault(Fault(code: JSONRPCError.parseError, problem: "malformed header line `\(line.prefix(80))`"))
            }
            let name = line[..<colon].lowercased().trimmingSpaces
            if name == "content-length" {
                let text = line[line.index(after: colon)...].trimmingSpaces
                guard let value = Int(text), value >= 0 else {
                    resynchronise(from: start + 1)
                    return .fault(Fault(code: JSONRPCError.parseError, problem: "Content-Length `\(text.prefix(40))` is not a length"))
                }
                length = value
            }
        }
        guard let length else {
            resynchronise(from: start + 1)
            return .fault(Fault(code: JSONRPCError.parseError, problem: "a header without Content-Length"))
        }
        if length > maxContentLength {
            start = end.bodyStart
            skipping = length
            return .fault(Fault(code: JSONRPCError.invalidRequest,
                                problem: "message of \(length) bytes is larger than the limit of \(maxContentLength); skipped"))
        }
        guard buffer.count - end.bodyStart >= length else { return nil }
        let body = Array(buffer[end.bodyStart..<end.bodyStart + length])
        start = end.bodyStart + length
        return .message(body)
    }

    /// Where the header's `\r\n\r\n` ends.
    private func headerEnd() -> (headerEnd: Int, bodyStart: Int)? {
        var index = start
        while index + 3 < buffer.count {
            if buffer[index] == 0x0D, buffer[index + 1] == 0x0A, buffer[index + 2] == 0x0D, buffer[index + 3] == 0x0A {
                return (index, index + 4)
            }
            index += 1
        }
        return nil
    }

    /// Drops bytes up to the next `Content-Length`; true when one was found.
    /// Until then all but a possible partial marker is dropped, and the
    /// search goes on as more bytes come.
    @discardableResult
    private mutating func resynchronise(from index: Int) -> Bool {
        let marker = Array("Content-Length".utf8)
        var at = index
        while at + marker.count <= buffer.count {
            if buffer[at..<at + marker.count].elementsEqual(marker) {
                start = at
                resynchronising = false
                return true
            }
            at += 1
        }
        start = max(index, buffer.count - marker.count + 1)
        resynchronising = true
        return false
    }

    /// One message framed for writing.
    public static func frame(_ body: String) -> [UInt8] {
        let bytes = Array(body.utf8)
        return Array("Content-Length: \(bytes.count)\r\n\r\n".utf8) + bytes
    }
}

private extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Feeds libyaml from a file descriptor or a buffer, one chunk at a time, and
/// lets the comment scanner see every chunk on the way. Owns the descriptor.
final class InputFeed {
    enum Failure {
        case io(Int32)
        case documentTooLarge
    }

    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private let buffer: [UInt8]
    private var bufferPosition = 0
    private let maxDocumentBytes: Int

    var scanner: SourceCommentScanner
    private(set) var totalBytes = 0
    private(set) var failure: Failure?
    /// Bytes fed when the current document started; read-ahead makes it an
    /// upper bound, so the size limit errs towards leniency by one chunk.
    var documentStartBytes = 0

    /// `firstLine`: the line of the stream the first byte is on.
    init(descriptor: Int32, ownsDescriptor: Bool, maxDocumentBytes: Int, firstLine: Int = 1) {
        self.descriptor = descriptor
        self.ownsDescriptor = ownsDescriptor
        self.buffer = []
        self.maxDocumentBytes = maxDocumentBytes
        scanner = SourceCommentScanner(firstLine: firstLine)
    }

    init(bytes: [UInt8], maxDocumentBytes: Int, firstLine: Int = 1) {
        self.descriptor = -1
        self.ownsDescriptor = false
        self.buffer = bytes
        self.maxDocumentBytes = maxDocumentBytes
        scanner = SourceCommentScanner(firstLine: firstLine)
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Fills libyaml's buffer; returns 1 on success (0 bytes at the end), 0 on failure.
    func read(into target: UnsafeMutablePointer<UInt8>, capacity: Int, count: UnsafeMutablePointer<Int>) -> Int32 {
        count.pointee = 0
        if totalBytes - documentStartBytes > maxDocumentBytes {
            failure = .documentTooLarge
            return 0
        }
        var produced = 0
        if descriptor >= 0 {
            while true {
                let result = Glibc.read(descriptor, target, capacity)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = .io(errno)
                    return 0
                }
                produced = result
                break
            }
        } else {
            produced = min(capacity, buffer.count - bufferPosition)
            if produced > 0 {
                buffer.withUnsafeBufferPointer { source in
                    (target).update(from: source.baseAddress! + bufferPosition, count: produced)
                }
                bufferPosition += produced
            }
        }
        if produced > 0 {
            scanner.scan(UnsafeBufferPointer(start: target, count: produced))
        } else {
            scanner.finish()
        }
        totalBytes += produced
        count.pointee = produced
        return 1
    }
}

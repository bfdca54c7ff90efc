#if canImport(Glibc)
import Glibc
#endif

/// The only place that writes to the process's standard streams. Callers
/// hand over whole reports, so each is one or a few system calls.
enum Console {
    static func out(_ text: String) {
        writeAll(text, to: 1)
    }

    static func error(_ text: String) {
        writeAll(text.hasSuffix("\n") ? text : text + "\n", to: 2)
    }

    /// Writes every byte of `text`, retrying short and interrupted writes.
    /// False when the descriptor refuses them.
    @discardableResult
    static func writeAll(_ text: String, to descriptor: Int32) -> Bool {
        var text = text
        return text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}

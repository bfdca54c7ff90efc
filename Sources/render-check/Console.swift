#if canImport(Glibc)
import Glibc
#endif

/// The only place that writes to the process's standard streams. Callers
/// hand over whole reports, so each is one or a few system calls.
enum Console {
    static func out(_ text: String) {
        write(descriptor: 1, text)
    }

    static func error(_ text: String) {
        write(descriptor: 2, text.hasSuffix("\n") ? text : text + "\n")
    }

    private static func write(descriptor: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Whole-file reads for small inputs (contracts, allowlists, values files),
/// without Foundation on the start-up path.
public enum FileBytes {
    public static func read(_ path: String, limit: Int = 64 << 20) throws(YAMLError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(path, "cannot open") }
        defer { close(descriptor) }
        // Sized from fstat, one byte over to see the end in the same read: no
        // zeroed chunk and no copy (a 64 KiB chunk was most of reading a contract).
        var status = stat()
        let size = fstat(descriptor, &status) == 0 && status.st_size > 0 ? Int(status.st_size) : 0
        let capacity = min(size, limit) + 1
        var readError: Int32 = 0
        var result = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            count = 0
            while count < capacity {
                let got = Glibc.read(descriptor, buffer.baseAddress! + count, capacity - count)
                if got < 0 {
                    if errno == EINTR { continue }
                    readError = errno
                    return
                }
                if got == 0 { return }
                count += got
            }
        }
        if readError != 0 {
            errno = readError
            throw failure(path, "read failed")
        }
        guard result.count == capacity else { return result }
        // Larger than fstat said (a growing file, a pipe, /proc): read on in chunks.
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            guard result.count <= limit else {
                throw YAMLError(stage: .limit, problem: "file is larger than \(limit) bytes",
                                location: SourceLocation(file: path, line: 1, column: 1))
            }
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(path, "read failed")
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }

    private static func failure(_ path: String, _ what: String) -> YAMLError {
        YAMLError(stage: .io, problem: "\(what): \(String(cString: strerror(errno)))",
                  location: SourceLocation(file: path, line: 1, column: 1))
    }
}

func readWholeFile(_ path: String) -> [UInt8]? {
    try? FileBytes.read(path)
}

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
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(path, "read failed")
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
            guard result.count <= limit else {
                throw YAMLError(stage: .limit, problem: "file is larger than \(limit) bytes",
                                location: SourceLocation(file: path, line: 1, column: 1))
            }
        }
        return result
    }

    private static func failure(_ path: String, _ what: String) -> YAMLError {
        YAMLError(stage: .io, problem: "\(what): \(String(cString: strerror(errno)))",
                  location: SourceLocation(file: path, line: 1, column: 1))
    }
}

func readWholeFile(_ path: String) -> [UInt8]? {
    try? FileBytes.read(path)
}

import LayerContract
#if canImport(Glibc)
import Glibc
#endif

/// Writes a file so that readers see the old content or the new, never a
/// part: a temporary file in the same folder, fsync, then rename.
enum AtomicFile {
    struct Failure: Error, CustomStringConvertible {
        var path: String
        var problem: String
        var description: String { "\(path): error: cannot write: \(problem)" }
    }

    static func write(_ text: String, to path: String) throws(Failure) {
        let directory = FilePath.directory(of: path)
        try makeDirectories(directory, for: path)
        var template = Array(FilePath.join(directory, ".\(FilePath.lastComponent(of: path)).tmp-XXXXXX").utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else { throw failure(path) }
        let temporary = String(cString: template)
        var ok = Console.writeAll(text, to: descriptor)
        if ok { ok = fchmod(descriptor, 0o644) == 0 && fsync(descriptor) == 0 }
        let closed = close(descriptor) == 0
        guard ok, closed, rename(temporary, path) == 0 else {
            let error = failure(path)
            unlink(temporary)
            throw error
        }
        // Make the rename itself durable.
        let folder = open(directory, O_RDONLY | O_DIRECTORY)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }

    private static func makeDirectories(_ directory: String, for path: String) throws(Failure) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for part in directory.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST { throw failure(path) }
        }
    }

    private static func failure(_ path: String) -> Failure {
        Failure(path: path, problem: String(cString: strerror(errno)))
    }
}

import LayerContract
import ManifestModel
#if canImport(Glibc)
import Glibc
#endif

/// Writes a file so that readers see the old content or the new, never a
/// part: a temporary file in the same folder, then rename.
enum AtomicFile {
    /// Whether the file must also survive a power loss. The rename alone
    /// already keeps a crash or a kill of this process from leaving a part.
    enum Durability {
        /// The user's own files (a fixed values file, a generated contract):
        /// fsync the file and its folder before and after the rename.
        case synced
        /// What every run writes again (the triage artifact, the measurement
        /// cache): the two fsyncs were a third of a small check's wall time
        /// (0.45 of 2.4 ms with `--output`, perf stat), for nothing a rerun
        /// does not restore.
        case regenerated
    }

    struct Failure: Error, CustomStringConvertible {
        var path: String
        var problem: String
        var description: String { "\(path): error: cannot write: \(problem)" }
    }

    static func write(_ text: String, to path: String, durability: Durability = .synced) throws(Failure) {
        // A regenerated file that already holds these bytes is left alone, as
        // move-if-change does: creating and renaming a file was a fifth of a
        // small check's wall time (0.35 of 2.0 ms, perf stat), and a rerun
        // with the same result keeps the artifact's mtime for make.
        if durability == .regenerated, holds(path, text) { return }
        let directory = FilePath.directory(of: path)
        try makeDirectories(directory, for: path)
        var template = Array(FilePath.join(directory, ".\(FilePath.lastComponent(of: path)).tmp-XXXXXX").utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else { throw failure(path) }
        let temporary = String(cString: template)
        var ok = Console.writeAll(text, to: descriptor)
        if ok { ok = fchmod(descriptor, 0o644) == 0 && (durability == .regenerated || fsync(descriptor) == 0) }
        let closed = close(descriptor) == 0
        guard ok, closed, rename(temporary, path) == 0 else {
            let error = failure(path)
            unlink(temporary)
            throw error
        }
        // Make the rename itself durable.
        guard durability == .synced else { return }
        let folder = open(directory, O_RDONLY | O_DIRECTORY)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }

    /// Whether `path` is a regular file, with the mode a write gives it, of exactly `text`.
    private static func holds(_ path: String, _ text: String) -> Bool {
        var status = stat()
        var text = text
        return text.withUTF8 { expected in
            guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_mode & 0o7777 == 0o644,
                  Int(status.st_size) == expected.count,
                  let bytes = try? FileBytes.read(path, limit: expected.count) else { return false }
            // memcmp, not elementsEqual over the UTF-8 view: 40 instructions a byte.
            return bytes.count == expected.count && (bytes.isEmpty || memcmp(bytes, expected.baseAddress!, bytes.count) == 0)
        }
    }

    private static func makeDirectories(_ directory: String, for path: String) throws(Failure) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for part in directory.split(separator: "/") {
            if !prefix.isEmpty && !prefix.hasSuffix("/") { prefix += "/" }
            prefix += String(part)
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST { throw failure(path) }
        }
    }

    private static func failure(_ path: String) -> Failure {
        Failure(path: path, problem: String(cString: strerror(errno)))
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The few path operations the run needs, on plain strings, so that nothing
/// on the start-up path pulls in Foundation.
public enum FilePath {
    public static func join(_ base: String, _ relative: String) -> String {
        if relative.hasPrefix("/") || base.isEmpty || base == "." { return relative }
        return base.hasSuffix("/") ? base + relative : base + "/" + relative
    }

    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    public static func lastComponent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return String(trimmed) }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// Walks up from the working directory, whose absolute path is
    /// `workingDirectory`, and returns the first `relative` that exists, as a
    /// path relative to the working directory (`ops/x`, `../ops/x`, ...), so
    /// that reports name files the same way on every machine.
    public static func findUpwards(_ relative: String, workingDirectory: String) -> String? {
        let levels = workingDirectory.split(separator: "/").count
        var prefix = ""
        for _ in 0...levels {
            let candidate = prefix + relative
            if exists(candidate) { return candidate }
            prefix += "../"
        }
        return nil
    }

    /// Lexical parent: `/a/b` -> `/a`, `/a` -> `/`, `/` -> `/`.
    public static func parentDirectory(of path: String) -> String {
        var trimmed = path
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// Shortens `path` to be relative to `base` when it lies inside it, so
    /// reports show repository-relative paths.
    public static func relative(_ path: String, to base: String) -> String {
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}

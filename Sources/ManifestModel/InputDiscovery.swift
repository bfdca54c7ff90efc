#if canImport(Glibc)
import Glibc
#endif

/// Turns the command line's inputs (files, directories, `-`) into the list of
/// sources to read, in a stable order, reporting everything it leaves out.
public enum InputDiscovery {
    public static let manifestExtensions = [".yaml", ".yml", ".json"]

    public struct Result: Sendable {
        public var sources: [InputSource] = []
        public var notices: [ManifestNotice] = []
        /// Arguments that name nothing readable: a bad invocation.
        public var errors: [YAMLError] = []
    }

    public static func discover(_ arguments: [String]) -> Result {
        var result = Result()
        for argument in arguments {
            if argument == "-" {
                result.sources.append(.standardInput)
                continue
            }
            var info = stat()
            guard stat(argument, &info) == 0 else {
                result.errors.append(YAMLError(stage: .io, problem: "cannot read: \(String(cString: strerror(errno)))",
                                               location: SourceLocation(file: argument, line: 1, column: 1)))
                continue
            }
            if info.st_mode & S_IFMT == S_IFDIR {
                walk(argument, into: &result)
            } else {
                result.sources.append(.file(argument))
            }
        }
        return result
    }

    private static func walk(_ root: String, into result: inout Result) {
        var pending = [root]
        var files: [String] = []
        let firstNotice = result.notices.count
        while let directory = pending.popLast() {
            guard let handle = opendir(directory) else {
                result.notices.append(skipped(directory, "directory cannot be read: \(String(cString: strerror(errno)))"))
                continue
            }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name == "." || name == ".." { continue }
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    pending.append(path)
                case S_IFLNK:
                    var target = stat()
                    if stat(path, &target) == 0, target.st_mode & S_IFMT == S_IFREG, isManifest(name) {
                        files.append(path)
                    } else {
                        result.notices.append(skipped(path, "symbolic link not followed"))
                    }
                case S_IFREG:
                    if isManifest(name) {
                        files.append(path)
                    } else {
                        result.notices.append(skipped(path, "not a YAML or JSON file"))
                    }
                default:
                    result.notices.append(skipped(path, "not a regular file"))
                }
            }
        }
        result.sources.append(contentsOf: files.sorted().map { .file($0) })
        // Directory order depends on the file system; report in path order.
        result.notices[firstNotice...].sort()
    }

    static func isManifest(_ name: String) -> Bool {
        manifestExtensions.contains { name.hasSuffix($0) }
    }

    private static func skipped(_ path: String, _ why: String) -> ManifestNotice {
        ManifestNotice(kind: .skipped, message: why, location: SourceLocation(file: path, line: 1, column: 1))
    }
}

import ManifestModel
#if canImport(Glibc)
import Glibc
#endif

/// A chart folder as render-check reads it: Chart.yaml's metadata with
/// positions, and the text of every file under `templates/`. Only reads;
/// nothing that resolves outside the chart folder is followed.
public struct ChartFiles: Sendable {
    public struct Template: Sendable {
        /// Path inside the chart (`templates/service.yaml`), as `# Source:` names it after the chart name.
        public var chartPath: String
        /// Path to show in reports (the chart folder joined with `chartPath`).
        public var displayPath: String
        public var text: String
    }

    public var directory: String
    public var name: Located<String>
    public var version: Located<String>?
    public var appVersion: Located<String>?
    public var templates: [Template]
    /// Files left out, with why (a symlink out of the chart, unreadable).
    public var skipped: [(path: String, reason: String)]

    public static func load(_ directory: String) throws(ValuesError) -> ChartFiles {
        let root = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        guard let realRoot = realPath(root) else {
            throw ValuesError(.unreadable, "chart folder cannot be read", at: SourceLocation(file: root, line: 1, column: 1))
        }
        let chartFile = root + "/Chart.yaml"
        guard isInside(chartFile, realRoot) else {
            throw ValuesError(.outsideChart, "Chart.yaml resolves outside the chart folder; not followed",
                              at: SourceLocation(file: chartFile, line: 1, column: 1))
        }
        // A FIFO or device in the chart would block or never end: only regular files are read.
        var chartInfo = stat()
        if stat(chartFile, &chartInfo) == 0, chartInfo.st_mode & S_IFMT != S_IFREG {
            throw ValuesError(.unreadable, "Chart.yaml is not a regular file; not read",
                              at: SourceLocation(file: chartFile, line: 1, column: 1))
        }
        let metadata = try readMetadata(chartFile)
        var templates: [Template] = []
        var skipped: [(String, String)] = []
        var pending = ["templates"]
        while let relative = pending.popLast() {
            let folder = root + "/" + relative
            guard let handle = opendir(folder) else { continue }
            defer { closedir(handle) }
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                if name != "." && name != ".." { names.append(name) }
            }
            for name in names.sorted() {
                let chartPath = relative + "/" + name
                let path = root + "/" + chartPath
                guard isInside(path, realRoot) else {
                    skipped.append((path, "resolves outside the chart folder; not followed"))
                    continue
                }
                var info = stat()
                guard stat(path, &info) == 0 else { continue }
                if info.st_mode & S_IFMT == S_IFDIR {
                    pending.append(chartPath)
                    continue
                }
                guard info.st_mode & S_IFMT == S_IFREG else {
                    skipped.append((path, "not a regular file; not read"))
                    continue
                }
                guard let bytes = try? FileBytes.read(path, limit: 8 << 20) else {
                    skipped.append((path, "cannot be read"))
                    continue
                }
                templates.append(Template(chartPath: chartPath, displayPath: path,
                                          text: String(decoding: bytes, as: UTF8.self)))
            }
        }
        templates.sort { $0.chartPath < $1.chartPath }
        return ChartFiles(directory: root, name: metadata.name, version: metadata.version,
                          appVersion: metadata.appVersion, templates: templates, skipped: skipped)
    }

    /// The template a `# Source: <chart>/templates/x.yaml` header names, if
    /// it is one of this chart's (subcharts are not indexed).
    public func chartPath(forSource source: String) -> String? {
        let prefix = name.value + "/"
        guard source.hasPrefix(prefix) else { return nil }
        let relative = String(source.dropFirst(prefix.count))
        guard !relative.split(separator: "/").contains("..") else { return nil }
        return relative
    }

    private static func readMetadata(_ path: String) throws(ValuesError) -> (name: Located<String>, version: Located<String>?, appVersion: Located<String>?) {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLStreamParser.documents(.file(path))
        } catch {
            throw ValuesError(error)
        }
        guard let document = documents.first, let root = document.root, document.kind(root) == .mapping else {
            throw ValuesError(.notAMapping, "Chart.yaml must be a mapping with at least `name`",
                              at: SourceLocation(file: path, line: 1, column: 1))
        }
        func field(_ key: StaticString) -> Located<String>? {
            guard let node = document.value(in: root, forKey: key), document.kind(node) == .scalar else { return nil }
            return Located(document.text(node), at: document.location(node))
        }
        guard let name = field("name"), !name.value.isEmpty else {
            throw ValuesError(.invalidValue, "Chart.yaml has no `name`", at: document.location(root))
        }
        return (name, field("version"), field("appVersion"))
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// True when `path` resolves (through symlinks) inside `realRoot`.
    private static func isInside(_ path: String, _ realRoot: String) -> Bool {
        guard let resolved = realPath(path) else { return true }
        return resolved == realRoot || resolved.hasPrefix(realRoot + "/")
    }
}

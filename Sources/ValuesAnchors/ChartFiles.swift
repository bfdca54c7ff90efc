import ManifestModel
#if canImport(Glibc)
import Glibc
#endif

/// A chart folder as render-check reads it: Chart.yaml's metadata with
/// positions, the text of every file under `templates/`, where its
/// `values.yaml` is, and its subcharts (folders and `.tgz` archives under
/// `charts/`, nested to any depth). Only reads; nothing that resolves outside
/// the chart folder is followed, and archives are read in memory.
public struct ChartFiles: Sendable {
    public struct Template: Sendable {
        /// Path inside the chart (`templates/service.yaml`), as `# Source:` names it after the chart name.
        public var chartPath: String
        /// Path to show in reports (the chart folder joined with `chartPath`).
        public var displayPath: String
        public var text: String
    }

    /// One entry of Chart.yaml's `dependencies`.
    public struct Dependency: Sendable, Hashable {
        public var name: String
        public var alias: String?
        /// `condition: a.enabled,b.enabled`: the values paths that switch the subchart.
        public var condition: [String]
    }

    public var directory: String
    public var name: Located<String>
    public var version: Located<String>?
    public var appVersion: Located<String>?
    /// `type: library`: its `define`s are callable, its templates never render.
    public var isLibrary: Bool = false
    /// The name the parent renders this chart under: its alias, else its name.
    /// It is the values key the parent passes values under and the folder
    /// `# Source:` names (`parent/charts/<it>/templates/x.yaml`).
    public var renderedName: String
    public var dependencies: [Dependency] = []
    public var templates: [Template]
    /// The chart's own `values.yaml`, on disk or inside an archive.
    public var valuesSource: InputSource?
    public var subcharts: [ChartFiles] = []
    /// Files left out, with why (a symlink out of the chart, unreadable).
    public var skipped: [(path: String, reason: String)]

    /// Subcharts nest a few levels in practice; deeper is refused as a loop.
    static let maxDepth = 16
    static let maxFileBytes = 8 << 20

    public static func load(_ directory: String) throws(ValuesError) -> ChartFiles {
        let root = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        guard let realRoot = realPath(root) else {
            throw ValuesError(.unreadable, "chart folder cannot be read", at: SourceLocation(file: root, line: 1, column: 1))
        }
        return try loadFolder(root, realRoot: realRoot, depth: 0)
    }

    /// Every chart of the tree with the values path its `.Values` sits at in
    /// the root chart's values and the `# Source:` folder of its templates,
    /// the root first.
    public var tree: [(chart: ChartFiles, valuesPrefix: [String], sourcePrefix: String)] {
        var result: [(ChartFiles, [String], String)] = []
        func visit(_ chart: ChartFiles, _ prefix: [String], _ source: String) {
            result.append((chart, prefix, source))
            for sub in chart.subcharts {
                visit(sub, prefix + [sub.renderedName], source + "charts/" + sub.renderedName + "/")
            }
        }
        visit(self, [], "")
        return result
    }

    /// The template a `# Source: <chart>/templates/x.yaml` header names,
    /// relative to this chart (`charts/<sub>/templates/x.yaml` for a subchart's).
    public func chartPath(forSource source: String) -> String? {
        let prefix = name.value + "/"
        guard source.hasPrefix(prefix) else { return nil }
        let relative = String(source.dropFirst(prefix.count))
        guard !relative.utf8.split(separator: UInt8(ascii: "/")).contains(where: { $0.elementsEqual("..".utf8) }) else { return nil }
        return relative
    }

    // MARK: - A folder on disk

    private static func loadFolder(_ root: String, realRoot: String, depth: Int) throws(ValuesError) -> ChartFiles {
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
        var chart = try readMetadata(.file(chartFile), directory: root)
        var skipped: [(String, String)] = []
        var pending = ["templates"]
        while let relative = pending.popLast() {
            for name in DirectoryListing.names(root + "/" + relative) {
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
                guard let bytes = try? FileBytes.read(path, limit: maxFileBytes) else {
                    skipped.append((path, "cannot be read"))
                    continue
                }
                chart.templates.append(Template(chartPath: chartPath, displayPath: path,
                                                text: String(decoding: bytes, as: UTF8.self)))
            }
        }
        chart.templates.sort { $0.chartPath < $1.chartPath }
        let valuesPath = root + "/values.yaml"
        var valuesInfo = stat()
        if stat(valuesPath, &valuesInfo) == 0, valuesInfo.st_mode & S_IFMT == S_IFREG, isInside(valuesPath, realRoot) {
            chart.valuesSource = .file(valuesPath)
        }
        var found: [ChartFiles] = []
        if depth < maxDepth {
            for name in DirectoryListing.names(root + "/charts") {
                let path = root + "/charts/" + name
                guard isInside(path, realRoot) else {
                    skipped.append((path, "resolves outside the chart folder; not followed"))
                    continue
                }
                var info = stat()
                guard stat(path, &info) == 0 else { continue }
                do {
                    if info.st_mode & S_IFMT == S_IFDIR {
                        var sub = stat()
                        guard stat(path + "/Chart.yaml", &sub) == 0 else { continue }
                        found.append(try loadFolder(path, realRoot: realRoot, depth: depth + 1))
                    } else if info.st_mode & S_IFMT == S_IFREG, name.hasSuffix(".tgz") || name.hasSuffix(".tar.gz") {
                        let archive = try ChartArchive.read(path)
                        found.append(try loadArchive(archive.members, display: path, depth: depth + 1))
                    }
                } catch {
                    skipped.append((path, "subchart not read: \(error.problem)"))
                }
            }
        }
        chart.subcharts = arrange(found, dependencies: chart.dependencies)
        chart.skipped = skipped + chart.subcharts.flatMap(\.skipped)
        return chart
    }

    // MARK: - An archive's members

    /// A chart packaged as a tar: its members sit below one top folder.
    private static func loadArchive(_ members: [(path: String, bytes: [UInt8])], display: String, depth: Int) throws(ValuesError) -> ChartFiles {
        var files: [String: [UInt8]] = [:]
        var top: String?
        for member in members {
            var path = member.path
            while path.hasPrefix("./") { path.removeFirst(2) }
            let parts = path.split(separator: "/").map(String.init)
            guard parts.count >= 2, !parts.contains("..") else { continue }
            if top == nil { top = parts[0] }
            guard parts[0] == top else { continue }
            files[parts.dropFirst().joined(separator: "/")] = member.bytes
        }
        return try loadMembers(files, display: display + "/" + (top ?? ""), depth: depth)
    }

    private static func loadMembers(_ files: [String: [UInt8]], display: String, depth: Int) throws(ValuesError) -> ChartFiles {
        guard let chartYAML = files["Chart.yaml"] else {
            throw ValuesError(.unreadable, "no Chart.yaml in the chart archive", at: SourceLocation(file: display, line: 1, column: 1))
        }
        var chart = try readMetadata(.bytes(chartYAML, name: display + "/Chart.yaml"), directory: display)
        for path in files.keys.sorted() where path.hasPrefix("templates/") {
            chart.templates.append(Template(chartPath: path, displayPath: display + "/" + path,
                                            text: String(decoding: files[path]!, as: UTF8.self)))
        }
        if let values = files["values.yaml"] {
            chart.valuesSource = .bytes(values, name: display + "/values.yaml")
        }
        var found: [ChartFiles] = []
        var skipped: [(String, String)] = []
        if depth < maxDepth {
            var folders: [String: [String: [UInt8]]] = [:]
            for (path, bytes) in files where path.hasPrefix("charts/") {
                let rest = path.dropFirst("charts/".count).split(separator: "/", maxSplits: 1).map(String.init)
                if rest.count == 2 {
                    folders[rest[0], default: [:]][rest[1]] = bytes
                } else if rest.count == 1, rest[0].hasSuffix(".tgz") || rest[0].hasSuffix(".tar.gz") {
                    let where_ = display + "/" + path
                    do {
                        let tar = try ChartArchive.inflate(bytes, at: SourceLocation(file: where_, line: 1, column: 1))
                        let members = try ChartArchive.untar(tar, at: SourceLocation(file: where_, line: 1, column: 1))
                        found.append(try loadArchive(members, display: where_, depth: depth + 1))
                    } catch {
                        skipped.append((where_, "subchart not read: \(error.problem)"))
                    }
                }
            }
            for name in folders.keys.sorted() where folders[name]!["Chart.yaml"] != nil {
                do {
                    found.append(try loadMembers(folders[name]!, display: display + "/charts/" + name, depth: depth + 1))
                } catch {
                    skipped.append((display + "/charts/" + name, "subchart not read: \(error.problem)"))
                }
            }
        }
        chart.subcharts = arrange(found, dependencies: chart.dependencies)
        chart.skipped = skipped + chart.subcharts.flatMap(\.skipped)
        return chart
    }

    // MARK: - Shared

    /// Subcharts as the parent renders them: a dependency with an alias
    /// renders its chart under that alias (once per alias, when one chart is
    /// listed twice); a chart under `charts/` that no dependency names
    /// renders under its own name.
    private static func arrange(_ found: [ChartFiles], dependencies: [Dependency]) -> [ChartFiles] {
        var result: [ChartFiles] = []
        for chart in found.sorted(by: { $0.name.value < $1.name.value }) {
            let listed = dependencies.filter { $0.name == chart.name.value }
            if listed.isEmpty {
                result.append(chart)
                continue
            }
            var seen = Set<String>()
            for dependency in listed {
                var copy = chart
                copy.renderedName = dependency.alias ?? chart.name.value
                if seen.insert(copy.renderedName).inserted { result.append(copy) }
            }
        }
        return result
    }


    private static func readMetadata(_ source: InputSource, directory: String) throws(ValuesError) -> ChartFiles {
        let path = source.displayName
        let documents: [YAMLDocument]
        do {
            documents = try YAMLStreamParser.documents(source)
        } catch {
            throw ValuesError(error)
        }
        guard let document = documents.first, let root = document.root, document.kind(root) == .mapping else {
            throw ValuesError(.notAMapping, "Chart.yaml must be a mapping with at least `name`",
                              at: SourceLocation(file: path, line: 1, column: 1))
        }
        func field(_ key: StaticString, in node: NodeID = root) -> Located<String>? {
            guard let value = document.value(in: node, forKey: key), document.kind(value) == .scalar else { return nil }
            return Located(document.text(value), at: document.location(value))
        }
        guard let name = field("name"), !name.value.isEmpty else {
            throw ValuesError(.invalidValue, "Chart.yaml has no `name`", at: document.location(root))
        }
        var dependencies: [Dependency] = []
        if let list = document.value(in: root, forKey: "dependencies"), document.kind(list) == .sequence {
            for item in document.items(list) where document.kind(item) == .mapping {
                guard let dependency = field("name", in: item)?.value, !dependency.isEmpty else { continue }
                let alias = field("alias", in: item)?.value
                let condition = (field("condition", in: item)?.value ?? "").split(separator: ",")
                    .map { String($0).trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
                dependencies.append(Dependency(name: dependency, alias: alias?.isEmpty == false ? alias : nil, condition: condition))
            }
        }
        return ChartFiles(directory: directory, name: name, version: field("version"), appVersion: field("appVersion"),
                          isLibrary: field("type")?.value == "library", renderedName: name.value,
                          dependencies: dependencies, templates: [], valuesSource: nil, subcharts: [], skipped: [])
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

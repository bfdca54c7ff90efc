import ManifestModel
#if canImport(Glibc)
import Glibc
#endif

/// Reads a chart's values the way `helm template` composes them, keeping for
/// every value the file, line and column that set it:
///
/// 1. each values file is read through the project's parser, its documents
///    merged in order (Helm's `loader.LoadValues`);
/// 2. the `-f` files are merged in order (`loader.MergeMaps`: maps merge
///    deeply, anything else — a `null` too — replaces);
/// 3. `--set` then `--set-string` arguments are applied onto that
///    (`strvals.ParseInto`);
/// 4. the result is coalesced with the chart's `values.yaml`
///    (`chartutil.CoalesceValues`): a `null` removes the chart default it
///    overrides, a `null` with no default to remove stays, and nulls in the
///    chart's own defaults are dropped.
public struct ValuesLoader: Sendable {
    /// What a chart's templates see as `.Values`, and where it came from.
    public struct Result: Sendable {
        /// The merged values.
        public var values: ValuesNode
        /// The chart's own `values.yaml` alone (an empty map when absent).
        public var defaults: ValuesNode
        /// The values files read, in merge order, the chart's own first.
        public var files: [String]
        /// Keys given twice in one mapping; the later one won, as in Helm.
        public var duplicateKeys: [DuplicateKey]
    }

    public var limits: ParseLimits
    /// Values files as an editor holds them (unsaved), by path: read instead of the disk.
    public var buffers: [String: [UInt8]] = [:]

    public init(limits: ParseLimits = .default, buffers: [String: [UInt8]] = [:]) {
        self.limits = limits
        self.buffers = buffers
    }

    /// Loads `<chart>/values.yaml` (when the chart has one), the `-f` files
    /// in order, then the `--set` and `--set-string` arguments.
    public func load(chart: String?, valueFiles: [String] = [], set: [String] = [],
                     setString: [String] = []) throws(ValuesError) -> Result {
        var files: [String] = []
        var duplicates: [DuplicateKey] = []
        var defaults = ValuesNode.map([], origin: SourceLocation(file: chart.map(ValuesLoader.valuesPath) ?? "values.yaml",
                                                                  line: 1, column: 1))
        if let chart, let path = try chartValuesPath(chart) {
            let file = try readFile(path)
            defaults = file.values
            duplicates += file.duplicateKeys
            files.append(path)
        }
        var user = ValuesNode.map([], origin: defaults.origin)
        for path in valueFiles {
            let file = try readFile(path)
            user = ValuesLoader.mergeMaps(user, file.values)
            duplicates += file.duplicateKeys
            files.append(path)
        }
        for (index, text) in set.enumerated() {
            try SetExpression(text, argument: index + 1).apply(to: &user)
        }
        for (index, text) in setString.enumerated() {
            try SetExpression(text, argument: index + 1, forceString: true).apply(to: &user)
        }
        var merged = ValuesLoader.coalesce(user: user, defaults: defaults)
        if let chart, let tree = subchartTree(chart) {
            merged = try coalesceDependencies(of: tree, into: merged, files: &files, duplicates: &duplicates)
        }
        return Result(values: merged, defaults: defaults, files: files, duplicateKeys: duplicates)
    }

    // MARK: - Subcharts

    /// The chart with its subcharts, when it has any; a chart folder without
    /// Chart.yaml or `charts/` is read as a chart without dependencies.
    private func subchartTree(_ chart: String) -> ChartFiles? {
        var info = stat()
        let folder = chart.hasSuffix("/") ? chart + "charts" : chart + "/charts"
        guard stat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR,
              let files = try? ChartFiles.load(chart), !files.subcharts.isEmpty else { return nil }
        return files
    }

    /// `coalesceDeps`: each enabled subchart's values sit under its name (or
    /// alias) in the parent's; what the parent sets there wins over the
    /// subchart's `values.yaml`, and the parent's `global` is copied in over
    /// the subchart's own, recursively down the tree.
    func coalesceDependencies(of chart: ChartFiles, into parent: ValuesNode, files: inout [String],
                              duplicates: inout [DuplicateKey]) throws(ValuesError) -> ValuesNode {
        var result = parent
        for sub in chart.subcharts where ValuesLoader.isEnabled(sub, in: chart, values: parent) {
            let existing = result.entry(sub.renderedName)
            var given = existing?.node ?? .map([], origin: parent.origin)
            guard given.entries != nil else { continue }
            given = ValuesLoader.withGlobals(of: result, over: given)
            var subDefaults = ValuesNode.map([], origin: SourceLocation(file: sub.directory + "/values.yaml", line: 1, column: 1))
            if var source = sub.valuesSource {
                if case .file(let path) = source, let held = buffers[path] { source = .bytes(held, name: path) }
                let file = try readSource(source)
                subDefaults = file.values
                duplicates += file.duplicateKeys
                files.append(source.displayName)
            }
            var merged = ValuesLoader.coalesce(user: given, defaults: subDefaults)
            merged = try coalesceDependencies(of: sub, into: merged, files: &files, duplicates: &duplicates)
            let location = existing?.keyLocation ?? subDefaults.origin
            result.set(sub.renderedName, keyLocation: location, to: merged)
        }
        return result
    }

    /// Helm drops a subchart whose `condition` names a boolean that is false
    /// (the first condition path that holds a boolean decides).
    static func isEnabled(_ sub: ChartFiles, in parent: ChartFiles, values: ValuesNode) -> Bool {
        guard let dependency = parent.dependencies.first(where: { ($0.alias ?? $0.name) == sub.renderedName }) else { return true }
        for condition in dependency.condition {
            var node: ValuesNode? = values
            for key in condition.split(separator: ".") { node = node?[String(key)] }
            if case .scalar(.bool(let flag))? = node?.content { return flag }
        }
        return true
    }

    /// `coalesceGlobals`: the parent's `global` entries replace the
    /// subchart's (maps merge, the parent's keys winning).
    static func withGlobals(of parent: ValuesNode, over sub: ValuesNode) -> ValuesNode {
        guard let parentGlobal = parent.entry("global"), let parentEntries = parentGlobal.node.entries else { return sub }
        var result = sub
        var global = sub.entry("global")?.node ?? .map([], origin: parentGlobal.node.origin)
        guard global.entries != nil else { return sub }
        for entry in parentEntries {
            if case .map = entry.node.content, let mine = global[entry.key], case .map = mine.content {
                global.set(entry.key, keyLocation: entry.keyLocation, to: coalesceTable(entry.node, mine))
            } else {
                global.set(entry.key, keyLocation: entry.keyLocation, to: entry.node)
            }
        }
        result.set("global", keyLocation: sub.entry("global")?.keyLocation ?? parentGlobal.keyLocation, to: global)
        return result
    }

    /// One values file (`-` for standard input), its documents merged.
    public func loadFile(_ path: String) throws(ValuesError) -> ValuesNode {
        try readFile(path).values
    }

    /// `<chart>/values.yaml` when it exists; nil for a chart without one.
    /// A `values.yaml` that resolves outside the chart folder (a symlink out)
    /// is refused rather than followed.
    public func chartValuesPath(_ chart: String) throws(ValuesError) -> String? {
        let path = ValuesLoader.valuesPath(chart)
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let code = errno
            var folder = stat()
            guard stat(chart, &folder) == 0, (folder.st_mode & S_IFMT) == S_IFDIR else {
                throw ValuesError(.unreadable, "chart folder \(chart) not found or not a folder",
                                  at: SourceLocation(file: chart, line: 1, column: 1))
            }
            if code == ENOENT { return nil }
            throw ValuesError(.unreadable, "cannot read: \(String(cString: strerror(code)))",
                              at: SourceLocation(file: path, line: 1, column: 1))
        }
        guard let folder = ValuesLoader.realPath(chart), let target = ValuesLoader.realPath(path) else {
            throw ValuesError(.unreadable, "cannot resolve values.yaml (a dangling symlink?); it is not followed",
                              at: SourceLocation(file: path, line: 1, column: 1))
        }
        let inside = folder == "/" ? target.hasPrefix("/") : target.hasPrefix(folder + "/")
        guard inside else {
            throw ValuesError(.outsideChart, "values.yaml resolves to \(target), outside the chart folder \(folder); it is not followed",
                              at: SourceLocation(file: path, line: 1, column: 1))
        }
        // A FIFO or device would block or never end: the chart's own values are a regular file.
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw ValuesError(.unreadable, "values.yaml is not a regular file; it is not read",
                              at: SourceLocation(file: path, line: 1, column: 1))
        }
        return path
    }

    // MARK: - Reading

    private struct FileValues {
        var values: ValuesNode
        var duplicateKeys: [DuplicateKey]
    }

    /// Values trees are converted, merged and walked recursively, so a values
    /// file nests at most this deep however high `--max-depth` is set (Helm
    /// values nest a few levels; the default limit is the same).
    public static let maxDepth = ParseLimits.default.maxDepth

    private func readFile(_ path: String) throws(ValuesError) -> FileValues {
        try readSource(path == "-" ? .standardInput : buffers[path].map { .bytes($0, name: path) } ?? .file(path))
    }

    private func readSource(_ source: InputSource) throws(ValuesError) -> FileValues {
        var limits = self.limits
        limits.maxDepth = min(limits.maxDepth, ValuesLoader.maxDepth)
        var values = ValuesNode.map([], origin: SourceLocation(file: source.displayName, line: 1, column: 1))
        var duplicates: [DuplicateKey] = []
        var first = true
        do {
            let parser = try YAMLStreamParser(source, limits: limits)
            while let document = try parser.nextDocument() {
                duplicates += document.duplicateKeys
                guard let map = try ValuesLoader.convert(document) else { continue }
                values = first ? map : ValuesLoader.mergeMaps(values, map)
                first = false
            }
        } catch let error as YAMLError {
            throw ValuesError(error)
        } catch let error as ValuesError {
            throw error
        } catch {
            throw ValuesError(.unreadable, "\(error)", at: SourceLocation(file: source.displayName, line: 1, column: 1))
        }
        return FileValues(values: values, duplicateKeys: duplicates)
    }

    /// A document as a values map; nil for an empty or `null` document,
    /// which Helm reads as no values.
    static func convert(_ document: YAMLDocument) throws(ValuesError) -> ValuesNode? {
        guard let root = document.root else { return nil }
        let target = document.resolved(root)
        switch document.kind(target) {
        case .mapping:
            return try DocumentReader(document: document).node(root, origin: document.location(root))
        case .scalar where document.value(target) == .null:
            return nil
        default:
            let what = document.kind(target) == .sequence ? "a sequence" : "a scalar"
            throw ValuesError(.notAMapping, "values must be a mapping at the top level, not \(what)",
                              at: document.location(root))
        }
    }

    /// Builds values nodes from one parsed document, reading keys and merge
    /// keys (`<<`) as go-yaml v2 does for Helm.
    private struct DocumentReader {
        let document: YAMLDocument

        func node(_ id: NodeID, origin: SourceLocation) throws(ValuesError) -> ValuesNode {
            let target = document.resolved(id)
            switch document.kind(target) {
            case .mapping:
                return .map(try entries(of: target), origin: origin)
            case .sequence:
                var items: [ValuesNode] = []
                for item in document.items(target) {
                    items.append(try node(item, origin: document.location(item)))
                }
                return .list(items, origin: origin)
            case .scalar, .alias:
                let value = document.value(target)
                if case .float(let number) = value, !number.isFinite {
                    throw ValuesError(.invalidValue, "\(number.isNaN ? "NaN" : number > 0 ? "+Inf" : "-Inf") cannot be a values entry (Helm: json: unsupported value)",
                                      at: document.location(id))
                }
                return .scalar(value, origin: origin)
            }
        }

        private func entries(of mapping: NodeID) throws(ValuesError) -> [ValuesNode.Entry] {
            var result: [ValuesNode.Entry] = []
            var index: [String: Int] = [:]
            func put(_ entry: ValuesNode.Entry) {
                if let at = index[entry.key] {
                    result[at] = entry
                } else {
                    index[entry.key] = result.count
                    result.append(entry)
                }
            }
            for (key, value) in zip(document.keys(mapping), document.values(mapping)) {
                if isMergeKey(key) {
                    for merged in try mergedEntries(value) { put(merged) }
                    continue
                }
                let name = try keyString(key)
                let keySpan = document.span(key)
                let origin = SourceLocation(file: document.file, span: Span(start: keySpan.start, end: document.span(value).end))
                put(ValuesNode.Entry(key: name, keyLocation: document.location(key),
                                     node: try node(value, origin: origin)))
            }
            return result
        }

        /// go-yaml v2 applies `<<` where it stands: later keys override it,
        /// it overrides earlier ones, and in a list of maps the first wins.
        private func mergedEntries(_ value: NodeID) throws(ValuesError) -> [ValuesNode.Entry] {
            let target = document.resolved(value)
            switch document.kind(target) {
            case .mapping:
                return try entries(of: target)
            case .sequence:
                var combined: [ValuesNode.Entry] = []
                var seen: Set<String> = []
                for item in document.items(target) {
                    guard document.kind(document.resolved(item)) == .mapping else {
                        throw mergeError(item)
                    }
                    for entry in try entries(of: document.resolved(item)) where !seen.contains(entry.key) {
                        seen.insert(entry.key)
                        combined.append(entry)
                    }
                }
                return combined
            default:
                throw mergeError(value)
            }
        }

        private func mergeError(_ id: NodeID) -> ValuesError {
            ValuesError(.invalidValue, "map merge requires map or sequence of maps as the value",
                        at: document.location(id))
        }

        private func isMergeKey(_ key: NodeID) -> Bool {
            let target = document.resolved(key)
            guard document.kind(target) == .scalar, document.scalarStyle(target) == .plain,
                  document.textEquals(target, "<<") else { return false }
            let tag = document.tag(target)
            return tag == nil || tag == "tag:yaml.org,2002:merge"
        }

        /// Helm's values go through JSON, so a key becomes the text of its
        /// resolved value: `y` and `true` both become `"true"`, `0x10` becomes
        /// `"16"`, `1.0` becomes `"1"`.
        private func keyString(_ key: NodeID) throws(ValuesError) -> String {
            let target = document.resolved(key)
            guard document.kind(target) == .scalar else {
                throw ValuesError(.invalidKey, "a \(document.kind(target) == .mapping ? "mapping" : "sequence") cannot be a values key",
                                  at: document.location(key))
            }
            switch document.value(target) {
            case .string(let text): return text
            case .bool(let flag): return flag ? "true" : "false"
            case .int(let number): return String(number)
            case .float(let number):
                guard number.isFinite else {
                    throw ValuesError(.invalidKey, "\(document.text(target)) cannot be a values key", at: document.location(key))
                }
                return ValuesLoader.goFloatText(number)
            case .null:
                throw ValuesError(.invalidKey, "null cannot be a values key (Helm: unsupported map key)", at: document.location(key))
            }
        }
    }

    // MARK: - Helm's merges

    /// `loader.MergeMaps`: a map in `override` merges into a map in `base`;
    /// anything else in `override` replaces, a `null` included. A merged map
    /// keeps the place that introduced it.
    public static func mergeMaps(_ base: ValuesNode, _ override: ValuesNode) -> ValuesNode {
        guard var entries = base.entries, let overrides = override.entries else { return override }
        var index: [String: Int] = [:]
        for (position, entry) in entries.enumerated() { index[entry.key] = position }
        for entry in overrides {
            if let at = index[entry.key] {
                if case .map = entry.node.content, case .map = entries[at].node.content {
                    entries[at].node = mergeMaps(entries[at].node, entry.node)
                } else {
                    entries[at] = entry
                }
            } else {
                index[entry.key] = entries.count
                entries.append(entry)
            }
        }
        return .map(entries, origin: base.origin)
    }

    /// `CoalesceValues` for a chart without dependencies: the user's values
    /// over the chart's defaults.
    public static func coalesce(user: ValuesNode, defaults: ValuesNode) -> ValuesNode {
        guard let userEntries = user.entries else { return user }
        let defaultEntries = defaults.entries ?? []
        var userIndex: [String: Int] = [:]
        for (position, entry) in userEntries.enumerated() { userIndex[entry.key] = position }
        var out: [ValuesNode.Entry] = []
        var taken: Set<String> = []
        for entry in defaultEntries {
            guard let at = userIndex[entry.key] else {
                // A default nobody overrides; its own nulls are dropped.
                if !entry.node.isNull { out.append(withoutNulls(entry)) }
                continue
            }
            taken.insert(entry.key)
            let mine = userEntries[at]
            // A user null removes the default, even a null default.
            if mine.node.isNull { continue }
            if case .map = mine.node.content, case .map = entry.node.content {
                var merged = entry
                merged.node = coalesceTable(mine.node, withoutNulls(entry.node))
                out.append(merged)
            } else {
                out.append(mine)
            }
        }
        for entry in userEntries where !taken.contains(entry.key) { out.append(entry) }
        return .map(out, origin: defaults.origin)
    }

    /// `coalesceTablesFullKey` with nulls already cleaned from `defaults`: a
    /// user null removes a default, a user null without one stays.
    private static func coalesceTable(_ user: ValuesNode, _ defaults: ValuesNode) -> ValuesNode {
        guard let userEntries = user.entries, let defaultEntries = defaults.entries else { return user }
        var userIndex: [String: Int] = [:]
        for (position, entry) in userEntries.enumerated() { userIndex[entry.key] = position }
        var out: [ValuesNode.Entry] = []
        var taken: Set<String> = []
        for entry in defaultEntries {
            guard let at = userIndex[entry.key] else {
                out.append(entry)
                continue
            }
            taken.insert(entry.key)
            let mine = userEntries[at]
            if mine.node.isNull { continue }
            if case .map = mine.node.content, case .map = entry.node.content {
                var merged = entry
                merged.node = coalesceTable(mine.node, entry.node)
                out.append(merged)
            } else {
                out.append(mine)
            }
        }
        for entry in userEntries where !taken.contains(entry.key) { out.append(entry) }
        return .map(out, origin: defaults.origin)
    }

    /// `cleanNilValues`: nulls leave maps, recursively; lists are untouched.
    private static func withoutNulls(_ node: ValuesNode) -> ValuesNode {
        guard let entries = node.entries else { return node }
        return .map(entries.compactMap { entry in
            entry.node.isNull ? nil : withoutNulls(entry)
        }, origin: node.origin)
    }

    private static func withoutNulls(_ entry: ValuesNode.Entry) -> ValuesNode.Entry {
        var copy = entry
        copy.node = withoutNulls(entry.node)
        return copy
    }

    // MARK: - Helpers

    static func valuesPath(_ chart: String) -> String {
        chart.hasSuffix("/") ? chart + "values.yaml" : chart + "/values.yaml"
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Go's `strconv.FormatFloat(x, 'g', -1, 64)`, the text a float key gets
    /// on its way through JSON.
    static func goFloatText(_ number: Double) -> String {
        let negative = number.sign == .minus
        let text = String(number.magnitude)
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var digits: [Character] = []
        var pointAt: Int?
        for character in mantissa {
            if character == "." { pointAt = digits.count } else { digits.append(character) }
        }
        var point = (pointAt ?? digits.count) + exponent
        while let first = digits.first, first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == "0" { digits.removeLast() }
        let sign = negative ? "-" : ""
        guard !digits.isEmpty else { return sign + "0" }
        let decimalExponent = point - 1
        if decimalExponent < -4 || decimalExponent >= 6 {
            var out = sign + String(digits[0])
            if digits.count > 1 { out += "." + String(digits[1...]) }
            let magnitude = abs(decimalExponent)
            out += (decimalExponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + String(magnitude)
            return out
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + String(digits) }
        if point >= digits.count { return sign + String(digits) + String(repeating: "0", count: point - digits.count) }
        return sign + String(digits[..<point]) + "." + String(digits[point...])
    }
}

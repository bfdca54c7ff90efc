import ManifestModel
#if canImport(Glibc)
import Glibc
#endif

/// The values keys a chart's templates test rather than print: read in
/// `if`, `with`, `range`, `eq`, `and`, `hasKey`, `ternary` and the like. A
/// change to one of them tends to switch whole blocks or resources on or
/// off, so the experiment changes them in few of its groups: a leaf that is
/// gone says nothing about what drives it. A hint, not an owner: it only
/// shapes the groups, never a finding.
public enum ConditionReads {
    static let testWords: Set<String> = [
        "if", "with", "range", "eq", "ne", "lt", "gt", "le", "ge", "and", "or", "not", "empty", "hasKey", "has",
        "ternary", "required", "fail", "semverCompare", "contains", "hasPrefix", "hasSuffix", "kindIs", "typeIs",
    ]

    /// Every `.Values` path tested in any template under `chart` (its
    /// subcharts' prefixed with their folder name, as Helm coalesces them).
    public static func scan(chart directory: String) -> Set<ValuesPath> {
        var found = Set<ValuesPath>()
        var pending: [(folder: String, prefix: [String])] = [(directory, [])]
        while let (folder, prefix) = pending.popLast() {
            for name in DirectoryListing.names(folder + "/templates") {
                scanFolder(folder + "/templates/" + name, prefix: prefix, into: &found)
            }
            for name in DirectoryListing.names(folder + "/charts") where isDirectory(folder + "/charts/" + name) {
                pending.append((folder + "/charts/" + name, prefix + [name]))
            }
        }
        return found
    }

    private static func scanFolder(_ path: String, prefix: [String], into found: inout Set<ValuesPath>) {
        if isDirectory(path) {
            for name in DirectoryListing.names(path) { scanFolder(path + "/" + name, prefix: prefix, into: &found) }
            return
        }
        guard let bytes = try? FileBytes.read(path, limit: 8 << 20) else { return }
        for path in tested(in: String(decoding: bytes, as: UTF8.self)) {
            found.insert(ValuesPath(prefix.map(ValuesPath.Segment.key) + path.segments))
            if case .key("global")? = path.segments.first { found.insert(path) }
        }
    }

    /// `.Values.a.b` chains in the actions of `text` that test something.
    static func tested(in text: String) -> [ValuesPath] {
        chains(in: text, testsOnly: true)
    }

    /// Every `.Values.a.b` chain written in an action of `text`, read or tested.
    public static func mentioned(in text: String) -> [ValuesPath] {
        chains(in: text, testsOnly: false)
    }

    static func chains(in text: String, testsOnly: Bool) -> [ValuesPath] {
        var result: [ValuesPath] = []
        var rest = text[...]
        while let open = rest.firstRange(of: "{{") {
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else { break }
            let action = rest[open.upperBound..<close.lowerBound]
            rest = rest[close.upperBound...]
            let words = action.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init)
            guard !testsOnly || words.contains(where: testWords.contains) else { continue }
            var scan = action[...]
            while let values = scan.firstRange(of: "Values.") {
                var segments: [ValuesPath.Segment] = []
                var cursor = values.upperBound
                while cursor < scan.endIndex {
                    let name = scan[cursor...].prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
                    guard !name.isEmpty else { break }
                    segments.append(.key(String(name)))
                    cursor = name.endIndex
                    guard cursor < scan.endIndex, scan[cursor] == "." else { break }
                    cursor = scan.index(after: cursor)
                }
                if !segments.isEmpty { result.append(ValuesPath(segments)) }
                scan = scan[values.upperBound...]
            }
        }
        return result
    }


    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }
}

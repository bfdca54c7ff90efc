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
        // Bytes, not Characters: every template of a chart tree goes through here.
        var result: [ValuesPath] = []
        var text = text
        text.withUTF8 { bytes in
            func isWordByte(_ byte: UInt8) -> Bool {
                byte == UInt8(ascii: "_") || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7a)
                    || byte >= 0x80
            }
            let values = Array("Values.".utf8)
            var cursor = 0
            while let open = find([0x7b, 0x7b], in: bytes, from: cursor) {
                guard let close = find([0x7d, 0x7d], in: bytes, from: open + 2) else { break }
                cursor = close + 2
                if testsOnly {
                    var tests = false
                    var word = open + 2
                    while word < close, !tests {
                        while word < close, !isWordByte(bytes[word]) { word += 1 }
                        let start = word
                        while word < close, isWordByte(bytes[word]) { word += 1 }
                        if word > start, testWords.contains(String(decoding: bytes[start..<word], as: UTF8.self)) { tests = true }
                    }
                    guard tests else { continue }
                }
                var scan = open + 2
                while let found = find(values, in: bytes, from: scan), found < close {
                    var segments: [ValuesPath.Segment] = []
                    var position = found + values.count
                    while position < close {
                        let start = position
                        while position < close, isWordByte(bytes[position]) || bytes[position] == UInt8(ascii: "-") { position += 1 }
                        guard position > start else { break }
                        segments.append(.key(String(decoding: bytes[start..<position], as: UTF8.self)))
                        guard position < close, bytes[position] == UInt8(ascii: ".") else { break }
                        position += 1
                    }
                    if !segments.isEmpty { result.append(ValuesPath(segments)) }
                    scan = found + values.count
                }
            }
        }
        return result
    }

    private static func find(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var index = start
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == needle[0] {
                var offset = 1
                while offset < needle.count, bytes[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return index }
            }
            index += 1
        }
        return nil
    }


    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }
}

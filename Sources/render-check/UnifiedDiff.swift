/// A unified diff (`diff -u` style, three lines of context) between two
/// versions of one text file, for `check --fix --dry-run`.
struct UnifiedDiff {
    static let context = 3

    static func make(path: String, before: [UInt8], after: [UInt8]) -> String {
        let old = lines(before)
        let new = lines(after)
        // Fixes change scalars in place, never the number of lines: lines pair up by index.
        guard old.count == new.count else { return whole(path: path, old, new) }
        let changed = old.indices.filter { old[$0] != new[$0] }
        guard !changed.isEmpty else { return "" }
        var hunks: [Range<Int>] = []
        for index in changed {
            let range = max(0, index - context)..<min(old.count, index + context + 1)
            if let last = hunks.last, range.lowerBound <= last.upperBound {
                hunks[hunks.count - 1] = last.lowerBound..<range.upperBound
            } else {
                hunks.append(range)
            }
        }
        var text = "--- a/\(path)\n+++ b/\(path)\n"
        for hunk in hunks {
            text += "@@ -\(hunk.lowerBound + 1),\(hunk.count) +\(hunk.lowerBound + 1),\(hunk.count) @@\n"
            for index in hunk {
                if old[index] == new[index] {
                    text += " " + old[index]
                } else {
                    text += "-" + old[index] + "+" + new[index]
                }
            }
        }
        return text
    }

    /// Lines with their breaks; a last line without one is marked as diff does.
    private static func lines(_ bytes: [UInt8]) -> [String] {
        var result: [String] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            result.append(String(decoding: bytes[start...index], as: UTF8.self))
            start = index + 1
        }
        if start < bytes.count {
            result.append(String(decoding: bytes[start...], as: UTF8.self) + "\n\\ No newline at end of file\n")
        }
        return result
    }

    private static func whole(path: String, _ old: [String], _ new: [String]) -> String {
        "--- a/\(path)\n+++ b/\(path)\n@@ -1,\(old.count) +1,\(new.count) @@\n"
            + old.map { "-" + $0 }.joined() + new.map { "+" + $0 }.joined()
    }
}

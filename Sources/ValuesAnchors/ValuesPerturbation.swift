import ManifestModel

/// The values keys an experiment can change, each with a change that marks
/// it: a string gets a suffix no chart writes (`zq` and three letters), an
/// integer moves by about 7919 to a value no other key's change is near, a
/// float moves by 0.5. A rendered value that carries a key's mark carries
/// that key's value; one that changed without it was changed indirectly.
public struct ValuesPerturbation: Sendable {
    public enum Mark: Sendable, Hashable {
        case suffix(String)
        case integer(Int64)
        case float(Double)
    }

    public struct Key: Sendable, Hashable {
        public var path: ValuesPath
        public var original: ScalarValue
        public var mark: Mark

        /// The value the key takes when it is changed.
        public var changed: ScalarValue {
            switch (original, mark) {
            case (.string(let text), .suffix(let suffix)):
                // Before a trailing line break, so a block of YAML in a string still parses.
                let body = text.reversed().drop { $0 == "\n" }.count
                return .string(String(text.prefix(body)) + suffix + String(text.dropFirst(body)))
            case (_, .integer(let number)): return .int(number)
            case (_, .float(let number)): return .float(number)
            default: return original
            }
        }
    }

    /// How far apart integer marks stay, and how near a rendered integer
    /// must be to count as carrying one (`add1`, `sub 1` keep the mark).
    static let integerSpacing: Int64 = 7
    static let integerTolerance: Int64 = 3
    static let integerShift: Int64 = 7919

    public let values: ValuesNode
    public let keys: [Key]
    private let suffixIndex: [String: Int]
    private let integerIndex: [Int64: Int]

    /// Every scalar of `values` that is not a boolean or null: what spec
    /// section 5.2 perturbs.
    public init(values: ValuesNode) {
        self.values = values
        var keys: [Key] = []
        var suffixes: [String: Int] = [:]
        var integers: [Int64: Int] = [:]
        var taken = Set<Int64>()
        for leaf in values.leaves() {
            guard case .scalar(let scalar) = leaf.node.content else { continue }
            let mark: Mark
            switch scalar {
            case .null, .bool:
                continue
            case .string:
                let suffix = Self.suffix(keys.count)
                suffixes[suffix] = keys.count
                mark = .suffix(suffix)
            case .int(let number):
                var candidate = number &+ Self.integerShift
                while (candidate - Self.integerSpacing + 1...candidate + Self.integerSpacing - 1).contains(where: taken.contains) {
                    candidate &+= 1
                }
                taken.insert(candidate)
                integers[candidate] = keys.count
                mark = .integer(candidate)
            case .float(let number):
                mark = .float(number + 0.5)
            }
            keys.append(Key(path: leaf.path, original: scalar, mark: mark))
        }
        self.keys = keys
        self.suffixIndex = suffixes
        self.integerIndex = integers
    }

    /// `zq` and three letters a to y: the letters never contain `zq`, so a
    /// mark is found wherever a rendered value starts one.
    static func suffix(_ index: Int) -> String {
        var letters: [Character] = []
        var rest = index
        for _ in 0..<3 {
            letters.append(Character(UnicodeScalar(UInt8(97 + rest % 25))))
            rest /= 25
        }
        return "zq" + String(letters.reversed())
    }

    // MARK: - Overlays

    /// A values document that changes the keys in `group` and nothing else:
    /// maps hold only the changed entries (Helm merges maps), a list is given
    /// whole with its changed items (Helm replaces lists). JSON, which Helm
    /// reads as YAML.
    public func overlay(_ group: KeySet) -> String {
        var changes: [ValuesPath: ScalarValue] = [:]
        for index in group.members where keys.indices.contains(index) {
            changes[keys[index].path] = keys[index].changed
        }
        var text = ""
        Self.write(values, at: .root, changes: changes, whole: false, into: &text)
        return text
    }

    private static func write(_ node: ValuesNode, at path: ValuesPath, changes: [ValuesPath: ScalarValue],
                              whole: Bool, into text: inout String) {
        switch node.content {
        case .scalar(let value):
            ValuesNode.writeJSON(changes[path] ?? value, into: &text)
        case .list(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                write(item, at: path.appending(index: index), changes: changes, whole: true, into: &text)
            }
            text += "]"
        case .map(let entries):
            text += "{"
            var first = true
            for entry in entries {
                let child = path.appending(key: entry.key)
                guard whole || changes.keys.contains(where: { child.isPrefix(of: $0) }) else { continue }
                if !first { text += "," }
                first = false
                ValuesNode.writeJSONString(entry.key, into: &text)
                text += ":"
                write(entry.node, at: child, changes: changes, whole: whole, into: &text)
            }
            text += "}"
        }
    }

    // MARK: - Reading marks back

    /// The keys whose mark `text` carries: each suffix found in it, and the
    /// integer marks it is (within the tolerance) or spells out as digits.
    public func marks(in text: String) -> [Int] {
        var found: [Int] = []
        let bytes = Array(text.utf8)
        if let whole = Int64(text) {
            for candidate in (whole - Self.integerTolerance)...(whole + Self.integerTolerance) {
                if let index = integerIndex[candidate] { found.append(index) }
            }
        } else if let number = Double(text) {
            for (index, key) in keys.enumerated() {
                if case .float(let mark) = key.mark, mark == number { found.append(index) }
            }
        }
        var position = 0
        while position < bytes.count {
            let byte = bytes[position]
            if (byte == UInt8(ascii: "z") || byte == UInt8(ascii: "Z")) && position + 5 <= bytes.count,
               bytes[position + 1] | 0x20 == UInt8(ascii: "q") {
                let token = String(decoding: bytes[position..<position + 5].map { $0 | 0x20 }, as: UTF8.self)
                if let index = suffixIndex[token] {
                    found.append(index)
                    position += 5
                    continue
                }
            }
            if Self.isDigit(byte), position == 0 || !Self.isDigit(bytes[position - 1]) {
                var end = position
                while end < bytes.count, Self.isDigit(bytes[end]) { end += 1 }
                if end - position < 19, end - position < bytes.count,
                   let number = Int64(String(decoding: bytes[position..<end], as: UTF8.self)),
                   let index = integerIndex[number] {
                    found.append(index)
                }
                position = end
                continue
            }
            position += 1
        }
        return found
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

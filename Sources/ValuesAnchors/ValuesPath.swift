/// A place in a chart's values: `service.port`, `ports[0].name`. Written the
/// way templates spell `.Values` paths, so it reads as the reviewer expects;
/// a key that a dot or a bracket would make ambiguous is written `["a.b"]`.
public struct ValuesPath: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Segment: Sendable, Hashable, Comparable, CustomStringConvertible {
        case key(String)
        case index(Int)

        /// Indexes sort before keys so a list's items stay together.
        public static func < (lhs: Segment, rhs: Segment) -> Bool {
            switch (lhs, rhs) {
            case (.index(let a), .index(let b)): return a < b
            case (.key(let a), .key(let b)): return a < b
            case (.index, .key): return true
            case (.key, .index): return false
            }
        }

        public var description: String {
            switch self {
            case .index(let index): return "[\(index)]"
            case .key(let key): return ValuesPath.needsBrackets(key) ? ValuesPath.bracketed(key) : key
            }
        }
    }

    public var segments: [Segment]

    public init(_ segments: [Segment] = []) {
        self.segments = segments
    }

    public static let root = ValuesPath()

    /// Reads `a.b[0].c` and `a["b.c"]`; nil when the text is not a path. An
    /// empty string is the root. A leading `values.` is part of the path: use
    /// `init?(anchor:)` to read an anchor.
    public init?(_ text: String) {
        guard let segments = ValuesPath.parse(Array(text.unicodeScalars)) else { return nil }
        self.segments = segments
    }

    /// Reads an anchor such as `values.service.port`.
    public init?(anchor: String) {
        let scalars = Array(anchor.unicodeScalars)
        let prefix = Array("values".unicodeScalars)
        guard scalars.starts(with: prefix) else { return nil }
        let rest = scalars[prefix.count...]
        if rest.isEmpty { self.segments = []; return }
        guard rest.first == ".", let segments = ValuesPath.parse(Array(rest.dropFirst())), !segments.isEmpty
        else { return nil }
        self.segments = segments
    }

    public var isRoot: Bool { segments.isEmpty }
    public var last: Segment? { segments.last }
    public var parent: ValuesPath? { segments.isEmpty ? nil : ValuesPath(Array(segments.dropLast())) }

    public func appending(_ segment: Segment) -> ValuesPath {
        ValuesPath(segments + [segment])
    }

    public func appending(key: String) -> ValuesPath { appending(.key(key)) }
    public func appending(index: Int) -> ValuesPath { appending(.index(index)) }

    public func appending(_ other: ValuesPath) -> ValuesPath {
        ValuesPath(segments + other.segments)
    }

    /// True when `other` is this path or lies below it.
    public func isPrefix(of other: ValuesPath) -> Bool {
        other.segments.starts(with: segments)
    }

    public static func < (lhs: ValuesPath, rhs: ValuesPath) -> Bool {
        lhs.segments.lexicographicallyPrecedes(rhs.segments)
    }

    public var description: String {
        var text = ""
        for segment in segments {
            switch segment {
            case .index:
                text += segment.description
            case .key(let key):
                if ValuesPath.needsBrackets(key) {
                    text += ValuesPath.bracketed(key)
                } else {
                    if !text.isEmpty { text += "." }
                    text += key
                }
            }
        }
        return text
    }

    /// The name findings and the spec use for a values key: `values.service.port`.
    public var anchor: String {
        segments.isEmpty ? "values" : (needsBracketFirst ? "values" : "values.") + description
    }

    private var needsBracketFirst: Bool {
        if case .key(let key)? = segments.first { return ValuesPath.needsBrackets(key) }
        return segments.first != nil
    }

    // MARK: - Syntax

    static func needsBrackets(_ key: String) -> Bool {
        if key.isEmpty { return true }
        for scalar in key.unicodeScalars {
            switch scalar {
            case ".", "[", "]", "\"", "\\": return true
            default: continue
            }
        }
        return false
    }

    static func bracketed(_ key: String) -> String {
        var text = "[\""
        for scalar in key.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { text += "\\" }
            text.unicodeScalars.append(scalar)
        }
        return text + "\"]"
    }

    private static func parse(_ scalars: [Unicode.Scalar]) -> [Segment]? {
        var segments: [Segment] = []
        var index = 0
        // A bare key may follow the start or a dot; brackets may follow anything.
        var expectKey = true
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "[" {
                index += 1
                guard index < scalars.count else { return nil }
                if scalars[index] == "\"" {
                    index += 1
                    var key = ""
                    var closed = false
                    while index < scalars.count {
                        let next = scalars[index]
                        index += 1
                        if next == "\\" {
                            guard index < scalars.count else { return nil }
                            key.unicodeScalars.append(scalars[index])
                            index += 1
                        } else if next == "\"" {
                            closed = true
                            break
                        } else {
                            key.unicodeScalars.append(next)
                        }
                    }
                    guard closed, index < scalars.count, scalars[index] == "]" else { return nil }
                    index += 1
                    segments.append(.key(key))
                } else {
                    var value = 0
                    var digits = 0
                    while index < scalars.count, let digit = digitValue(scalars[index]) {
                        guard value <= (Int.max - digit) / 10 else { return nil }
                        value = value * 10 + digit
                        digits += 1
                        index += 1
                    }
                    guard digits > 0, index < scalars.count, scalars[index] == "]" else { return nil }
                    index += 1
                    segments.append(.index(value))
                }
                expectKey = false
            } else if scalar == "." {
                // A dot separates; it cannot start the path, end it, or double up.
                guard !expectKey, index + 1 < scalars.count,
                      scalars[index + 1] != ".", scalars[index + 1] != "[" else { return nil }
                index += 1
                expectKey = true
            } else {
                guard expectKey else { return nil }
                var key = ""
                while index < scalars.count, scalars[index] != ".", scalars[index] != "[" {
                    guard scalars[index] != "]", scalars[index] != "\"", scalars[index] != "\\" else { return nil }
                    key.unicodeScalars.append(scalars[index])
                    index += 1
                }
                segments.append(.key(key))
                expectKey = false
            }
        }
        // A trailing dot leaves a key expected but never read.
        if expectKey && !segments.isEmpty { return nil }
        return segments
    }

    private static func digitValue(_ scalar: Unicode.Scalar) -> Int? {
        guard scalar.value >= 48, scalar.value <= 57 else { return nil }
        return Int(scalar.value - 48)
    }
}

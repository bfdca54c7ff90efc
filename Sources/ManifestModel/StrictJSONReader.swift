#if canImport(Glibc)
import Glibc
#endif

/// Builds a file that is strict JSON straight into a `YAMLDocument`: the same
/// nodes, texts, styles and marks that libyaml's events give for it.
///
/// Contracts, allowlists and language-server messages are JSON, and libyaml
/// scans flow style slowly: reading a 7 KB contract took 1.4 of the 6.6
/// million instructions of a small check (callgrind). This reader takes only
/// what it can match libyaml on exactly: an object or array starting at the
/// first column, strict JSON grammar, spaces and line feeds between tokens,
/// and UTF-8 only inside strings. On anything else (a tab, a carriage
/// return, a comment, a surrogate escape, a character libyaml refuses or
/// folds, a key libyaml could not take as a simple key, deep nesting, a
/// limit reached) it gives nil and libyaml reads the bytes, so every error
/// is still libyaml's. `StrictJSONReaderTests` holds both readings to the
/// same tree, node by node and mark by mark.
enum StrictJSONReader {
    /// Deeper documents go to libyaml, whose own nesting rules then apply.
    private static let maxDepth = 64
    /// libyaml forgets a possible simple key 1,024 characters after it started.
    private static let maxKeyLength = 1000

    static func document(_ bytes: [UInt8], name: String, limits: ParseLimits) -> YAMLDocument? {
        guard bytes.count <= limits.maxDocumentBytes, bytes.first == UInt8(ascii: "{") || bytes.first == UInt8(ascii: "[")
                || bytes.first == UInt8(ascii: " ") || bytes.first == UInt8(ascii: "\n") else { return nil }
        return bytes.withUnsafeBufferPointer { text in
            var reader = Reader(text: text, builder: DocumentBuilder(file: name, limits: limits))
            return reader.read()
        }
    }

    private struct Reader {
        let text: UnsafeBufferPointer<UInt8>
        var builder: DocumentBuilder
        var index = 0
        var line: Int32 = 1
        var lineStart = 0
        /// Bytes past the first of each multi-byte character since `lineStart`:
        /// libyaml counts columns in characters.
        var extraBytes = 0
        var decoded: [UInt8] = []

        init(text: UnsafeBufferPointer<UInt8>, builder: DocumentBuilder) {
            self.text = text
            self.builder = builder
        }

        var mark: ArenaMark {
            ArenaMark(line: line, column: Int32(truncatingIfNeeded: index - lineStart - extraBytes + 1))
        }

        var current: UInt8? { index < text.count ? text[index] : nil }

        mutating func read() -> YAMLDocument? {
            guard skipSpace(), mark.column == 1, current == UInt8(ascii: "{") || current == UInt8(ascii: "[") else {
                return nil
            }
            builder.begin(start: mark.mark, explicitStart: false)
            guard value(depth: 0), skipSpace(), index == text.count else { return nil }
            // libyaml ends the stream at the start of the line after the last character.
            let end = Mark(line: Int(line) + (index > lineStart ? 1 : 0), column: 1)
            return builder.finish(index: 0, end: end, explicitEnd: false, source: nil)
        }

        /// Skips spaces and line feeds; false at a byte between tokens that
        /// libyaml might read otherwise (a tab or a carriage return).
        mutating func skipSpace() -> Bool {
            while index < text.count {
                switch text[index] {
                case UInt8(ascii: " "):
                    index += 1
                case UInt8(ascii: "\n"):
                    index += 1
                    line += 1
                    lineStart = index
                    extraBytes = 0
                case UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    return false
                default:
                    return true
                }
            }
            return true
        }

        mutating func value(depth: Int) -> Bool {
            guard let byte = current else { return false }
            switch byte {
            case UInt8(ascii: "{"): return collection(.mapping, depth: depth)
            case UInt8(ascii: "["): return collection(.sequence, depth: depth)
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return plain(literal: "true")
            case UInt8(ascii: "f"): return plain(literal: "false")
            case UInt8(ascii: "n"): return plain(literal: "null")
            default: return number()
            }
        }

        mutating func collection(_ kind: NodeKind, depth: Int) -> Bool {
            guard depth < StrictJSONReader.maxDepth,
                  (try? builder.openCollection(kind: kind, style: .flow, tag: nil, anchor: nil, start: mark)) != nil else {
                return false
            }
            let close = kind == .mapping ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            guard skipSpace() else { return false }
            if current == close { return closeCollection() }
            while true {
                if kind == .mapping {
                    guard current == UInt8(ascii: "\"") else { return false }
                    let keyStart = index, keyLine = line
                    guard string(), skipSpace(), current == UInt8(ascii: ":"),
                          line == keyLine, index - keyStart < StrictJSONReader.maxKeyLength else { return false }
                    index += 1
                    guard skipSpace() else { return false }
                }
                guard value(depth: depth + 1), skipSpace() else { return false }
                if current == close { return closeCollection() }
                guard current == UInt8(ascii: ","), index + 1 < text.count else { return false }
                index += 1
                guard skipSpace() else { return false }
            }
        }

        mutating func closeCollection() -> Bool {
            index += 1
            builder.closeCollection(end: mark)
            return true
        }

        /// After a plain scalar: what ends it in both JSON and libyaml's flow context.
        func endsPlainScalar(_ byte: UInt8?) -> Bool {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): return true
            default: return false
            }
        }

        mutating func plain(literal: StaticString) -> Bool {
            let length = literal.utf8CodeUnitCount
            guard index + length <= text.count,
                  memcmp(text.baseAddress! + index, literal.utf8Start, length) == 0 else { return false }
            return plainScalar(from: index, to: index + length)
        }

        /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
        mutating func number() -> Bool {
            var end = index
            func digits() -> Int {
                let start = end
                while end < text.count, text[end] >= UInt8(ascii: "0"), text[end] <= UInt8(ascii: "9") { end += 1 }
                return end - start
            }
            if end < text.count, text[end] == UInt8(ascii: "-") { end += 1 }
            guard end < text.count else { return false }
            if text[end] == UInt8(ascii: "0") {
                end += 1
            } else {
                guard digits() > 0 else { return false }
            }
            if end < text.count, text[end] == UInt8(ascii: ".") {
                end += 1
                guard digits() > 0 else { return false }
            }
            if end < text.count, text[end] == UInt8(ascii: "e") || text[end] == UInt8(ascii: "E") {
                end += 1
                if end < text.count, text[end] == UInt8(ascii: "+") || text[end] == UInt8(ascii: "-") { end += 1 }
                guard digits() > 0 else { return false }
            }
            return plainScalar(from: index, to: end)
        }

        mutating func plainScalar(from start: Int, to end: Int) -> Bool {
            guard end < text.count, endsPlainScalar(text[end]) else { return false }
            let startMark = mark
            index = end
            return add(UnsafeBufferPointer(rebasing: text[start..<end]), style: .plain, start: startMark)
        }

        mutating func add(_ value: UnsafeBufferPointer<UInt8>, style: ScalarStyle, start: ArenaMark) -> Bool {
            (try? builder.addScalar(value: value, style: style, tag: nil, anchor: nil, start: start, end: mark)) != nil
        }

        mutating func string() -> Bool {
            let startMark = mark
            index += 1
            var runStart = index
            var escaped = false
            decoded.removeAll(keepingCapacity: true)
            while true {
                guard index < text.count else { return false }
                let byte = text[index]
                if byte == UInt8(ascii: "\"") { break }
                if byte == UInt8(ascii: "\\") {
                    decoded.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index]))
                    escaped = true
                    guard escape() else { return false }
                    runStart = index
                } else if byte < 0x80 {
                    // libyaml's reader refuses control characters, DEL included.
                    guard byte >= 0x20, byte != 0x7F else { return false }
                    index += 1
                } else {
                    guard character() else { return false }
                }
            }
            let end = index
            index += 1
            if !escaped { return add(UnsafeBufferPointer(rebasing: text[runStart..<end]), style: .doubleQuoted, start: startMark) }
            decoded.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<end]))
            let value = decoded
            return value.withUnsafeBufferPointer { add($0, style: .doubleQuoted, start: startMark) }
        }

        /// One JSON escape at `index`, decoded into `decoded`.
        mutating func escape() -> Bool {
            guard index + 1 < text.count else { return false }
            let letter = text[index + 1]
            index += 2
            switch letter {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(letter)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                guard index + 4 <= text.count else { return false }
                var scalar: UInt32 = 0
                for offset in 0..<4 {
                    guard let digit = hexValue(text[index + offset]) else { return false }
                    scalar = scalar << 4 | digit
                }
                index += 4
                // libyaml refuses a lone surrogate, and JSON's pairs are two of them.
                guard let unicode = Unicode.Scalar(scalar) else { return false }
                decoded.append(contentsOf: UTF8.encode(unicode)!)
            default:
                return false
            }
            return true
        }

        func hexValue(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }

        /// A multi-byte UTF-8 character at `index` that libyaml's reader takes
        /// and its scanner keeps as it is: not a line break (NEL, LS, PS), a
        /// byte-order mark, a C1 control or a non-character it refuses.
        mutating func character() -> Bool {
            let lead = text[index]
            let width: Int
            var scalar: UInt32
            switch lead {
            case 0xC2...0xDF: width = 2; scalar = UInt32(lead & 0x1F)
            case 0xE0...0xEF: width = 3; scalar = UInt32(lead & 0x0F)
            case 0xF0...0xF4: width = 4; scalar = UInt32(lead & 0x07)
            default: return false
            }
            guard index + width <= text.count else { return false }
            for offset in 1..<width {
                let byte = text[index + offset]
                guard byte & 0xC0 == 0x80 else { return false }
                scalar = scalar << 6 | UInt32(byte & 0x3F)
            }
            let shortest: UInt32 = width == 2 ? 0x80 : width == 3 ? 0x800 : 0x10000
            guard scalar >= shortest, scalar >= 0xA0, scalar <= 0x10FFFF,
                  !(0xD800...0xDFFF).contains(scalar), scalar != 0x2028, scalar != 0x2029,
                  scalar != 0xFEFF, scalar != 0xFFFE, scalar != 0xFFFF else { return false }
            index += width
            extraBytes += width - 1
            return true
        }
    }
}

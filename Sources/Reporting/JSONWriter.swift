import ManifestModel

/// Writes a `JSONValue` byte for byte as Python's
/// `json.dumps(value, indent=2, sort_keys=True, ensure_ascii=True)`:
/// `": "` and `","` separators, two spaces per level, `[]` and `{}` for empty
/// containers, keys sorted by Unicode code point (Python's `str` order, not
/// Swift's canonical-equivalence order), and everything outside printable
/// ASCII escaped as lowercase `\uXXXX`, with surrogate pairs above the BMP.
struct JSONWriter {
    private var bytes: [UInt8] = []

    /// What has been written: ASCII only.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func write(_ value: JSONValue, level: Int) {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .int(let number): append(String(number))
        case .string(let text): writeString(text)
        case .array(let items):
            guard !items.isEmpty else { return append("[]") }
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                newline(level + 1)
                write(item, level: level + 1)
            }
            newline(level)
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            write(members: members, level: level)
        }
    }

    /// An object's members, in the order given (key order). `custom` may write
    /// a member's value itself (returning true) in place of the one given.
    mutating func write<Members: Sequence<(key: String, value: JSONValue)>>(members: Members, level: Int,
                        custom: (inout JSONWriter, String) -> Bool = { _, _ in false }) {
        var first = true
        for member in members {
            bytes.append(UInt8(ascii: first ? "{" : ","))
            first = false
            newline(level + 1)
            writeString(member.key)
            append(": ")
            if !custom(&self, member.key) { write(member.value, level: level + 1) }
        }
        if first { return append("{}") }
        newline(level)
        bytes.append(UInt8(ascii: "}"))
    }

    /// Text the caller has already formatted (separators and indentation between values).
    mutating func raw(_ text: String) {
        append(text)
    }

    private mutating func newline(_ level: Int) {
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings are printable ASCII with nothing to escape: copied whole.
        var text = text
        let copied = text.withUTF8 { utf8 in
            guard !utf8.contains(where: { $0 < 0x20 || $0 > 0x7E || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                return false
            }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copied {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": append("\\\"")
            case "\\": append("\\\\")
            case "\n": append("\\n")
            case "\r": append("\\r")
            case "\t": append("\\t")
            case "\u{08}": append("\\b")
            case "\u{0C}": append("\\f")
            case " "..."~": bytes.append(UInt8(scalar.value))
            default:
                if scalar.value > 0xFFFF {
                    let offset = scalar.value - 0x10000
                    escape(0xD800 + (offset >> 10))
                    escape(0xDC00 + (offset & 0x3FF))
                } else {
                    escape(scalar.value)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private mutating func escape(_ unit: UInt32) {
        append("\\u")
        for shift in stride(from: 12, through: 0, by: -4) {
            bytes.append(Self.hexDigits[Int((unit >> UInt32(shift)) & 0xF)])
        }
    }
}

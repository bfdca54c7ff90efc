import ManifestModel

/// The cache's form of a measurement: one line per fact, fields separated by
/// tabs, read back on bytes. A warm run reads the whole entry before it can
/// answer (keda's is 1.9 MB), and as JSON through libyaml that was a third of
/// a warm check. Anything that is not a whole entry of this format and digest
/// (truncated, foreign, invalid UTF-8) decodes to nil: an entry to ignore.
extension MeasuredOwnership {
    static let format = "render-check measured ownership"
    static let formatVersion = 2

    private static let tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n"), backslash = UInt8(ascii: "\\")

    /// The header line, an `u` line per unmeasured key, an `l` line per leaf
    /// (source, document, path, value, status, carried, drivers...), and an
    /// `end` line with the leaf count, so a cut-off entry is seen as one.
    public func encoded(digest: String) -> String {
        var text = Self.format + "\t\(Self.formatVersion)\t" + EventLines.escape(digest) + "\t\(keyCount)\t\(renders)\n"
        for path in unmeasured { text += "u\t" + EventLines.escape(path.description) + "\n" }
        let places = leaves.keys.sorted { ($0.source, $0.document, $0.path) < ($1.source, $1.document, $1.path) }
        for place in places {
            let leaf = leaves[place]!
            var fields = [place.source, place.document, place.path, leaf.value, leaf.status.rawValue, String(leaf.carried)]
            fields += leaf.drivers.map(\.description)
            text += "l\t" + fields.map(EventLines.escape).joined(separator: "\t") + "\n"
        }
        return text + "end\t\(places.count)\n"
    }

    /// The measurement in `bytes`, or nil when they are not a whole
    /// measurement of `digest` in this format.
    public init?(decoding bytes: [UInt8], digest: String) {
        guard String(validating: bytes, as: UTF8.self) != nil else { return nil }
        var lines = bytes.split(separator: Self.newline, omittingEmptySubsequences: false)[...]
        guard lines.last?.isEmpty == true else { return nil }
        lines.removeLast()
        guard let header = lines.popFirst().map(Self.fields), header.count == 5,
              header[0] == Self.format, header[1] == String(Self.formatVersion), header[2] == digest,
              let keys = Int(header[3]), let renders = Int(header[4]),
              let end = lines.popLast().map(Self.fields), end.count == 2, end[0] == "end", let count = Int(end[1]) else { return nil }
        var unmeasured: [ValuesPath] = []
        var leaves: [Place: Leaf] = [:]
        leaves.reserveCapacity(count)
        for line in lines {
            let fields = Self.fields(line)
            switch fields.first {
            case "u"?:
                guard fields.count == 2, let path = ValuesPath(fields[1]) else { return nil }
                unmeasured.append(path)
            case "l"?:
                guard fields.count >= 7, let status = Status(rawValue: fields[5]), let carried = Int(fields[6]) else { return nil }
                var drivers: [ValuesPath] = []
                for text in fields[7...] {
                    guard let path = ValuesPath(text) else { return nil }
                    drivers.append(path)
                }
                guard carried >= 0, carried <= drivers.count else { return nil }
                leaves[Place(source: fields[1], document: fields[2], path: fields[3])] =
                    Leaf(value: fields[4], status: status, drivers: drivers, carried: carried)
            default:
                return nil
            }
        }
        guard leaves.count == count else { return nil }
        self.init(leaves: leaves, keyCount: keys, unmeasured: unmeasured, renders: renders)
    }

    /// A line's tab-separated fields, with `EventLines.escape` undone (an
    /// escape it does not write is kept as it stands).
    private static func fields(_ line: ArraySlice<UInt8>) -> [String] {
        // Long CRD descriptions make long lines: scanned once, on raw bytes.
        line.withUnsafeBufferPointer { buffer in
            var fields: [String] = []
            var start = 0
            var escapes = false
            for index in 0...buffer.count {
                if index < buffer.count {
                    let byte = buffer[index]
                    if byte == backslash { escapes = true }
                    guard byte == tab else { continue }
                }
                let field = UnsafeBufferPointer(rebasing: buffer[start..<index])
                fields.append(escapes ? unescaped(field) : String(decoding: field, as: UTF8.self))
                start = index + 1
                escapes = false
            }
            return fields
        }
    }

    private static func unescaped(_ field: UnsafeBufferPointer<UInt8>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(field.count)
        var escaping = false
        for byte in field {
            if escaping {
                switch byte {
                case UInt8(ascii: "t"): bytes.append(tab)
                case UInt8(ascii: "n"): bytes.append(newline)
                case UInt8(ascii: "r"): bytes.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "0"): bytes.append(0)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case backslash: bytes.append(backslash)
                default: bytes += [backslash, byte]
                }
                escaping = false
            } else if byte == backslash {
                escaping = true
            } else {
                bytes.append(byte)
            }
        }
        if escaping { bytes.append(backslash) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

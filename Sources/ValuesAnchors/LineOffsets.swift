import ManifestModel

/// Byte offsets of lines, to turn a libyaml mark (1-based line, column in
/// Unicode scalars) into a byte offset. Breaks are LF, CRLF or CR, as libyaml reads them.
struct LineOffsets {
    let bytes: [UInt8]
    private(set) var starts: [Int] = []

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        // A byte order mark is read by libyaml before line 1 column 1.
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        starts.append(index)
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == 0x0D, index < bytes.count, bytes[index] == 0x0A { index += 1 }
            if byte == 0x0A || byte == 0x0D { starts.append(index) }
        }
    }

    func offset(of mark: Mark) -> Int? {
        guard mark.line >= 1, mark.line <= starts.count, mark.column >= 1 else { return nil }
        var index = starts[mark.line - 1]
        var column = 1
        while column < mark.column {
            guard index < bytes.count, bytes[index] != 0x0A, bytes[index] != 0x0D else { return nil }
            index += 1
            // Skip continuation bytes: one column per Unicode scalar.
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
            column += 1
        }
        return index
    }
}

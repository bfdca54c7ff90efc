internal import CZlib
import ManifestModel

/// The regular files of a packaged chart (`charts/<name>-<version>.tgz`, as
/// `helm package` and `helm dependency build` write them): gzip over a POSIX
/// or PAX tar. Only read into memory, never extracted to disk.
struct ChartArchive: Sendable {
    /// Member paths (`common/templates/_names.tpl`) and their bytes, in archive order.
    var members: [(path: String, bytes: [UInt8])]

    /// A packaged chart is small; anything larger is refused rather than inflated without bound.
    static let maxInflatedBytes = 256 << 20

    static func read(_ path: String) throws(ValuesError) -> ChartArchive {
        let location = SourceLocation(file: path, line: 1, column: 1)
        guard let compressed = try? FileBytes.read(path, limit: 64 << 20) else {
            throw ValuesError(.unreadable, "chart archive cannot be read", at: location)
        }
        let tar = try inflate(compressed, at: location)
        return try ChartArchive(members: untar(tar, at: location))
    }

    /// gzip (possibly several members) to bytes.
    static func inflate(_ input: [UInt8], at location: SourceLocation) throws(ValuesError) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 16: a gzip header, not a raw zlib stream.
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ValuesError(.unreadable, "cannot start inflating the chart archive", at: location)
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var failure: String?
        input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            while true {
                let status: Int32 = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    return CZlib.inflate(&stream, Z_NO_FLUSH)
                }
                output += chunk[0..<(chunk.count - Int(stream.avail_out))]
                if output.count > maxInflatedBytes { failure = "chart archive inflates beyond 256 MiB; not read"; return }
                if status == Z_STREAM_END {
                    // Concatenated gzip members continue the same tar.
                    if stream.avail_in == 0 { return }
                    guard inflateReset(&stream) == Z_OK else { failure = "corrupt gzip stream"; return }
                    continue
                }
                if status != Z_OK {
                    failure = status == Z_BUF_ERROR && stream.avail_in == 0 ? "truncated gzip stream" : "corrupt gzip stream"
                    return
                }
            }
        }
        if let failure { throw ValuesError(.unreadable, "chart archive: \(failure)", at: location) }
        return output
    }

    /// Regular files of a tar; PAX `path` records and GNU long names honoured.
    static func untar(_ tar: [UInt8], at location: SourceLocation) throws(ValuesError) -> [(path: String, bytes: [UInt8])] {
        var members: [(String, [UInt8])] = []
        var offset = 0
        var pendingName: String?
        while offset + 512 <= tar.count {
            let header = tar[offset..<(offset + 512)]
            if header.allSatisfy({ $0 == 0 }) { break }
            func field(_ start: Int, _ length: Int) -> String {
                let bytes = tar[(offset + start)..<(offset + start + length)].prefix { $0 != 0 }
                return String(decoding: bytes, as: UTF8.self)
            }
            let sizeText = field(124, 12).trimmingCharacters(in: " \0")
            guard let size = Int(sizeText.isEmpty ? "0" : sizeText, radix: 8), size >= 0 else {
                throw ValuesError(.unreadable, "chart archive: bad tar header at byte \(offset)", at: location)
            }
            let dataStart = offset + 512
            guard dataStart + size <= tar.count else {
                throw ValuesError(.unreadable, "chart archive: truncated tar member at byte \(offset)", at: location)
            }
            let data = Array(tar[dataStart..<(dataStart + size)])
            let type = tar[offset + 156]
            var name = field(0, 100)
            let prefix = field(345, 155)
            if field(257, 5) == "ustar", !prefix.isEmpty { name = prefix + "/" + name }
            switch type {
            case UInt8(ascii: "x"):
                pendingName = paxPath(data) ?? pendingName
            case UInt8(ascii: "L"):
                pendingName = String(decoding: data.prefix { $0 != 0 }, as: UTF8.self)
            case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
                members.append((pendingName ?? name, data))
                pendingName = nil
            default:
                pendingName = nil
            }
            offset = dataStart + (size + 511) / 512 * 512
        }
        return members
    }

    /// The `path=` record of a PAX extended header.
    private static func paxPath(_ data: [UInt8]) -> String? {
        var index = 0
        var found: String?
        while index < data.count {
            guard let space = data[index...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: data[index..<space], as: UTF8.self)), length > 0,
                  index + length <= data.count else { return found }
            let record = String(decoding: data[(space + 1)..<(index + length - 1)], as: UTF8.self)
            if record.hasPrefix("path=") { found = String(record.dropFirst(5)) }
            index += length
        }
        return found
    }
}

import ManifestModel
#if canImport(Glibc)
import Glibc
#endif

/// A digest of everything that shapes a render: every file of the chart
/// (subcharts and archives included), the values files, the `--set`s, the
/// release, the namespace and which Helm renders. Equal digests, equal
/// renders; a measurement is cached under it. FNV-1a at 128 bits: not a
/// defence against forgery, a name for content.
public struct RenderDigest: Sendable, Hashable, CustomStringConvertible {
    private var state: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d
    private static let prime: UInt128 = (1 << 88) + 0x13b
    /// Chart files larger than this are digested by size and time only.
    static let largeFile = 32 << 20

    public init() {}

    public mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            state ^= UInt128(byte)
            state &*= Self.prime
        }
    }

    /// Adds a labelled field, framed by its length so fields cannot run together.
    public mutating func add(field name: String, _ value: String) {
        add(Array("\(name):\(value.utf8.count):".utf8))
        add(value.utf8)
    }

    /// Adds every regular file under `directory` (its path inside, then its
    /// bytes), in sorted order; links are digested by where they point.
    public mutating func add(folder directory: String) {
        var pending = [""]
        while let relative = pending.popLast() {
            let folder = relative.isEmpty ? directory : directory + "/" + relative
            let names = DirectoryListing.names(folder)
            for name in names.reversed() {
                let inside = relative.isEmpty ? name : relative + "/" + name
                let path = directory + "/" + inside
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    pending.append(inside)
                case S_IFLNK:
                    var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                    let count = readlink(path, &target, target.count - 1)
                    add(field: "link " + inside, count > 0 ? String(cString: target) : "")
                case S_IFREG:
                    if Int(info.st_size) > Self.largeFile {
                        add(field: "large " + inside, "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)")
                    } else {
                        add(field: "file " + inside, "\(info.st_size)")
                        add((try? FileBytes.read(path, limit: Self.largeFile)) ?? [])
                    }
                default:
                    continue
                }
            }
        }
    }

    /// Adds one file's bytes (a values overlay), or that it could not be read.
    public mutating func add(file path: String) {
        add(field: "values", path)
        add((try? FileBytes.read(path, limit: Self.largeFile)) ?? Array("unreadable".utf8))
    }

    public var description: String {
        let hex = String(state, radix: 16)
        return String(repeating: "0", count: 32 - hex.count) + hex
    }
}

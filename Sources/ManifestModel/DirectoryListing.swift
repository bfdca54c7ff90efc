#if canImport(Glibc)
import Glibc
#endif

/// The names in a folder, sorted, without `.` and `..`; empty when it
/// cannot be opened. Whoever walks a chart or an input tree lists it here.
public enum DirectoryListing {
    public static func names(_ folder: String) -> [String] {
        guard let handle = opendir(folder) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

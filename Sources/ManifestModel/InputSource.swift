/// Where a byte stream comes from. Every source is read through the same
/// libyaml read handler, so files, standard input and buffers behave alike.
public enum InputSource: Sendable, Hashable {
    case file(String)
    case standardInput
    case bytes([UInt8], name: String)

    /// The name that positions and messages use for this input.
    public var displayName: String {
        switch self {
        case .file(let path): return path
        case .standardInput: return "<stdin>"
        case .bytes(_, let name): return name
        }
    }
}

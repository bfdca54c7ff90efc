/// Something about the input that is not drift but must not pass silently:
/// a skipped document or file, a duplicate key, a shape Kubernetes rejects.
public struct ManifestNotice: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case skipped
        case duplicateKey = "duplicate-key"
        case invalid
    }

    public var kind: Kind
    public var message: String
    public var location: SourceLocation
    /// A second place the message refers to (the first of two duplicate keys).
    public var related: SourceLocation?

    public init(kind: Kind, message: String, location: SourceLocation, related: SourceLocation? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
        self.related = related
    }

    public static func < (lhs: ManifestNotice, rhs: ManifestNotice) -> Bool {
        (lhs.location, lhs.kind.rawValue, lhs.message) < (rhs.location, rhs.kind.rawValue, rhs.message)
    }

    public var description: String { "\(location): \(kind.rawValue): \(message)" }
}

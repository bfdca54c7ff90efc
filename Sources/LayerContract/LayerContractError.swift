import ManifestModel

/// A contract, allowlist or configuration file that cannot be used: the
/// message names the place in that file.
public struct LayerContractError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var location: SourceLocation

    public init(_ message: String, at location: SourceLocation) {
        self.message = message
        self.location = location
    }

    public init(_ error: YAMLError) {
        self.init(error.problem + (error.context.map { " (\($0))" } ?? ""), at: error.location)
    }

    public var description: String { "\(location): error: \(message)" }
}

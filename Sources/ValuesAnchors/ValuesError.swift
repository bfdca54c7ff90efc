import ManifestModel

/// Why values could not be loaded. Every case names the place in the input
/// that caused it: a values file's line and column, or for `--set` the
/// argument's index as line and the offending character as column.
public struct ValuesError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The file cannot be opened or read, or is too large.
        case unreadable
        /// libyaml rejected the file, or a parse limit was hit.
        case syntax
        /// A document's top level is a scalar or a sequence, not a mapping.
        case notAMapping
        /// A mapping key Helm cannot turn into a string (null, a collection).
        case invalidKey
        /// A value Helm cannot carry (`.inf`, `.nan`) or a malformed merge key.
        case invalidValue
        /// A `--set` expression Helm's parser rejects.
        case badSetExpression
        /// A path that leaves the chart folder (a symlinked `values.yaml`).
        case outsideChart
    }

    public var kind: Kind
    public var problem: String
    public var location: SourceLocation
    /// The parser's own error, kept for its stage and context mark.
    public var underlying: YAMLError?

    public init(_ kind: Kind, _ problem: String, at location: SourceLocation, underlying: YAMLError? = nil) {
        self.kind = kind
        self.problem = problem
        self.location = location
        self.underlying = underlying
    }

    /// Wraps a parser error, keeping its position and context.
    public init(_ error: YAMLError) {
        let kind: Kind = error.stage == .io ? .unreadable : .syntax
        var problem = error.problem
        if let context = error.context {
            problem += " (\(context)"
            if let mark = error.contextLocation { problem += " at \(mark.line):\(mark.column)" }
            problem += ")"
        }
        self.init(kind, problem, at: error.location, underlying: error)
    }

    public var description: String { "\(location): error: \(problem)" }
}

/// Bounds that keep hostile input from turning into unbounded work or memory.
/// Every limit is a flag of the command line; these defaults are far above
/// what real Kubernetes manifests need.
public struct ParseLimits: Sendable, Hashable {
    /// Deepest nesting of collections accepted in one document.
    public var maxDepth: Int
    /// Most nodes that aliases may add to one document when expanded.
    public var maxAliasExpansion: Int
    /// Largest document, in bytes of input, accepted.
    public var maxDocumentBytes: Int

    public init(maxDepth: Int = 512, maxAliasExpansion: Int = 1_000_000, maxDocumentBytes: Int = 64 << 20) {
        self.maxDepth = maxDepth
        self.maxAliasExpansion = maxAliasExpansion
        self.maxDocumentBytes = maxDocumentBytes
    }

    public static let `default` = ParseLimits()
}

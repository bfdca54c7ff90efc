import ArgumentParser
import ManifestModel

/// The parse limits every command that reads YAML accepts.
struct LimitOptions: ParsableArguments {
    @Option(help: "Deepest nesting of YAML collections accepted.")
    var maxDepth: Int = ParseLimits.default.maxDepth

    @Option(help: "Most nodes aliases may add to one document when expanded.")
    var maxAliasExpansion: Int = ParseLimits.default.maxAliasExpansion

    @Option(help: "Largest YAML document accepted, in bytes.")
    var maxDocumentBytes: Int = ParseLimits.default.maxDocumentBytes

    func validate() throws {
        guard maxDepth > 0, maxAliasExpansion >= 0, maxDocumentBytes > 0 else {
            throw ValidationError("limits must be positive")
        }
    }

    var parseLimits: ParseLimits {
        ParseLimits(maxDepth: maxDepth, maxAliasExpansion: maxAliasExpansion, maxDocumentBytes: maxDocumentBytes)
    }
}

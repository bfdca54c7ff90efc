import ArgumentParser

/// The root command is only configuration; each subcommand calls a library,
/// hands the result to a reporter and returns an explicit exit code.
struct RenderCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-check",
        abstract: "Check rendered Kubernetes manifests against the layer contract, and name the layer that owns each drift.",
        version: "0.1.0",
        subcommands: [Check.self, Init.self, Blame.self, Resources.self, ContractCommand.self, LSP.self]
    )

    /// The command line with `check` made explicit when it names no
    /// subcommand (`render-check`, `render-check big.yaml --format json`).
    /// `check` is the default this way rather than as the parser's
    /// `defaultSubcommand`, which makes ArgumentParser reflect over every
    /// option of `check` four more times on each start (measured with
    /// callgrind: 7.9 of the 19.5 million instructions a small check spent
    /// parsing its arguments).
    static func withDefaultSubcommand(_ arguments: [String]) -> [String] {
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        let rootFlags = ["-h", "--help", "--version", "--generate-completion-script", "--experimental-dump-help"]
        if let first = arguments.first, names.contains(first) || rootFlags.contains(first) { return arguments }
        return ["check"] + arguments
    }
}

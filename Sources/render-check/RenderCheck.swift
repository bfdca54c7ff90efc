import ArgumentParser

/// The root command is only configuration; each subcommand calls a library,
/// hands the result to a reporter and returns an explicit exit code.
struct RenderCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render-check",
        abstract: "Check rendered Kubernetes manifests against the layer contract, and name the layer that owns each drift.",
        version: "0.1.0",
        subcommands: [Check.self, Init.self, Blame.self, Resources.self, ContractCommand.self, LSP.self],
        defaultSubcommand: Check.self
    )
}

import ArgumentParser

@main
struct RenderCheck: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "render-check")
    func run() throws {}
}

import ArgumentParser
import LayerContract
import Reporting

extension ReportFormat: ExpressibleByArgument {}

/// How a triage leaves the process: one report on standard output in the
/// chosen format, and optionally the triage JSON written atomically.
struct OutputOptions: ParsableArguments {
    // ArgumentParser lists the values; building the list here cost every start 0.2M instructions.
    @Option(help: "Report format.")
    var format: ReportFormat = .text

    @Option(help: "Also write the triage JSON to this file, atomically (parent folders are created).")
    var output: String?

    static let toolVersion = "0.1.0"

    func emit(_ triage: Triage, environment: RunEnvironment, artifact configured: String?, fixes: [String: ValuesFix] = [:],
              configuration: String? = nil) throws {
        let context = ReportContext(toolVersion: Self.toolVersion, colour: environment.colour && format == .text, fixes: fixes,
                                    configuration: configuration.map { FilePath.relative($0, to: environment.workingDirectory) })
        let report = format.reporter().report(triage, context: context)
        Console.out(report)
        // An artifact from input that could not be read would be a half-truth: none is written.
        guard let path = output ?? configured, triage.exitCode != 2 else { return }
        let json = format == .json ? report : ReportFormat.json.reporter().report(triage, context: context)
        do {
            try AtomicFile.write(json, to: path, durability: .regenerated)
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
    }
}

import ArgumentParser
import LayerContract
import ManifestModel
import Reporting
import ValuesAnchors

extension RenderCheck {
    /// Every rendered scalar with the layer, file and line that own it.
    struct Blame: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "blame",
            abstract: "Show who owns every rendered scalar: a values key, a template line, or the stack.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text
            case json
        }

        @OptionGroup var chart: ChartOptions
        @OptionGroup var limits: LimitOptions
        @OptionGroup var ownership: OwnershipOptions

        @Option(help: "The namespace the chart was rendered into.")
        var namespace: String?

        @Option(help: "Output format: text or json.")
        var format: Format = .text

        @Flag(help: "The input is stack manifests: everything in it is owned by the stack layer.")
        var stack = false

        @Argument(help: "A rendered manifest file, or - for standard input.")
        var input: String

        func run() throws {
            var loaded: LoadedChart?
            var measured: MeasuredOwnership?
            if let context = chart.context(configuration: nil, namespace: namespace) {
                let measurement = OwnershipMeasurement(mode: ownership.mode(configured: nil), useCache: !ownership.noCache,
                                                       environment: RunEnvironment.current(), timeLimit: ownership.helmTimeout)
                    .measure(context)
                measured = measurement.measured
                for notice in measurement.notices { Console.error("render-check: note: \(notice)") }
                do {
                    loaded = try context.load(limits: limits.parseLimits)
                    for skipped in loaded?.files.skipped ?? [] {
                        Console.error("\(skipped.path):1:1: note: skipped: \(skipped.reason)")
                    }
                } catch {
                    Console.error(error.description)
                    throw ExitCode(2)
                }
            }
            let blame = LayerContract.Blame(chart: loaded, measured: measured, origin: stack ? .stack : .rendered, limits: limits.parseLimits)
            if format == .json { Console.out(BlameReporter.jsonStart) }
            var first = true
            let result = blame.run(input == "-" ? .standardInput : .file(input)) { entries in
                Console.out(format == .json ? BlameReporter.jsonLeaves(entries, first: first) : BlameReporter.text(entries))
                first = false
            }
            if format == .json { Console.out(BlameReporter.jsonEnd(empty: result.count == 0)) }
            for notice in result.notices.sorted() where notice.kind != .skipped {
                Console.error("\(notice.location): warning: \(notice.message)")
            }
            if let error = result.error {
                Console.error(error.description)
                throw ExitCode(2)
            }
        }
    }
}

import ArgumentParser
import Dispatch
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

        /// What blame prepares before it reads the input, two things at once.
        private enum Prepared: Sendable {
            case measurement(OwnershipMeasurement.Outcome)
            case chart(Result<LoadedChart, LayerContractError>)
        }

        func run() throws {
            var loaded: LoadedChart?
            var measured: MeasuredOwnership?
            if let context = chart.context(configuration: nil, namespace: namespace) {
                let measurement = OwnershipMeasurement(mode: ownership.mode(configured: nil), useCache: !ownership.noCache,
                                                       environment: RunEnvironment.current(), timeLimit: ownership.helmTimeout)
                let parseLimits = limits.parseLimits
                // The measurement (a cache entry, or Helm) and the chart's own reading
                // need nothing of each other: one per core.
                let jobs = Parallel.map([true, false]) { measures -> Prepared in
                    if measures { return .measurement(measurement.measure(context)) }
                    do throws(LayerContractError) {
                        let read = try context.load(limits: parseLimits)
                        // Every blamed leaf asks the reading for its template line.
                        read.ownership.readBranchesTaken()
                        return .chart(.success(read))
                    } catch {
                        return .chart(.failure(error))
                    }
                }
                guard case .measurement(let outcome) = jobs[0], case .chart(let chart) = jobs[1] else {
                    preconditionFailure("Parallel.map returns results in the jobs' order")
                }
                measured = outcome.measured
                for notice in outcome.notices { Console.error("render-check: note: \(notice)") }
                switch chart {
                case .success(let read):
                    loaded = read
                    for skipped in read.files.skipped {
                        Console.error("\(skipped.path):1:1: note: skipped: \(skipped.reason)")
                    }
                case .failure(let error):
                    Console.error(error.description)
                    throw ExitCode(2)
                }
            }
            let blame = LayerContract.Blame(chart: loaded, measured: measured, origin: stack ? .stack : .rendered, limits: limits.parseLimits)
            if format == .json { Console.out(BlameReporter.jsonStart) }
            // Batches are written on a second thread while the next is blamed; at
            // most a few wait, so memory stays bounded however long the stream.
            let output = DispatchQueue(label: "render-check.blame.output")
            let waiting = DispatchSemaphore(value: 4)
            let json = format == .json
            var first = true
            let result = blame.run(input == "-" ? .standardInput : .file(input)) { entries in
                let isFirst = first
                first = false
                waiting.wait()
                output.async {
                    Console.out(json ? BlameReporter.jsonLeaves(entries, first: isFirst) : BlameReporter.text(entries))
                    waiting.signal()
                }
            }
            output.sync {}
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

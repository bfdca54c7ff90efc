import LayerContract
import ManifestModel
import ValuesAnchors
#if canImport(Glibc)
import Glibc
#endif

/// Runs `helm template` (the `helm` on PATH, or the program RENDER_CHECK_HELM
/// names) and returns what it printed. render-check never renders itself.
struct HelmRenderer {
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { "render-check: error: \(message)" }
    }

    var process: HelmProcess

    init(environment: RunEnvironment, timeLimit: Double = 300) {
        process = HelmProcess(program: environment.helmProgram ?? "helm",
                              temporaryDirectory: environment.temporaryDirectory, timeLimit: timeLimit)
    }

    static func arguments(for chart: ChartContext, command: String = "template") -> [String] {
        var arguments = [command, chart.release ?? "release-name", chart.directory]
        if let namespace = chart.namespace { arguments += ["--namespace", namespace] }
        for file in chart.valueFiles { arguments += ["--values", file] }
        for expression in chart.set { arguments += ["--set", expression] }
        return arguments
    }

    /// The rendered stream, or a failure carrying helm's own message.
    func render(_ chart: ChartContext) throws(Failure) -> [UInt8] {
        let arguments = Self.arguments(for: chart)
        let run = process.run([arguments], parallel: 1)[0]
        switch run.status {
        case .exited(0):
            return run.output
        case .notStarted(let message):
            throw Failure(message: "\(message); install helm or set RENDER_CHECK_HELM")
        case .exited(let code):
            throw Failure(message: "`\(([process.program] + arguments).joined(separator: " "))` failed with exit status \(code):\n\(Self.tail(run.errors))")
        case .signalled:
            throw Failure(message: "`\(process.program) template` ended on a signal:\n\(Self.tail(run.errors))")
        case .timedOut:
            throw Failure(message: "`\(process.program) template` did not finish in \(Int(process.timeLimit)) s")
        }
    }

    static func tail(_ message: String) -> String {
        message.split(separator: "\n").suffix(5).joined(separator: "\n")
    }
}

/// The chart as the ownership experiment renders it: the user's values,
/// then one overlay per render, on all cores, each run with a time limit.
struct HelmChartRenderer: ChartRendering {
    var process: HelmProcess
    var chart: ChartContext
    var parallel: Int

    func computedValues() -> RenderOutcome {
        // A client-side dry run prints the values Helm computed (subcharts and
        // globals coalesced) without a cluster.
        let arguments = HelmRenderer.arguments(for: chart, command: "install") + ["--dry-run=client", "--debug"]
        let run = process.run([arguments], parallel: 1)[0]
        let outcome = Self.outcome(run)
        guard case .output(let bytes) = outcome else { return outcome }
        guard let section = Self.computedValuesSection(bytes) else {
            return .unavailable("`\(process.program) install --dry-run=client --debug` printed no COMPUTED VALUES")
        }
        return .output(section)
    }

    func render(_ overlays: [String?]) -> [RenderOutcome] {
        // Helm applies `--set` after every `-f`, so an overlay could never change a key the
        // user set: the `--set`s go in as a values file of their own, ahead of the overlay.
        var base = chart
        var setFile: String?
        if !chart.set.isEmpty {
            var values = ValuesNode.map([], origin: SourceLocation(file: "--set", line: 1, column: 1))
            do {
                for (index, text) in chart.set.enumerated() { try SetExpression(text, argument: index + 1).apply(to: &values) }
            } catch {
                return overlays.map { _ in .unavailable("cannot read --set: \(error)") }
            }
            guard let file = process.writeTemporary(values.jsonText) else {
                return overlays.map { _ in .unavailable("cannot write a values file in \(process.temporaryDirectory)") }
            }
            setFile = file
            base.set = []
            base.valueFiles.append(file)
        }
        defer { if let setFile { unlink(setFile) } }
        var files: [String?] = []
        var argumentLists: [[String]] = []
        for overlay in overlays {
            // `--debug` prints a template that no longer parses, so a refusal can be traced to the key that broke it.
            var arguments = HelmRenderer.arguments(for: base) + ["--debug"]
            var file: String?
            if let overlay {
                file = process.writeTemporary(overlay)
                if let file { arguments += ["--values", file] }
            }
            files.append(file)
            argumentLists.append(arguments)
        }
        let runs = process.run(argumentLists, parallel: parallel)
        for file in files { if let file { unlink(file) } }
        return overlays.indices.map { index in
            overlays[index] != nil && files[index] == nil
                ? .unavailable("cannot write a values overlay in \(process.temporaryDirectory)") : Self.outcome(runs[index])
        }
    }

    static func outcome(_ run: HelmProcess.Run) -> RenderOutcome {
        switch run.status {
        case .exited(0): return .output(run.output)
        case .exited: return .refused(message: errorLines(run.errors), output: run.output)
        case .signalled: return .unavailable("helm ended on a signal: \(HelmRenderer.tail(run.errors))")
        case .timedOut: return .unavailable("helm did not finish in time")
        case .notStarted(let message): return .unavailable(message)
        }
    }

    /// What Helm said went wrong: from its `Error:` line on, without the
    /// `--debug` log lines (which dump the whole values schema, naming every key).
    static func errorLines(_ errors: String) -> String {
        let lines = errors.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("Error:") }) else {
            return lines.filter { !$0.hasPrefix("level=") }.joined(separator: "\n")
        }
        return lines[start...].filter { !$0.hasPrefix("level=") }.joined(separator: "\n")
    }

    /// The lines after `COMPUTED VALUES:` up to the next section heading.
    static func computedValuesSection(_ bytes: [UInt8]) -> [UInt8]? {
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.elementsEqual("COMPUTED VALUES:".utf8) }) else { return nil }
        var section: [UInt8] = []
        for line in lines[(start + 1)...] {
            if line.elementsEqual("HOOKS:".utf8) || line.elementsEqual("MANIFEST:".utf8) { break }
            section += line
            section.append(UInt8(ascii: "\n"))
        }
        return section
    }
}

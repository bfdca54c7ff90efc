import ArgumentParser
import LayerContract
import ManifestModel
import Reporting

extension RenderCheck {
    /// Step 1 of the runbook: when a chart change is intended, regenerate the
    /// layer contract from the chart and the stack, and see what changes.
    struct ContractCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "contract",
            abstract: "Regenerate the layer contract from the chart and stack manifests, or show what regenerating would change.",
            subcommands: [Generate.self, Diff.self])

        struct Generate: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "generate",
                abstract: "Write the contract derived from the chart and stack (services, ports, release metadata), keeping every other section.",
                discussion: """
                    Without RENDERED inputs, the chart is rendered with helm template (helm on PATH, or \
                    RENDER_CHECK_HELM). Exit status: 0 written, 2 bad invocation or unreadable input.
                    """)

            @OptionGroup var options: Options

            @Option(help: "Write the contract to this file, atomically (default: standard output).")
            var output: String?

            func run() throws {
                let generated = try options.generate(needsContract: false)
                guard let output else { return Console.out(generated.text) }
                do {
                    try AtomicFile.write(generated.text, to: output)
                } catch {
                    Console.error(error.description)
                    throw ExitCode(2)
                }
            }
        }

        struct Diff: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "diff",
                abstract: "List what contract generate would change in the contract (added, removed, changed paths).",
                discussion: """
                    Exit status: 0 up to date (or updated with --write), 1 out of date, 2 bad invocation or \
                    unreadable input.
                    """)

            @OptionGroup var options: Options

            @Flag(help: "Update the contract file with the generated one, atomically.")
            var write = false

            func run() throws {
                let generated = try options.generate(needsContract: true)
                let existing = generated.existing!
                let diff = ContractDiff(from: existing.tree, to: generated.contract)
                let reformatted = diff.isEmpty && existing.bytes != Array(generated.text.utf8)
                guard !diff.isEmpty || reformatted else {
                    return Console.out("\(existing.file): up to date\n")
                }
                var report = ""
                for change in diff.changes {
                    let location = ContractDiff.location(of: change, in: existing.locations)
                        ?? SourceLocation(file: existing.file, line: 1, column: 1)
                    report += "\(location): \(change.summary)\n"
                }
                if reformatted {
                    report += "\(existing.file):1:1: reformatted: same content, not written as generate writes it (keys sorted, 2-space indent, trailing newline)\n"
                }
                let count = diff.changes.count
                let what = reformatted ? "reformatting only" : "\(count) change\(count == 1 ? "" : "s")"
                if write {
                    do {
                        try AtomicFile.write(generated.text, to: existing.file)
                    } catch {
                        Console.out(report)
                        Console.error(error.description)
                        throw ExitCode(2)
                    }
                    Console.out(report + "\(existing.file): updated (\(what))\n")
                    return
                }
                Console.out(report + "\(existing.file): out of date (\(what)); if the change is intended, run contract diff --write with the same flags and commit the result\n")
                throw ExitCode(1)
            }
        }

        /// The flags both subcommands take: what to render or read, and the contract to keep sections from.
        struct Options: ParsableArguments {
            @Option(help: "The chart folder: its Chart.yaml gives release_metadata.defaults; rendered when no RENDERED input is given.")
            var chart: String?

            @Option(name: [.customShort("f"), .customLong("values")], help: "A values overlay for rendering, in Helm's order (later wins). Repeatable.")
            var values: [String] = []

            @Option(help: "A value for rendering, in Helm's --set syntax. Repeatable.")
            var set: [String] = []

            @Option(help: "Stack manifests (file or directory); their Services count like the chart's. Repeatable.")
            var stack: [String] = []

            @Option(help: "The release name (default: .render-check.yaml's, else the contract's release_metadata.defaults.release_name).")
            var release: String?

            @Option(help: "The namespace the chart renders into (default: .render-check.yaml's, else the contract's release_metadata.defaults.namespace).")
            var namespace: String?

            @Option(help: "The existing contract whose other sections are kept (default: .render-check.yaml's, else the nearest ops/inventory/layers.json).")
            var contract: String?

            @Option(name: .customLong("required-label"), help: "Set labels.required to these labels instead of keeping the contract's. Repeatable.")
            var requiredLabels: [String] = []

            @Option(help: "Configuration file (default: the nearest .render-check.yaml).")
            var config: String?

            @Flag(help: "Ignore .render-check.yaml.")
            var noConfig = false

            @OptionGroup var limits: LimitOptions

            @Argument(help: "The chart's rendered output: files, directories (searched for *.yaml, *.yml, *.json), or - for standard input. Without them, the chart is rendered with helm template.")
            var rendered: [String] = []

            struct Generated {
                var existing: ContractGenerator.Existing?
                var contract: JSONTree
                /// The contract as written: sorted keys, 2-space indent, trailing newline.
                var text: String
            }

            /// Resolves flags, configuration and defaults, renders if needed and
            /// generates. Reports warnings on standard error; unreadable input is exit 2.
            func generate(needsContract: Bool) throws -> Generated {
                let environment = RunEnvironment.current()
                var configuration: ProjectConfiguration?
                if !noConfig, let path = config ?? ProjectConfiguration.find(workingDirectory: environment.workingDirectory) {
                    configuration = try orExit { () throws(LayerContractError) in try ProjectConfiguration.load(path) }
                }
                let contractPath = contract ?? configuration?.contract
                    ?? FilePath.findUpwards("ops/inventory/layers.json", workingDirectory: environment.workingDirectory)
                if needsContract && contractPath == nil {
                    Console.error("render-check: error: no contract: pass --contract, set `contract` in .render-check.yaml, or run inside a repository with ops/inventory/layers.json")
                    throw ExitCode(2)
                }
                let existing = try contractPath.map { path in
                    try orExit(hint: EmptyContractHint.message(for: path)) { () throws(LayerContractError) in
                        try ContractGenerator.Existing.load(path)
                    }
                }
                guard let chartDirectory = chart ?? configuration?.chart else {
                    Console.error("render-check: error: contract generation needs --chart (its Chart.yaml gives release_metadata.defaults), or `chart` in .render-check.yaml")
                    throw ExitCode(2)
                }
                let fromFlags = chart != nil
                let valueFiles = fromFlags || !values.isEmpty ? values : configuration?.values ?? []
                let setExpressions = fromFlags || !set.isEmpty ? set : configuration?.set ?? []
                let releaseName = release ?? configuration?.release ?? existing?.releaseDefault("release_name") ?? "release-name"
                let releaseNamespace = namespace ?? configuration?.namespace ?? existing?.releaseDefault("namespace") ?? "default"

                var generator = ContractGenerator(chartDirectory: chartDirectory, release: releaseName,
                                                  namespace: releaseNamespace, existing: existing)
                generator.stack = stack.isEmpty ? configuration?.stack ?? [] : stack
                generator.requiredLabels = requiredLabels.isEmpty ? nil : requiredLabels
                generator.limits = limits.parseLimits
                if rendered.isEmpty {
                    let context = ChartContext(directory: chartDirectory, valueFiles: valueFiles, set: setExpressions,
                                               release: releaseName, namespace: releaseNamespace)
                    do {
                        let bytes = try HelmRenderer(environment: environment).render(context)
                        generator.renderedStreams = [.bytes(bytes, name: "helm-template:\(releaseName)")]
                    } catch {
                        Console.error(error.description)
                        throw ExitCode(2)
                    }
                } else {
                    generator.rendered = rendered
                    if !values.isEmpty || !set.isEmpty {
                        Console.error("render-check: warning: -f/--values and --set only matter for rendering; with RENDERED inputs they are not used")
                    }
                }

                let result = try orExit { () throws(LayerContractError) in try generator.generate() }
                for notice in result.notices.sorted() {
                    Console.error("\(notice.location): \(notice.kind == .skipped ? "note: skipped" : "warning"): \(notice.message)")
                }
                guard result.inputErrors.isEmpty else {
                    for error in result.inputErrors { Console.error(error.description) }
                    Console.error("render-check: error: nothing generated: every input must be readable")
                    throw ExitCode(2)
                }
                for note in result.notes { Console.error(note.description) }
                return Generated(existing: existing, contract: result.contract,
                                 text: JSONValue(result.contract).formatted())
            }

            private func orExit<T>(hint: String? = nil, _ body: () throws(LayerContractError) -> T) throws -> T {
                do {
                    return try body()
                } catch {
                    Console.error(error.description)
                    if let hint { Console.error(hint) }
                    throw ExitCode(2)
                }
            }
        }
    }
}

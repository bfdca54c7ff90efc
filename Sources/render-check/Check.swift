import ArgumentParser
import LayerContract
import ManifestModel
import Reporting

extension RenderCheck {
    /// The drift check: rendered manifests, stack manifests and live
    /// snapshots against the layer contract, with the allowlist applied.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Compare rendered manifests with the layer contract and report drift with its owner.",
            discussion: """
                With no inputs, the defaults come from .render-check.yaml (found by walking up from the \
                working directory). Exit status: 0 clean, 1 active drift or allowlist errors, 2 bad \
                invocation or unreadable input.
                """)

        @OptionGroup var selection: CheckSelection
        @OptionGroup var chart: ChartOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var limits: LimitOptions
        @OptionGroup var ownership: OwnershipOptions

        @Flag(help: "Run helm template on --chart (helm on PATH, or RENDER_CHECK_HELM) and check its output too.")
        var render = false

        @Flag(help: "Set each values-owned drifted key to the contract's value in its values file (only that scalar changes), then check again.")
        var fix = false

        @Flag(help: "With --fix: print the unified diff instead of writing.")
        var dryRun = false

        @Argument(help: "Rendered manifests: files, directories (searched for *.yaml, *.yml, *.json), or - for standard input.")
        var inputs: [String] = []

        func validate() throws {
            if dryRun && !fix { throw ValidationError("--dry-run goes with --fix") }
        }

        func run() throws {
            let environment = RunEnvironment.current()
            let chartGiven = chart.chart != nil || render
            let plan = try selection.plan(inputs: inputs, environment: environment, allowNoInputs: chartGiven)
            // `render: true` in .render-check.yaml renders `chart` when the command line names no
            // input (with `charts:`, each entry is rendered instead, below).
            let render = render || (inputs.isEmpty && plan.configuration?.render == true
                                    && plan.configuration?.charts.isEmpty != false)
            var run = CheckRun(contractPath: plan.contract, allowlistPath: plan.allowlist, today: plan.today)
            run.rendered = plan.rendered
            run.stack = plan.stack
            run.live = plan.live
            run.options = DriftChecker.Options(components: plan.components, releaseNamespace: plan.namespace)
            run.limits = limits.parseLimits
            run.chart = chart.context(configuration: plan.configuration, namespace: plan.namespace)
            if render {
                guard run.chart != nil else {
                    throw ValidationError("--render needs --chart (or `chart` in .render-check.yaml)")
                }
                try renderChart(into: &run, environment: environment)
            }
            var triage: Triage
            // `charts:` in .render-check.yaml, and no chart or input on the command line: every entry.
            if let configuration = plan.configuration, !configuration.charts.isEmpty, inputs.isEmpty, chart.chart == nil {
                triage = try ChartSetCheck(plan: plan, configuration: configuration, chart: chart, ownership: ownership,
                                           limits: limits.parseLimits, environment: environment).triage()
                try output.emit(triage, environment: environment, artifact: plan.output, configuration: configuration.file)
                throw ExitCode(triage.exitCode)
            }
            if let context = run.chart {
                let measurement = OwnershipMeasurement(mode: ownership.mode(configured: plan.configuration?.ownership),
                                                       useCache: !ownership.noCache, environment: environment,
                                                       timeLimit: ownership.helmTimeout)
                    .measure(context)
                run.measured = measurement.measured
                for notice in measurement.notices { Console.error("render-check: note: \(notice)") }
            }
            do {
                triage = try run.run()
                if fix {
                    let outcome = try FixApplier(dryRun: dryRun).apply(triage)
                    if dryRun {
                        Console.out(outcome.diff)
                        throw ExitCode(triage.exitCode)
                    }
                    // The report is of the files as they are now.
                    if outcome.fixed > 0 {
                        if render { try renderChart(into: &run, environment: environment) }
                        if !run.rendered.isEmpty {
                            Console.error("render-check: note: \(run.rendered.joined(separator: ", ")) were rendered before the fix; render them again (or check with --render) to see it there")
                        }
                        triage = try run.run()
                    }
                }
            } catch let error as LayerContractError {
                Console.error(error.description)
                if let hint = EmptyContractHint.message(for: plan.contract) { Console.error(hint) }
                throw ExitCode(2)
            }
            // SARIF carries the edit that mends each values-owned finding.
            let fixes = output.format == .sarif ? FixApplier.fixesByKey(triage) : [:]
            try output.emit(triage, environment: environment, artifact: plan.output, fixes: fixes,
                            configuration: plan.configuration?.file)
            throw ExitCode(triage.exitCode)
        }

        /// `helm template` of the run's chart, as the run's rendered stream.
        private func renderChart(into run: inout CheckRun, environment: RunEnvironment) throws {
            guard let context = run.chart else { return }
            do {
                let bytes = try HelmRenderer(environment: environment).render(context)
                run.renderedStreams = [.bytes(bytes, name: "helm-template:\(context.release ?? "release-name")")]
            } catch {
                Console.error(error.description)
                throw ExitCode(2)
            }
        }
    }
}

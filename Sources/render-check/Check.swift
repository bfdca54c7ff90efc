import ArgumentParser
import LayerContract
import ManifestModel
import Reporting

extension RenderCheck {
    /// The drift check: rendered manifests, stack manifests and live
    /// snapshots against the layer contract, with the allowlist applied.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
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

        @Flag(help: "Run helm template on --chart (helm on PATH, or RENDER_CHECK_HELM) and check its output too.")
        var render = false

        @Argument(help: "Rendered manifests: files, directories (searched for *.yaml, *.yml, *.json), or - for standard input.")
        var inputs: [String] = []

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
                guard let context = run.chart else {
                    throw ValidationError("--render needs --chart (or `chart` in .render-check.yaml)")
                }
                let renderer = HelmRenderer(environment: environment)
                do {
                    let bytes = try renderer.render(context)
                    run.renderedStreams = [.bytes(bytes, name: "helm-template:\(context.release ?? "release-name")")]
                } catch {
                    Console.error(error.description)
                    throw ExitCode(2)
                }
            }
            let triage: Triage
            // `charts:` in .render-check.yaml, and no chart or input on the command line: every entry.
            if let configuration = plan.configuration, !configuration.charts.isEmpty, inputs.isEmpty, chart.chart == nil {
                triage = try ChartSetCheck(plan: plan, configuration: configuration, chart: chart,
                                           limits: limits.parseLimits, environment: environment).triage()
                try output.emit(triage, environment: environment, artifact: plan.output, configuration: configuration.file)
                throw ExitCode(triage.exitCode)
            }
            do {
                triage = try run.run()
            } catch {
                Console.error(error.description)
                if let hint = EmptyContractHint.message(for: plan.contract) { Console.error(hint) }
                throw ExitCode(2)
            }
            try output.emit(triage, environment: environment, artifact: plan.output, configuration: plan.configuration?.file)
            throw ExitCode(triage.exitCode)
        }
    }
}

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

        @Flag(help: "Run helm template on --chart (helm on PATH, or RENDER_CHECK_HELM) and check its output too.")
        var render = false

        @Argument(help: "Rendered manifests: files, directories (searched for *.yaml, *.yml, *.json), or - for standard input.")
        var inputs: [String] = []

        func run() throws {
            let environment = RunEnvironment.current()
            let chartGiven = chart.chart != nil || render
            let plan = try selection.plan(inputs: inputs, environment: environment, allowNoInputs: chartGiven)
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
            do {
                triage = try run.run()
            } catch {
                Console.error(error.description)
                throw ExitCode(2)
            }
            try output.emit(triage, environment: environment, artifact: plan.output)
            throw ExitCode(triage.exitCode)
        }
    }
}

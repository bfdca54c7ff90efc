import ArgumentParser
import Dispatch
import LayerContract
import ManifestModel
import Synchronization

/// A bare `render-check` with `charts:` in `.render-check.yaml`: every entry
/// rendered with Helm (on all cores), then checked together by `ChartSetRun`.
/// Command-line `-f` and `--set` apply to every entry, after its own. Each
/// entry's owners are found as a single chart's are (`--ownership`, or
/// `ownership:` in the configuration): measured where a Helm is found.
struct ChartSetCheck {
    var plan: CheckSelection.Plan
    var configuration: ProjectConfiguration
    var chart: ChartOptions
    var ownership: OwnershipOptions
    var limits: ParseLimits
    var environment: RunEnvironment

    func triage() throws -> Triage {
        let entries = configuration.charts
        let renderer = HelmRenderer(environment: environment)
        let contexts = entries.map { entry -> ChartContext in
            var context = entry.context(defaultNamespace: plan.namespace)
            context.valueFiles += chart.values
            context.set += chart.set
            return context
        }
        let rendered = Mutex<[Result<[UInt8], HelmRenderer.Failure>?]>(Array(repeating: nil, count: entries.count))
        DispatchQueue.concurrentPerform(iterations: entries.count) { index in
            let result: Result<[UInt8], HelmRenderer.Failure>
            do throws(HelmRenderer.Failure) {
                result = .success(try renderer.render(contexts[index]))
            } catch {
                result = .failure(error)
            }
            rendered.withLock { $0[index] = result }
        }
        var runs: [ChartSetRun.Entry] = []
        for (index, result) in rendered.withLock({ $0 }).enumerated() {
            let entry = entries[index]
            let bytes: [UInt8]
            switch result! {
            case .success(let output): bytes = output
            case .failure(let failure):
                Console.error("\(entry.name.location): error: charts entry `\(entry.name.value)`: \(failure.message)")
                throw ExitCode(2)
            }
            var run = CheckRun(contractPath: plan.contract, allowlistPath: plan.allowlist, today: plan.today)
            run.renderedStreams = [.bytes(bytes, name: "helm-template:\(entry.name.value)")]
            run.stack = plan.stack
            run.live = plan.live
            let components = entry.components.isEmpty ? plan.components : Set(entry.components)
            run.options = DriftChecker.Options(components: components, releaseNamespace: contexts[index].namespace)
            run.limits = limits
            run.chart = contexts[index]
            // One entry at a time: each experiment already runs its renders on all cores.
            let measurement = OwnershipMeasurement(mode: ownership.mode(configured: configuration.ownership),
                                                   useCache: !ownership.noCache, environment: environment,
                                                   timeLimit: ownership.helmTimeout)
                .measure(contexts[index])
            run.measured = measurement.measured
            for notice in measurement.notices { Console.error("render-check: note: [\(entry.name.value)] \(notice)") }
            runs.append(ChartSetRun.Entry(name: entry.name.value, run: run))
        }
        do {
            return try ChartSetRun(contractPath: plan.contract, allowlistPath: plan.allowlist, today: plan.today,
                                   entries: runs).run()
        } catch {
            Console.error(error.description)
            if let hint = EmptyContractHint.message(for: plan.contract) { Console.error(hint) }
            throw ExitCode(2)
        }
    }
}

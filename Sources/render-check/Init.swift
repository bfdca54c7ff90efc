import ArgumentParser
import LayerContract
import ManifestModel
import Reporting
import ValuesAnchors

extension RenderCheck {
    /// From a repository with a chart to a gated one: the contract derived
    /// from what the chart renders, an allowlist with no exceptions, and a
    /// `.render-check.yaml` that makes a bare `render-check` render and check.
    struct Init: ParsableCommand {
        // Named here: without it swift-argument-parser derives the name by
        // reflection, 2.3 million instructions on every start.
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Write a first layer contract, an empty allowlist and .render-check.yaml for a chart, at the repository's root.",
            discussion: """
                Run it at the repository's root. The chart is rendered with helm template (helm on PATH, or \
                RENDER_CHECK_HELM) and the contract is derived from its Services, ports and Chart.yaml, \
                with conventional values for what cannot be derived. Existing files are kept unless --force \
                is given. Exit status: 0 written, 2 bad invocation, existing files or unreadable input.
                """)

        static let contractPath = "ops/inventory/layers.json"
        static let allowlistPath = "configs/policy/layer-live-diff-allowlist.json"

        @Option(help: "The chart folder to gate.")
        var chart: String

        @Option(help: "The release name the chart renders with (default: the chart's name in Chart.yaml).")
        var release: String?

        @Option(help: "The namespace the chart renders into (default: default).")
        var namespace: String?

        @Option(help: "Stack manifests (file or directory) deployed beside the chart. Repeatable.")
        var stack: [String] = []

        @Option(help: "The contract component name for the chart's own Service (default: the Service's name).")
        var component: String?

        @Option(name: [.customShort("f"), .customLong("values")], help: "A values overlay to render with, in Helm's order. Repeatable.")
        var values: [String] = []

        @Option(help: "A value to render with, in Helm's --set syntax. Repeatable.")
        var set: [String] = []

        @Flag(help: "Overwrite the contract, allowlist and .render-check.yaml if they exist.")
        var force = false

        @OptionGroup var limits: LimitOptions

        func run() throws {
            let environment = RunEnvironment.current()
            let root = environment.workingDirectory
            let targets = [Self.contractPath, Self.allowlistPath, ProjectConfiguration.fileName]
            let existing = targets.filter { FilePath.exists(FilePath.join(root, $0)) }
            guard force || existing.isEmpty else {
                Console.error("render-check: error: \(existing.joined(separator: ", ")) already exist\(existing.count == 1 ? "s" : ""); nothing written (pass --force to overwrite, or `render-check contract diff --write` to regenerate the contract)")
                throw ExitCode(2)
            }
            guard FilePath.exists(FilePath.join(chart, "Chart.yaml")) else {
                Console.error("\(FilePath.join(chart, "Chart.yaml")): error: no Chart.yaml: --chart must name a chart folder")
                throw ExitCode(2)
            }
            let chartFiles: ChartFiles
            do {
                chartFiles = try ChartFiles.load(chart)
            } catch {
                Console.error(error.description)
                throw ExitCode(2)
            }
            let releaseName = release ?? chartFiles.name.value
            let releaseNamespace = namespace ?? "default"
            let context = ChartContext(directory: chart, valueFiles: values, set: set, release: releaseName,
                                       namespace: releaseNamespace)
            let rendered: [UInt8]
            do {
                rendered = try HelmRenderer(environment: environment).render(context)
            } catch {
                Console.error(error.description)
                throw ExitCode(2)
            }

            var generator = ContractGenerator(chartDirectory: chart, release: releaseName, namespace: releaseNamespace,
                                              existing: nil)
            generator.stack = stack
            generator.limits = limits.parseLimits
            generator.renderedStreams = [.bytes(rendered, name: "helm-template:\(releaseName)")]
            let result: ContractGenerator.Result
            do {
                result = try generator.generate()
            } catch {
                Console.error(error.description)
                throw ExitCode(2)
            }
            guard result.inputErrors.isEmpty else {
                for error in result.inputErrors { Console.error(error.description) }
                Console.error("render-check: error: nothing written: every input must be readable")
                throw ExitCode(2)
            }
            var contract = result.contract
            let components = JSONTree.sortedKeys(contract["services"]?.objectValue ?? [:])
            guard !components.isEmpty else {
                Console.error("render-check: error: nothing written: the chart renders no Service with a selector, so there is no component to put in a contract")
                throw ExitCode(2)
            }
            if let component {
                contract = try Self.naming(contract, component: component, chartName: chartFiles.name.value)
            }

            let configuration = Self.configuration(root: root, chart: chart, release: releaseName,
                                                   namespace: releaseNamespace, stack: stack, values: values, set: set)
            let allowlist = "{\n  \"schema_version\": 1,\n  \"exceptions\": []\n}\n"
            do {
                try AtomicFile.write(JSONValue(contract).formatted(), to: FilePath.join(root, Self.contractPath))
                try AtomicFile.write(allowlist, to: FilePath.join(root, Self.allowlistPath))
                try AtomicFile.write(configuration, to: FilePath.join(root, ProjectConfiguration.fileName))
            } catch {
                Console.error(error.description)
                throw ExitCode(2)
            }
            for note in result.notes { Console.error(note.description) }
            let baseline = try Self.baseline(root: root, context: context, rendered: rendered, stack: stack,
                                             today: environment.today, limits: limits.parseLimits)
            let now = baseline.isEmpty ? "exit 0 now, 1 on drift" : "exit 1 until the findings below are handled"
            let named = JSONTree.sortedKeys(contract["services"]?.objectValue ?? [:])
            Console.out("""
                render-check init: wrote \(Self.contractPath) (\(named.count) component\(named.count == 1 ? "" : "s"): \(named.joined(separator: ", "))), \
                \(Self.allowlistPath) (no exceptions) and \(ProjectConfiguration.fileName) (render: true)
                next:
                  render-check                              # renders \(chart) with helm and checks it: \(now)
                  render-check --set <values key>=<value>   # try a change: the finding names the --set that owns it
                  git add \(ProjectConfiguration.fileName) \(Self.contractPath) \(Self.allowlistPath)
                  render-check contract diff --write        # after an intended chart change: regenerate the contract

                """ + baseline)
        }

        /// The check run once on what was just written. A contract records
        /// services, ports, labels, one namespace per layer and the release,
        /// so a chart that, say, puts a RoleBinding in another namespace on
        /// purpose drifts from its first contract. Those findings are said
        /// here, with the runbook's choices, rather than hidden in an
        /// exception the user never wrote.
        static func baseline(root: String, context: ChartContext, rendered: [UInt8], stack: [String],
                             today: CalendarDate, limits: ParseLimits) throws -> String {
            var run = CheckRun(contractPath: FilePath.join(root, contractPath),
                               allowlistPath: FilePath.join(root, allowlistPath), today: today)
            run.renderedStreams = [.bytes(rendered, name: "helm-template:\(context.release ?? "release-name")")]
            run.stack = stack
            run.options = DriftChecker.Options(components: nil, releaseNamespace: context.namespace)
            run.limits = limits
            run.chart = context
            let triage: Triage
            do {
                triage = try run.run()
            } catch {
                Console.error(error.description)
                throw ExitCode(2)
            }
            guard triage.exitCode != 0 else { return "" }
            return """

                warning: the chart as it renders today has \(triage.activeErrors) finding\(triage.activeErrors == 1 ? "" : "s") that \
                no contract value absorbs, so `render-check` exits 1 until each is handled: fix it at its owner, \
                or edit the contract, or add a scoped, expiring exception (owner, issue, expiry) to \(allowlistPath):

                """ + TextReporter().report(triage, context: ReportContext(toolVersion: OutputOptions.toolVersion))
        }

        /// The contract with the chart's own Service's component renamed:
        /// the Service named after the chart (or the release), else the only one.
        static func naming(_ contract: JSONTree, component: String, chartName: String) throws -> JSONTree {
            guard var root = contract.objectValue, var services = root["services"]?.objectValue,
                  var ports = root["ports"]?.objectValue else { return contract }
            let names = JSONTree.sortedKeys(services)
            let own = names.first { services[$0]?["service_name"]?.stringValue?.hasSuffix(chartName) == true }
                ?? (names.count == 1 ? names[0] : nil)
            guard let own else {
                Console.error("render-check: error: --component: none of the chart's Services (\(names.joined(separator: ", "))) is named after the chart `\(chartName)`, so which one is the chart's own is unclear; leave --component out and rename the component in the contract by hand")
                throw ExitCode(2)
            }
            guard own != component else { return contract }
            guard services[component] == nil else {
                Console.error("render-check: error: --component \(component): a component of that name already exists")
                throw ExitCode(2)
            }
            services[component] = services.removeValue(forKey: own)
            if let entry = ports.removeValue(forKey: own) { ports[component] = entry }
            root["services"] = .object(services)
            root["ports"] = .object(ports)
            return .object(root)
        }

        /// `.render-check.yaml`: paths relative to the repository root (the
        /// file's folder), strings quoted so any name reads back as written.
        static func configuration(root: String, chart: String, release: String, namespace: String,
                                  stack: [String], values: [String], set: [String]) -> String {
            func path(_ path: String) -> String { JSONText.quoted(FilePath.relative(FilePath.join(root, path), to: root)) }
            func list(_ key: String, _ items: [String]) -> String {
                items.isEmpty ? "" : "\(key):\n" + items.map { "  - \($0)\n" }.joined()
            }
            return """
                # Written by `render-check init`. A bare `render-check` renders the chart with
                # Helm (`render: true`) and checks it against the contract. Paths are relative
                # to this file.
                contract: \(JSONText.quoted(contractPath))
                allowlist: \(JSONText.quoted(allowlistPath))
                chart: \(path(chart))
                release: \(JSONText.quoted(release))
                namespace: \(JSONText.quoted(namespace))
                render: true

                """ + list("values", values.map(path)) + list("set", set.map(JSONText.quoted)) + list("stack", stack.map(path))
        }
    }
}

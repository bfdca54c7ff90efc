import ArgumentParser
import LayerContract
#if canImport(Glibc)
import Glibc
#endif

/// Which contract, allowlist and inputs a check uses: flags first, then
/// `.render-check.yaml`, then the conventional paths found by walking up.
struct CheckSelection: ParsableArguments {
    @Option(help: "The layer contract (default: .render-check.yaml's, else the nearest ops/inventory/layers.json).")
    var contract: String?

    @Option(help: "The allowlist of approved exceptions (default: .render-check.yaml's, else configs/policy/layer-live-diff-allowlist.json if present).")
    var allowlist: String?

    @Option(help: "Stack manifests (file or directory); their findings are owned by the stack layer. Repeatable.")
    var stack: [String] = []

    @Option(help: "A live snapshot (kubectl get -o json). Repeatable.")
    var live: [String] = []

    @Option(help: "Check only this contract component. Repeatable.")
    var component: [String] = []

    @Option(help: "The namespace the chart is rendered into (helm template -n), for resources that name none.")
    var namespace: String?

    @Option(help: "The date that allowlist expiry is judged against (YYYY-MM-DD; default: today, UTC).")
    var today: String?

    @Option(help: "Configuration file (default: the nearest .render-check.yaml).")
    var config: String?

    @Flag(help: "Ignore .render-check.yaml.")
    var noConfig = false

    struct Plan {
        var contract: String
        var allowlist: String?
        var rendered: [String]
        var stack: [String]
        var live: [String]
        var components: Set<String>?
        var namespace: String?
        var today: CalendarDate
        var output: String?
        var configuration: ProjectConfiguration?
    }

    func validate() throws {
        if let today, CalendarDate(today) == nil {
            throw ValidationError("--today must be a date written YYYY-MM-DD, not `\(today)`")
        }
    }

    /// Whether `path` lies in `directory`, both resolved (symbolic links,
    /// `..`) against the working directory. A path that does not resolve is outside.
    static func isInside(_ path: String, _ directory: String, workingDirectory: String) -> Bool {
        func resolved(_ path: String) -> String? {
            guard let pointer = realpath(FilePath.join(workingDirectory, path), nil) else { return nil }
            defer { free(pointer) }
            return String(cString: pointer)
        }
        guard let file = resolved(path), let folder = resolved(directory) else { return false }
        return file.hasPrefix(folder == "/" ? "/" : folder + "/")
    }

    func plan(inputs: [String], environment: RunEnvironment, allowNoInputs: Bool = false) throws -> Plan {
        var configuration: ProjectConfiguration?
        if !noConfig, let path = config ?? ProjectConfiguration.find(workingDirectory: environment.workingDirectory) {
            do {
                configuration = try ProjectConfiguration.load(path)
            } catch {
                Console.error(error.description)
                throw ExitCode(2)
            }
        }
        guard let contractPath = contract ?? configuration?.contract
                ?? FilePath.findUpwards("ops/inventory/layers.json", workingDirectory: environment.workingDirectory) else {
            Console.error("render-check: error: no contract: pass --contract, set `contract` in .render-check.yaml, or run inside a repository with ops/inventory/layers.json")
            throw ExitCode(2)
        }
        let defaultAllowlist = FilePath.join(FilePath.parentDirectory(of: FilePath.parentDirectory(of: FilePath.directory(of: contractPath))),
                                             "configs/policy/layer-live-diff-allowlist.json")
        // A contract named on the command line from outside the configuration's
        // repository is another repository's gate: its allowlist is the one
        // beside it (or --allowlist), never this configuration's.
        var configuredAllowlist = configuration?.allowlist
        if let contract, let configuration, configuredAllowlist != nil, allowlist == nil,
           !Self.isInside(contract, configuration.directory, workingDirectory: environment.workingDirectory) {
            configuredAllowlist = nil
            Console.error("render-check: note: --contract \(contract) is outside \(configuration.directory), the repository of \(configuration.file), so its allowlist \(configuration.allowlist!) is not used; pass --allowlist to choose one")
        }
        let allowlistPath = allowlist ?? configuredAllowlist
            ?? (FilePath.exists(defaultAllowlist) ? defaultAllowlist : nil)
        let useConfigInputs = inputs.isEmpty && stack.isEmpty && live.isEmpty && !allowNoInputs
        let rendered = useConfigInputs ? configuration?.inputs ?? [] : inputs
        let stackPaths = useConfigInputs ? configuration?.stack ?? [] : stack
        let livePaths = useConfigInputs ? configuration?.live ?? [] : live
        guard allowNoInputs || configuration?.render == true || configuration?.charts.isEmpty == false || !(rendered.isEmpty && stackPaths.isEmpty && livePaths.isEmpty) else {
            Console.error("render-check: error: nothing to check: give rendered manifests (files, directories or -), --stack or --live, or list them in .render-check.yaml")
            throw ExitCode(2)
        }
        let components = component.isEmpty ? configuration?.components ?? [] : component
        return Plan(contract: contractPath, allowlist: allowlistPath, rendered: rendered, stack: stackPaths,
                    live: livePaths, components: components.isEmpty ? nil : Set(components),
                    namespace: namespace ?? configuration?.namespace,
                    today: today.flatMap(CalendarDate.init) ?? environment.today,
                    output: configuration?.output, configuration: configuration)
    }
}

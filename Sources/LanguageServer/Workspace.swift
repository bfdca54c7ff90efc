import LayerContract
import ManifestModel
import ValuesAnchors

/// The project the editor opened: `.render-check.yaml` found from the
/// workspace root, and how to check it with the editor's unsaved buffers
/// standing in for the files on disk.
public struct Workspace: Sendable {
    public var root: String
    public var configurationPath: String?
    public var today: CalendarDate
    public var limits = ParseLimits.default

    public init(root: String, today: CalendarDate) {
        self.root = root
        self.today = today
        self.configurationPath = Self.findConfiguration(from: root)
    }

    /// `.render-check.yaml` in `root` or the nearest folder above it, as an
    /// absolute path, so every file the check names is absolute too.
    static func findConfiguration(from root: String) -> String? {
        var folder = root
        while true {
            let candidate = FilePath.join(folder, ProjectConfiguration.fileName)
            if FilePath.exists(candidate) { return candidate }
            let parent = FilePath.parentDirectory(of: folder)
            if parent == folder { return nil }
            folder = parent
        }
    }

    /// Checks the workspace with `documents` in place of their files. Never
    /// throws: what cannot be read is the analysis's `failure`.
    /// `previous` lends its chart's template index when the templates are unchanged.
    public func analyze(_ documents: DocumentStore, previous: Analysis? = nil) -> Analysis {
        var analysis = Analysis()
        analysis.limits = limits
        guard let configurationPath else {
            analysis.failure = LayerContractError("no \(ProjectConfiguration.fileName) found from the workspace root \(root)",
                                                  at: SourceLocation(file: root, line: 1, column: 1))
            return analysis
        }
        do throws(LayerContractError) {
            let configuration = try ProjectConfiguration.load(configurationPath)
            guard let contract = configuration.contract else {
                throw LayerContractError("`contract` is not set", at: SourceLocation(file: configurationPath, line: 1, column: 1))
            }
            let buffers = Self.buffers(documents)
            var run = CheckRun(contractPath: contract, allowlistPath: configuration.allowlist, today: today)
            run.limits = limits
            var discovery = InputDiscovery.discover(configuration.inputs)
            discovery.sources = discovery.sources.map { source in
                guard case .file(let path) = source, let bytes = buffers[DocumentURI.normalized(path, base: root)] else { return source }
                return .bytes(bytes, name: path)
            }
            run.renderedStreams = discovery.sources
            run.stack = configuration.stack
            run.live = configuration.live
            let components = configuration.components
            run.options = DriftChecker.Options(components: components.isEmpty ? nil : Set(components),
                                               releaseNamespace: configuration.namespace)
            if let directory = configuration.chart {
                var context = ChartContext(directory: directory, valueFiles: configuration.values, set: configuration.set,
                                           release: configuration.release, namespace: configuration.namespace)
                context.buffers = Self.chartBuffers(buffers, chart: directory, valueFiles: configuration.values, root: root)
                run.chart = context
                let loaded = try context.load(limits: limits, reusing: previous?.chart)
                run.preloadedChart = loaded
                analysis.chart = loaded
            }
            analysis.renderedSources = discovery.sources
            analysis.triage = try run.run()
        } catch {
            analysis.failure = error
        }
        return analysis
    }

    /// Every open document's bytes, by normalized path.
    static func buffers(_ documents: DocumentStore) -> [String: [UInt8]] {
        var buffers: [String: [UInt8]] = [:]
        for path in documents.paths { buffers[path] = Array(documents[path]!.text.utf8) }
        return buffers
    }

    /// The open buffers under the chart and among its values files, keyed by
    /// the path the chart loader will name them by (the chart folder as
    /// configured, joined with the file's place in it).
    static func chartBuffers(_ buffers: [String: [UInt8]], chart: String, valueFiles: [String], root: String) -> [String: [UInt8]] {
        var result: [String: [UInt8]] = [:]
        let folder = DocumentURI.normalized(chart, base: root)
        let base = chart.hasSuffix("/") ? String(chart.dropLast()) : chart
        for (path, bytes) in buffers where path.hasPrefix(folder + "/") {
            result[base + "/" + path.dropFirst(folder.count + 1)] = bytes
        }
        for file in valueFiles {
            if let bytes = buffers[DocumentURI.normalized(file, base: root)] { result[file] = bytes }
        }
        return result
    }
}

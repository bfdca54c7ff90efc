import ManifestModel
import ValuesAnchors

/// A chart as `--chart` names it, with the values overlays and `--set`s in
/// Helm's order, the release and namespace it renders with, loaded once:
/// its files, its merged values and the ownership index over both.
public struct ChartContext: Sendable {
    public var directory: String
    public var valueFiles: [String]
    public var set: [String]
    public var release: String?
    public var namespace: String?
    /// Values files and templates as an editor holds them (unsaved), by path.
    public var buffers: [String: [UInt8]] = [:]

    public init(directory: String, valueFiles: [String] = [], set: [String] = [], release: String? = nil, namespace: String? = nil) {
        self.directory = directory
        self.valueFiles = valueFiles
        self.set = set
        self.release = release
        self.namespace = namespace
    }

    /// Loads the chart; `previous` (an earlier load of the same chart) lends
    /// its template index when every template reads the same.
    public func load(limits: ParseLimits = .default, reusing previous: LoadedChart? = nil) throws(LayerContractError) -> LoadedChart {
        do {
            var files = try ChartFiles.load(directory)
            for index in files.templates.indices {
                if let text = buffers[files.templates[index].displayPath] {
                    files.templates[index].text = String(decoding: text, as: UTF8.self)
                }
            }
            let values = try ValuesLoader(limits: limits, buffers: buffers).load(chart: directory, valueFiles: valueFiles, set: set)
            let sameTemplates = previous.map { previous in
                previous.files.templates.map { [$0.displayPath, $0.text] } == files.templates.map { [$0.displayPath, $0.text] }
            } ?? false
            let ownership = sameTemplates
                ? ChartOwnership(chart: files, values: values.values, index: previous!.ownership.index)
                : ChartOwnership(chart: files, values: values.values)
            return LoadedChart(context: self, files: files, values: values, ownership: ownership)
        } catch {
            throw LayerContractError(error.problem, at: error.location)
        }
    }
}

public struct LoadedChart: Sendable {
    public var context: ChartContext
    public var files: ChartFiles
    public var values: ValuesLoader.Result
    public var ownership: ChartOwnership
}

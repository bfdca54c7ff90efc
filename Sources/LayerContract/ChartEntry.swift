import ManifestModel

/// One entry of `.render-check.yaml`'s `charts:` list: a chart rendered one
/// way (an environment, a second chart of the repository), checked against
/// the same contract and allowlist as the others. Paths come out resolved
/// against the configuration file's folder.
public struct ChartEntry: Sendable, Hashable {
    /// What the reports call it (`chart` in JSON and SARIF, a prefix in text).
    public var name: Located<String>
    public var chart: String
    public var release: String?
    public var namespace: String?
    public var values: [String] = []
    public var set: [String] = []
    /// The contract components this entry renders; empty: all of them.
    public var components: [String] = []

    static let knownKeys: Set<String> = ["name", "chart", "release", "namespace", "values", "set", "component", "components"]

    static func read(_ entry: JSONCursor, base: String) throws(LayerContractError) -> ChartEntry {
        guard entry.isMapping else { throw entry.typeError("a mapping with name and chart") }
        for (key, _) in entry.entries() where !knownKeys.contains(key.value) {
            throw LayerContractError("unknown key `\(key.value)` in a charts entry; known: \(knownKeys.sorted().joined(separator: ", "))",
                                     at: key.location)
        }
        let name = try entry.require("name").requireString()
        guard !name.value.isEmpty else { throw LayerContractError("a charts entry's `name` is empty", at: name.location) }
        var result = ChartEntry(name: name, chart: FilePath.join(base, try entry.require("chart").requireString().value))
        result.release = try entry.child("release")?.requireString().value
        result.namespace = try entry.child("namespace")?.requireString().value
        if let values = entry.child("values") { result.values = try ProjectConfiguration.paths(values, base) }
        if let set = entry.child("set") { result.set = try ProjectConfiguration.strings(set) }
        if let component = entry.child("component") { result.components = try ProjectConfiguration.strings(component) }
        if let components = entry.child("components") { result.components = try ProjectConfiguration.strings(components) }
        return result
    }

    /// The chart as the check and the renderer take it; the configuration's
    /// namespace is the default for an entry that names none.
    public func context(defaultNamespace: String?) -> ChartContext {
        ChartContext(directory: chart, valueFiles: values, set: set, release: release,
                     namespace: namespace ?? defaultNamespace)
    }
}

import LayerContract
import ManifestModel
import ValuesAnchors

/// One check of the workspace as the editor holds it: the triage the CLI's
/// `check` would give for the open buffers, the chart it read, and the owner
/// of every rendered scalar (computed when first asked for). Owners come from
/// the same `Ownership` the CLI uses, through `CheckRun` and `Blame`.
public struct Analysis: Sendable {
    public var triage: Triage?
    /// A configuration, contract or chart that could not be read: the check's one error.
    public var failure: LayerContractError?
    public var chart: LoadedChart?
    /// The rendered inputs, buffers where open.
    public var renderedSources: [InputSource] = []
    public var limits = ParseLimits.default
    /// Blame of each rendered input, by its path, once asked for.
    var blame: [String: [Blame.Entry]] = [:]

    public init() {}

    /// The owner of every scalar of the rendered input at `path`.
    public mutating func blameEntries(_ path: String) -> [Blame.Entry] {
        if let entries = blame[path] { return entries }
        guard let source = renderedSources.first(where: { $0.displayName == path }) else { return [] }
        var entries: [Blame.Entry] = []
        _ = Blame(chart: chart, limits: limits).run(source) { entries += $0 }
        blame[path] = entries
        return entries
    }

    /// The rendered input at the normalized `path`, by the name the checks give it.
    public func renderedName(_ path: String, root: String) -> String? {
        renderedSources.first { DocumentURI.normalized($0.displayName, base: root) == path }?.displayName
    }

    /// The rendered scalar at `mark` of the rendered input named `name`.
    public mutating func blameEntry(_ name: String, at mark: Mark) -> Blame.Entry? {
        blameEntries(name).first { entry in
            let span = entry.location.span
            return span.start <= mark && (mark < span.end || mark == span.end || (span.end <= span.start && mark.line == span.start.line))
        }
    }

    /// The merged values entry whose key is on `line` of the values file at `path`.
    public func valuesKey(_ path: String, line: Int, root: String) -> (path: ValuesPath, entry: ValuesNode.Entry)? {
        guard let values = chart?.values.values else { return nil }
        var found: (ValuesPath, ValuesNode.Entry)?
        func walk(_ node: ValuesNode, _ base: ValuesPath) {
            switch node.content {
            case .map(let entries):
                for entry in entries {
                    let here = base.appending(key: entry.key)
                    if entry.keyLocation.line == line, DocumentURI.normalized(entry.keyLocation.file, base: root) == path {
                        found = (here, entry)
                    }
                    walk(entry.node, here)
                }
            case .list(let items):
                for (index, item) in items.enumerated() { walk(item, base.appending(index: index)) }
            case .scalar:
                break
            }
        }
        walk(values, .root)
        return found
    }

    /// Every rendered input's blame.
    public mutating func allBlameEntries() -> [Blame.Entry] {
        renderedSources.flatMap { blameEntries($0.displayName) }
    }
}

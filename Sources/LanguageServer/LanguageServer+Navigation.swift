import LayerContract
import ManifestModel
import ValuesAnchors

/// Hover and go-to-definition: who owns a rendered scalar, and what a
/// values key drives.
extension LanguageServer {
    mutating func hover(path: String, at mark: Mark) -> LSPValue {
        guard var analysis = current(), let root = workspace?.root else { return .null }
        defer { self.analysis = analysis }
        if let name = analysis.renderedName(path, root: root) {
            guard let entry = analysis.blameEntry(name, at: mark) else { return .null }
            var lines: [String: TextLines] = [:]
            return ["contents": ["kind": "markdown", "value": .string(renderedHover(entry, analysis: analysis))],
                    "range": range(entry.location.span, in: path, lines: &lines)]
        }
        if let (valuesPath, entry) = analysis.valuesKey(path, line: mark.line, root: root) {
            let text = valuesHover(valuesPath, entry, analysis: &analysis)
            var lines: [String: TextLines] = [:]
            return ["contents": ["kind": "markdown", "value": .string(text)],
                    "range": range(entry.keyLocation.span, in: path, lines: &lines)]
        }
        return .null
    }

    func renderedHover(_ entry: Blame.Entry, analysis: Analysis) -> String {
        let owner = entry.owner
        var text = "**render-check** · `\(entry.path)` = `\(entry.value)`\n\n"
        text += "- owner: **\(owner.anchor ?? owner.layer.rawValue)** (\(owner.layer.rawValue) layer)"
        if let location = owner.location { text += " at `\(display(location))`" }
        text += "\n"
        if let template = owner.template { text += "- template line: `\(display(template))`\n" }
        if let via = owner.via { text += "- via: `\(via)`\n" }
        if !owner.controlledBy.isEmpty { text += "- controlled by: " + owner.controlledBy.map { "`\($0)`" }.joined(separator: ", ") + "\n" }
        text += "- ownership: \(Self.ownershipReading(owner))\n"
        for finding in analysis.triage?.active ?? [] where finding.location.span == entry.location.span && finding.location.file == entry.location.file {
            text += "- drift `\(finding.diffKey)`: \(finding.message)\n"
        }
        return text
    }

    /// How the owner was known: by experiment with Helm (a warm cache in the
    /// editor), or by reading the chart's templates and values.
    static func ownershipReading(_ owner: Owner) -> String {
        switch owner.mode {
        case .measured?: return "measured (Helm rendered the chart with this key changed)"
        case .static?, nil: return "static (read from the chart's templates and values)"
        }
    }

    mutating func valuesHover(_ path: ValuesPath, _ entry: ValuesNode.Entry, analysis: inout Analysis) -> String {
        let anchor = path.anchor
        var text = "**render-check** · `\(anchor)`"
        if let value = entry.node.scalarValue { text += " = `\(ReportValue(value).text)`" }
        text += "\n\n"
        let entries = analysis.allBlameEntries()
        let driven = entries.filter { $0.owner.anchor == anchor }
        let controlled = entries.filter { $0.owner.anchor != anchor && $0.owner.controlledBy.contains(anchor) }
        if driven.isEmpty && controlled.isEmpty {
            text += "- drives no rendered key\n"
        }
        for item in driven.prefix(20) {
            text += "- drives `\(item.path)` = `\(item.value)` at `\(display(item.location))`\n"
        }
        if driven.count > 20 { text += "- … and \(driven.count - 20) more rendered keys\n" }
        for item in controlled.prefix(10) {
            text += "- controls `\(item.path)` at `\(display(item.location))` (owned by \(item.owner.anchor ?? item.owner.layer.rawValue))\n"
        }
        let findings = (analysis.triage?.active ?? []).filter { $0.owner.anchor == anchor }
        for finding in findings {
            text += "- contract expects **\(finding.expected.text)** for `\(finding.diffKey)` (now \(finding.actual.text))\n"
        }
        if findings.isEmpty, !driven.isEmpty { text += "- the keys it drives agree with the contract\n" }
        return text
    }

    func display(_ location: SourceLocation) -> String {
        let root = workspace?.root ?? ""
        let path = normalized(location.file)
        let shown = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : location.file
        return "\(shown):\(location.line)" + (location.column > 1 ? ":\(location.column)" : "")
    }

    mutating func definition(path: String, at mark: Mark) -> LSPValue {
        guard var analysis = current(), let root = workspace?.root, let name = analysis.renderedName(path, root: root) else { return .null }
        defer { self.analysis = analysis }
        guard let entry = analysis.blameEntry(name, at: mark),
              let target = entry.owner.location ?? entry.owner.template, !target.file.hasPrefix("--") else { return .null }
        let file = normalized(target.file)
        var lines: [String: TextLines] = [:]
        return ["uri": .string(documents[file]?.uri ?? DocumentURI.uri(file)), "range": range(target.span, in: file, lines: &lines)]
    }
}

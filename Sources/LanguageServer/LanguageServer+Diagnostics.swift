import LayerContract
import ManifestModel
import ValuesAnchors

/// `textDocument/publishDiagnostics` from one analysis: each active finding
/// where it was found, again at the values line that owns it, and at the
/// template line that wrote it; input errors and notices where they are.
extension LanguageServer {
    struct Diagnostic {
        var file: String
        var span: Span
        var severity: Int
        var message: String
        var code: String?
    }

    /// The debounced diagnostics: every file with something to say, and an
    /// empty list for every file that had something before and now has not.
    public mutating func publishDiagnostics() -> [LSPValue] {
        guard diagnosticsPending else { return [] }
        diagnosticsPending = false
        guard state == .running else { return [] }
        guard let analysis = current() else { return [] }
        var byFile: [String: [Diagnostic]] = [:]
        for diagnostic in Self.diagnostics(analysis) {
            byFile[normalized(diagnostic.file), default: []].append(diagnostic)
        }
        var files = Set(byFile.keys).union(published).union(documents.paths)
        if workspace == nil { files = [] }
        published = Set(byFile.keys)
        var lines: [String: TextLines] = [:]
        var messages: [LSPValue] = []
        for file in files.sorted() {
            var seen = Set<String>()
            let list: [LSPValue] = (byFile[file] ?? []).compactMap { diagnostic in
                let key = "\(diagnostic.span.start)|\(diagnostic.message)"
                guard seen.insert(key).inserted else { return nil }
                var value: [String: LSPValue] = [
                    "range": range(diagnostic.span, in: file, lines: &lines),
                    "severity": LSPValue(diagnostic.severity),
                    "source": "render-check",
                    "message": .string(diagnostic.message),
                ]
                if let code = diagnostic.code { value["code"] = .string(code) }
                return .object(value)
            }
            var params: [String: LSPValue] = ["uri": .string(documents[file]?.uri ?? DocumentURI.uri(file)), "diagnostics": .array(list)]
            if let version = documents[file]?.version { params["version"] = .int(version) }
            messages.append(["jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": .object(params)])
        }
        return messages
    }

    static func diagnostics(_ analysis: Analysis) -> [Diagnostic] {
        if let failure = analysis.failure {
            return [Diagnostic(file: failure.location.file, span: failure.location.span, severity: 1,
                               message: failure.message, code: "input-error")]
        }
        guard let triage = analysis.triage else { return [] }
        var result: [Diagnostic] = []
        for finding in triage.active {
            let severity = finding.severity == .error ? 1 : 2
            result.append(Diagnostic(file: finding.location.file, span: finding.location.span, severity: severity,
                                     message: "\(finding.message) [owner: \(finding.owner.summary)]", code: finding.diffKey))
            let owner = finding.owner
            if owner.layer == .values, let anchor = owner.anchor, let location = owner.location,
               !location.file.hasPrefix("--"), location != finding.location {
                result.append(Diagnostic(file: location.file, span: location.span, severity: severity,
                                         message: valuesMessage(finding, anchor: anchor, analysis: analysis), code: finding.diffKey))
            }
            if let template = owner.template, template != finding.location {
                let writes = owner.anchor.map { "writes \($0) into" } ?? "writes"
                result.append(Diagnostic(file: template.file, span: template.span,
                                         severity: owner.layer == .chartTemplates ? severity : 3,
                                         message: "this line \(writes) a drifted key: \(finding.message) [\(finding.diffKey)]",
                                         code: finding.diffKey))
            }
        }
        for notice in triage.notices {
            result.append(Diagnostic(file: notice.location.file, span: notice.location.span, severity: 2,
                                     message: notice.message, code: notice.kind.rawValue))
        }
        for error in triage.inputErrors {
            result.append(Diagnostic(file: error.location.file, span: error.location.span, severity: 1,
                                     message: error.problem + (error.context.map { " (\($0))" } ?? ""), code: "input-error"))
        }
        return result
    }

    /// "values.service.port is 9090; the contract's ports.atlas.service is 8080".
    static func valuesMessage(_ finding: Finding, anchor: String, analysis: Analysis) -> String {
        var current = finding.actual.text
        if let path = ValuesPath(anchor: anchor), let value = analysis.chart?.values.values.value(at: path) {
            current = ReportValue(value).text
        }
        if let separator = finding.message.firstRange(of: "; the contract") {
            return "\(anchor) is \(current)\(finding.message[separator.lowerBound...]) [\(finding.diffKey)]"
        }
        return "\(anchor) is \(current); the contract expects \(finding.expected.text) [\(finding.diffKey)]"
    }
}

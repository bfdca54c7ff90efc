import LayerContract
import ManifestModel

/// `--format github`: GitHub Actions workflow commands, one annotation per
/// problem, placed at the owner's line (the line a reviewer must change)
/// when the finding has one, else where the value was rendered.
///
///     ::error file=F,line=L,col=C,endLine=L,endColumn=C,title=<diff key>::<message> (owner: <owner>)
///     ::notice title=render-check::render-check: 1 error, 0 warnings, ... (the summary, last)
///
/// Data is escaped (`%`, CR, LF) and property values too (also `:` and `,`),
/// so a message can never end the command early or forge another.
public struct GitHubReporter: Reporter {
    public init() {}

    public func report(_ triage: Triage, context: ReportContext) -> String {
        var lines: [String] = []
        let findings = ReportOrder.byKey(triage.active).map { (finding: $0, at: Self.primaryLocation(of: $0)) }
            .enumerated()
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map(\.element)
        for (finding, location) in findings {
            var message = "\(TextReporter.chartPrefix(finding))\(finding.message) (owner: \(finding.owner.summary))"
            if location != finding.location {
                message += "; rendered at \(finding.location)"
            }
            if let elsewhere = finding.elsewhere { message += "; \(elsewhere)" }
            message += "\n" + finding.remedy
            lines.append(Self.command(finding.severity == .error ? "error" : "warning", at: location,
                                      title: finding.diffKey, message: message))
        }
        for problem in triage.allowlistErrors {
            lines.append(Self.command("error", at: problem.location, title: "allowlist", message: problem.text))
        }
        for problem in triage.allowlistWarnings {
            lines.append(Self.command("warning", at: problem.location, title: "allowlist", message: problem.text))
        }
        for notice in triage.notices {
            lines.append(Self.command("notice", at: notice.location, title: notice.kind.rawValue, message: notice.message))
        }
        for error in ReportOrder.inputErrors(triage.inputErrors) {
            lines.append(Self.command("error", at: error.location, title: "\(error.stage.rawValue) error",
                                      message: TextReporter.problem(of: error)))
        }
        // The summary as a notice too, so it shows in the job's annotations, not only its log.
        let configuration = context.configuration.map { " (configuration: \($0))" } ?? ""
        lines.append("::notice title=render-check::" + Self.escapeData(TextReporter.summary(triage) + configuration))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Where a reviewer acts: the owner's line, else the template line that
    /// wrote the value, else the rendered location.
    static func primaryLocation(of finding: Finding) -> SourceLocation {
        finding.owner.location ?? finding.owner.template ?? finding.location
    }

    /// `::<level> file=..,line=..,col=..[,endLine=..,endColumn=..],title=..::<message>`; the end
    /// only when the span ends after it starts.
    static func command(_ level: String, at location: SourceLocation, title: String, message: String) -> String {
        var properties = [
            ("file", location.file), ("line", String(location.line)), ("col", String(location.column)),
        ]
        let span = location.span
        if span.end > span.start {
            properties.append(("endLine", String(span.end.line)))
            properties.append(("endColumn", String(span.end.column)))
        }
        properties.append(("title", title))
        let list = properties.map { "\($0.0)=\(escapeProperty($0.1))" }.joined(separator: ",")
        return "::\(level) \(list)::\(escapeData(message))"
    }

    /// Workflow-command data: `%`, CR and LF.
    public static func escapeData(_ text: String) -> String {
        escape(text, property: false)
    }

    /// Workflow-command property values: as data, plus `:` and `,`.
    public static func escapeProperty(_ text: String) -> String {
        escape(text, property: true)
    }

    private static func escape(_ text: String, property: Bool) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": result += "%25"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            case ":" where property: result += "%3A"
            case "," where property: result += "%2C"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

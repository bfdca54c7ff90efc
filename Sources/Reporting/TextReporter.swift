import LayerContract
import ManifestModel

/// `--format text`, the default: one compiler-style line per problem, so
/// editors' and CI's problem matchers pick them up, then a one-line summary.
///
///     FILE:LINE:COL: error: <message> [<diff key>] owner: <owner>
///     FILE:LINE:COL: error: allowlist: <problem>
///     FILE:LINE:COL: note: <kind>: <message>
///     render-check: 2 errors, 1 warning, 1 suppressed, 0 allowlist errors in 14 resources from 6 inputs
///
/// Suppressed findings only count in the summary.
public struct TextReporter: Reporter {
    public init() {}

    public func report(_ triage: Triage, context: ReportContext) -> String {
        let style = Style(enabled: context.colour)
        var lines: [String] = []
        for finding in ReportOrder.byLocation(triage.active) {
            lines.append(style.line(finding.location, finding.severity == .error ? .error : .warning,
                                    "\(Self.chartPrefix(finding))\(finding.message) [\(finding.diffKey)] owner: \(finding.owner.summary)"
                                        + (finding.elsewhere.map { " (\($0))" } ?? "")))
        }
        for problem in triage.allowlistErrors {
            lines.append(style.line(problem.location, .error, "allowlist: \(Self.withoutLocation(problem))"))
        }
        for problem in triage.allowlistWarnings {
            lines.append(style.line(problem.location, .warning, "allowlist: \(Self.withoutLocation(problem))"))
        }
        for notice in triage.notices {
            lines.append(style.line(notice.location, .note, "\(notice.kind.rawValue): \(notice.message)"))
        }
        for error in ReportOrder.inputErrors(triage.inputErrors) {
            lines.append(style.line(error.location, .error, Self.problem(of: error)))
        }
        if let file = context.configuration {
            lines.append(style.line(SourceLocation(file: file, line: 1, column: 1), .note,
                                    "configuration: this run's defaults come from this file"))
        }
        lines.append(style.summary(Self.summary(triage)))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `[entry] ` before the message of a finding from a `charts:` entry:
    /// after the level, so editors' and CI's matchers read the line as before.
    static func chartPrefix(_ finding: Finding) -> String {
        finding.chart.map { "[\($0)] " } ?? ""
    }

    /// A problem's text without the position the line already starts with
    /// (the triage JSON keeps it, since there the text stands alone).
    static func withoutLocation(_ problem: Allowlist.Problem) -> String {
        let prefix = "\(problem.location): "
        return problem.text.hasPrefix(prefix) ? String(problem.text.dropFirst(prefix.count)) : problem.text
    }

    /// `render-check: 2 errors, 1 warning, 1 suppressed, 0 allowlist errors in 14 resources from 6 inputs`,
    /// with `; N unreadable inputs` when some could not be read.
    public static func summary(_ triage: Triage) -> String {
        var text = "render-check: \(count(triage.activeErrors, "error")), \(count(triage.activeWarnings, "warning")), "
            + "\(triage.suppressed.count) suppressed, \(count(triage.allowlistErrors.count, "allowlist error")) "
            + "in \(count(triage.resourceCount, "resource")) from \(count(triage.inputCount, "input"))"
        if !triage.inputErrors.isEmpty {
            text += "; \(count(triage.inputErrors.count, "input error"))"
        }
        return text
    }

    /// An input error's description without its `FILE:LINE:COL: error: ` prefix.
    static func problem(of error: YAMLError) -> String {
        let prefix = "\(error.location): error: "
        let description = error.description
        return description.hasPrefix(prefix) ? String(description.dropFirst(prefix.count)) : description
    }

    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    enum Level: String {
        case error, warning, note
    }

    /// ANSI styling as compilers print it: bold location, coloured level.
    struct Style {
        var enabled: Bool

        func line(_ location: SourceLocation, _ level: Level, _ text: String) -> String {
            guard enabled else { return "\(location): \(level.rawValue): \(text)" }
            let colour: String
            switch level {
            case .error: colour = "\u{1B}[1;31m"
            case .warning: colour = "\u{1B}[1;35m"
            case .note: colour = "\u{1B}[1;36m"
            }
            return "\u{1B}[1m\(location):\u{1B}[0m \(colour)\(level.rawValue):\u{1B}[0m \(text)"
        }

        func summary(_ text: String) -> String {
            enabled ? "\u{1B}[1m\(text)\u{1B}[0m" : text
        }
    }
}

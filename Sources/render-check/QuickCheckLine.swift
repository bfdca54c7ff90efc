import LayerContract
import ManifestModel
import Reporting

/// Reads a well-formed `check` command line without swift-argument-parser,
/// whose reflection over the command's options is most of a small check's
/// start-up (callgrind: 18.3 of the 28.7 million instructions of a check of
/// the fixture render). It takes only what it is sure of: the check
/// command's own options written as `--name value`, `--name=value` or
/// `-f value`, flags, and inputs. Anything else (help, a subcommand, an
/// unknown or repeated option, a value that does not convert, a failed
/// validation) gives nil and swift-argument-parser reads the line, so every
/// message and every error is still its. `QuickCheckLineTests` holds both
/// readings to the same command on a list of lines.
enum QuickCheckLine {
    /// Where an option's value goes. Closures rather than key paths: each
    /// key path literal is an object built at run time (callgrind: 0.23 of the
    /// 0.74 million instructions this reading took).
    private typealias Setter<Value> = (inout RenderCheck.Check, Value) -> Void

    private enum Slot {
        case text(Setter<String>)
        case list(Setter<String>)
        case flag(Setter<Bool>)
        case integer(Setter<Int>)
        case seconds(Setter<Double>)
        case format
        case ownership
    }

    private static func slot(_ name: String) -> Slot? {
        switch name {
        case "--contract": return .text { $0.selection.contract = $1 }
        case "--allowlist": return .text { $0.selection.allowlist = $1 }
        case "--stack": return .list { $0.selection.stack.append($1) }
        case "--live": return .list { $0.selection.live.append($1) }
        case "--component": return .list { $0.selection.component.append($1) }
        case "--namespace": return .text { $0.selection.namespace = $1 }
        case "--today": return .text { $0.selection.today = $1 }
        case "--config": return .text { $0.selection.config = $1 }
        case "--no-config": return .flag { $0.selection.noConfig = $1 }
        case "--chart": return .text { $0.chart.chart = $1 }
        case "--values", "-f": return .list { $0.chart.values.append($1) }
        case "--set": return .list { $0.chart.set.append($1) }
        case "--release": return .text { $0.chart.release = $1 }
        case "--format": return .format
        case "--output": return .text { $0.output.output = $1 }
        case "--max-depth": return .integer { $0.limits.maxDepth = $1 }
        case "--max-alias-expansion": return .integer { $0.limits.maxAliasExpansion = $1 }
        case "--max-document-bytes": return .integer { $0.limits.maxDocumentBytes = $1 }
        case "--ownership": return .ownership
        case "--no-cache": return .flag { $0.ownership.noCache = $1 }
        case "--helm-timeout": return .seconds { $0.ownership.helmTimeout = $1 }
        case "--render": return .flag { $0.render = $1 }
        case "--fix": return .flag { $0.fix = $1 }
        case "--dry-run": return .flag { $0.dryRun = $1 }
        default: return nil
        }
    }

    /// The check `arguments` (the command line after the program name, with
    /// `check` first) ask for, validated; nil when swift-argument-parser
    /// must read them.
    static func command(_ arguments: [String]) -> RenderCheck.Check? {
        guard arguments.first == "check" else { return nil }
        var command = defaultCommand()
        var seen = Set<String>()
        var rest = arguments.dropFirst()[...]
        while let word = rest.popFirst() {
            if word == "--" {
                command.inputs += rest
                break
            }
            guard word.hasPrefix("-"), word != "-" else {
                command.inputs.append(word)
                continue
            }
            var name = word
            var attached: String?
            if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                attached = String(word[word.index(after: equals)...])
            }
            guard let slot = slot(name) else { return nil }
            if case .flag(let set) = slot {
                guard attached == nil, seen.insert(name).inserted else { return nil }
                set(&command, true)
                continue
            }
            guard let value = attached ?? rest.popFirst(), !value.isEmpty, !value.hasPrefix("-") || attached != nil else {
                return nil
            }
            switch slot {
            case .list(let append):
                append(&command, value)
                continue
            default:
                // A single-valued option given twice: the parser's rule decides.
                guard seen.insert(name).inserted else { return nil }
            }
            switch slot {
            case .text(let set): set(&command, value)
            case .integer(let set):
                guard let number = Int(value) else { return nil }
                set(&command, number)
            case .seconds(let set):
                guard let seconds = Double(value) else { return nil }
                set(&command, seconds)
            case .format:
                guard let format = ReportFormat(rawValue: value) else { return nil }
                command.output.format = format
            case .ownership:
                guard let mode = OwnershipOptions.Mode(rawValue: value) else { return nil }
                command.ownership.ownership = mode
            case .list, .flag: break
            }
        }
        do {
            try command.selection.validate()
            try command.limits.validate()
            try command.ownership.validate()
            try command.validate()
        } catch {
            return nil
        }
        return command
    }

    /// A check with every option at its default, as the parser leaves the
    /// options a command line does not name.
    private static func defaultCommand() -> RenderCheck.Check {
        var command = RenderCheck.Check()
        var selection = CheckSelection()
        selection.contract = nil
        selection.allowlist = nil
        selection.stack = []
        selection.live = []
        selection.component = []
        selection.namespace = nil
        selection.today = nil
        selection.config = nil
        selection.noConfig = false
        var chart = ChartOptions()
        chart.chart = nil
        chart.values = []
        chart.set = []
        chart.release = nil
        var output = OutputOptions()
        output.format = .text
        output.output = nil
        var limits = LimitOptions()
        limits.maxDepth = ParseLimits.default.maxDepth
        limits.maxAliasExpansion = ParseLimits.default.maxAliasExpansion
        limits.maxDocumentBytes = ParseLimits.default.maxDocumentBytes
        var ownership = OwnershipOptions()
        ownership.ownership = nil
        ownership.noCache = false
        ownership.helmTimeout = OwnershipOptions.defaultHelmTimeout
        command.selection = selection
        command.chart = chart
        command.output = output
        command.limits = limits
        command.ownership = ownership
        command.render = false
        command.fix = false
        command.dryRun = false
        command.inputs = []
        return command
    }
}

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
    private enum Slot {
        case text(WritableKeyPath<RenderCheck.Check, String?>)
        case list(WritableKeyPath<RenderCheck.Check, [String]>)
        case flag(WritableKeyPath<RenderCheck.Check, Bool>)
        case integer(WritableKeyPath<RenderCheck.Check, Int>)
        case seconds(WritableKeyPath<RenderCheck.Check, Double>)
        case format
        case ownership
    }

    private static func slot(_ name: String) -> Slot? {
        switch name {
        case "--contract": return .text(\.selection.contract)
        case "--allowlist": return .text(\.selection.allowlist)
        case "--stack": return .list(\.selection.stack)
        case "--live": return .list(\.selection.live)
        case "--component": return .list(\.selection.component)
        case "--namespace": return .text(\.selection.namespace)
        case "--today": return .text(\.selection.today)
        case "--config": return .text(\.selection.config)
        case "--no-config": return .flag(\.selection.noConfig)
        case "--chart": return .text(\.chart.chart)
        case "--values": return .list(\.chart.values)
        case "-f": return .list(\.chart.values)
        case "--set": return .list(\.chart.set)
        case "--release": return .text(\.chart.release)
        case "--format": return .format
        case "--output": return .text(\.output.output)
        case "--max-depth": return .integer(\.limits.maxDepth)
        case "--max-alias-expansion": return .integer(\.limits.maxAliasExpansion)
        case "--max-document-bytes": return .integer(\.limits.maxDocumentBytes)
        case "--ownership": return .ownership
        case "--no-cache": return .flag(\.ownership.noCache)
        case "--helm-timeout": return .seconds(\.ownership.helmTimeout)
        case "--render": return .flag(\.render)
        case "--fix": return .flag(\.fix)
        case "--dry-run": return .flag(\.dryRun)
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
            if case .flag(let path) = slot {
                guard attached == nil, seen.insert(name).inserted else { return nil }
                command[keyPath: path] = true
                continue
            }
            guard let value = attached ?? rest.popFirst(), !value.isEmpty, !value.hasPrefix("-") || attached != nil else {
                return nil
            }
            switch slot {
            case .list(let path):
                command[keyPath: path].append(value)
                continue
            default:
                // A single-valued option given twice: the parser's rule decides.
                guard seen.insert(name).inserted else { return nil }
            }
            switch slot {
            case .text(let path): command[keyPath: path] = value
            case .integer(let path):
                guard let number = Int(value) else { return nil }
                command[keyPath: path] = number
            case .seconds(let path):
                guard let seconds = Double(value) else { return nil }
                command[keyPath: path] = seconds
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

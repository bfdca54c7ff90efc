/// A step of a values path pattern: a key, or any element of a list or map
/// (what `range` iterates over).
public enum PatternSegment: Sendable, Hashable {
    case key(String)
    case any
}

/// What a template expression stands for, as far as ownership goes: part of
/// the values, the key of a ranged map entry, chart or release metadata, or
/// the output of a helper called with some context.
indirect enum ValueReference: Hashable, Sendable {
    /// A chart's top-level context (`.` of a template, `$`): its `.Values`
    /// sit at `prefix` in the root chart's values (a subchart's under its
    /// name or alias), its `.Values.global` at the root's `global`.
    case root([String])
    case values([PatternSegment])
    case valuesKey([PatternSegment])
    case chart(String)
    case release(String)
    case helper(String, ValueReference)
    /// `dict "k" v ...` with literal keys.
    case dict([String: ValueReference])
    /// `merge a b ...`: a key comes from the first part that has it.
    case merged([ValueReference])
    /// `list a b ...`.
    case list([ValueReference])
    case unknown

    /// Fields of the top-level context Helm always sets: a merge with a
    /// context finds them there, never in a dict merged after it.
    static let contextFields: Set<String> = ["Values", "Chart", "Release", "Capabilities", "Template", "Files", "Subcharts"]

    /// `.a.b` applied to this reference.
    func appending(_ fields: [String]) -> ValueReference {
        guard !fields.isEmpty else { return self }
        switch self {
        case .root(let prefix):
            switch fields[0] {
            case "Values":
                let rest = fields.dropFirst()
                // Helm copies the root's `global` into every subchart.
                if !prefix.isEmpty, rest.first == "global" { return .values(rest.map { .key($0) }) }
                return .values((prefix + rest).map { .key($0) })
            case "Chart": return fields.count > 1 ? .chart(fields[1]) : .unknown
            case "Release": return fields.count > 1 ? .release(fields[1]) : .unknown
            default: return .unknown
            }
        case .values(let path):
            return .values(path + fields.map { .key($0) })
        case .dict(let entries):
            return entries[fields[0]]?.appending(Array(fields.dropFirst())) ?? .unknown
        case .merged(let parts):
            for part in parts {
                switch part {
                case .dict(let entries):
                    if let entry = entries[fields[0]] { return entry.appending(Array(fields.dropFirst())) }
                case .root:
                    if Self.contextFields.contains(fields[0]) { return part.appending(fields) }
                case .merged:
                    let found = part.appending(fields)
                    if found != .unknown { return found }
                default:
                    // A values map or an unknown part may or may not hold the key: no guess.
                    return .unknown
                }
            }
            return .unknown
        case .list(let items):
            guard let index = Int(fields[0]), items.indices.contains(index) else { return .unknown }
            return items[index].appending(Array(fields.dropFirst()))
        default:
            return .unknown
        }
    }

    var valuesPattern: [PatternSegment]? {
        if case .values(let path) = self { return path }
        return nil
    }
}

/// How a reference takes part in what a line writes.
enum ContributionRole: Hashable, Sendable {
    /// It is (part of) the written value.
    case output
    /// A `default` fallback or another value that wins only when the primary is empty.
    case fallback
    /// It decides whether or what is written, without being written.
    case condition
}

struct Contribution: Hashable, Sendable {
    var reference: ValueReference
    var role: ContributionRole
    /// Inserted whole through `toYaml` (a subtree, not a scalar).
    var isSubtree: Bool
    /// Passed through arithmetic or a case change (`add1`, `upper`): the
    /// written text differs from the key's, so it cannot be matched by text.
    var isTransformed = false
    /// Tested through `not` or `empty`: the block holds while the key is empty.
    var isNegated = false
    /// The block's whole test is this key's truth (`if .x`, `with .x`, `if not .x`):
    /// setting an empty key flips the block, whatever else it holds.
    var isTruthTest = false
}

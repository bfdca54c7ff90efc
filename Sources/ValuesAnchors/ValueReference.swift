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
    case root
    case values([PatternSegment])
    case valuesKey([PatternSegment])
    case chart(String)
    case release(String)
    case helper(String, ValueReference)
    case unknown

    /// `.a.b` applied to this reference.
    func appending(_ fields: [String]) -> ValueReference {
        guard !fields.isEmpty else { return self }
        switch self {
        case .root:
            switch fields[0] {
            case "Values": return .values(fields.dropFirst().map { .key($0) })
            case "Chart": return fields.count > 1 ? .chart(fields[1]) : .unknown
            case "Release": return fields.count > 1 ? .release(fields[1]) : .unknown
            default: return .unknown
            }
        case .values(let path):
            return .values(path + fields.map { .key($0) })
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
}

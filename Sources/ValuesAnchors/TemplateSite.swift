import ManifestModel

/// A step of a rendered key path as a template line writes it: a literal
/// key, a key computed by an action, or an item of a sequence.
public enum SiteSegment: Sendable, Hashable {
    case key(String)
    case anyKey
    case item
    /// An item whose `name:` the template writes literally.
    case namedItem(String)

    var isItem: Bool {
        switch self {
        case .item, .namedItem: return true
        default: return false
        }
    }
}

/// One place in a chart's templates that writes into the rendered output:
/// the key path it writes at, the line, the helper chain it came through,
/// and the references that flow into it.
public struct TemplateSite: Sendable {
    public var keyPath: [SiteSegment]
    /// The template or helper line (column of the key, or of the action).
    public var template: SourceLocation
    /// `include "x.labels"` and the helpers it went through, outermost first.
    public var via: [String]
    var contributions: [Contribution]
    /// References of the enclosing `if`, `with` and `range` blocks.
    var conditions: [Contribution]
    /// A values subtree inserted whole (`toYaml .Values.x | nindent`) below `keyPath`.
    var subtree: [PatternSegment]?
    var isBlockScalar: Bool
    /// The value the line writes literally, when it writes one.
    var literal: String? = nil
    /// Literal text the written value must contain (see `LineShape.fragments`).
    var fragments: [String] = []
    /// The line has actions: an empty `contributions` means unknown, not literal.
    var hasActions = false
}

extension TemplateSite {
    /// The concrete values paths (no wildcards) this site writes.
    public var valuesRead: [ValuesPath] {
        contributions.compactMap { contribution in
            guard contribution.role != .condition, case .values(let pattern) = contribution.reference else { return nil }
            var segments: [ValuesPath.Segment] = []
            for segment in pattern {
                guard case .key(let key) = segment else { return nil }
                segments.append(.key(key))
            }
            return ValuesPath(segments)
        }
    }
}

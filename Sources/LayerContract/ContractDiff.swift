import ManifestModel

/// What regenerating the contract would change, path by path: members added,
/// removed or changed, with the old and new values. Objects are compared
/// member by member; arrays and scalars are compared whole.
public struct ContractDiff: Sendable {
    public enum Kind: String, Sendable, Hashable {
        case added
        case removed
        case changed
    }

    public struct Change: Sendable, Hashable {
        public var kind: Kind
        /// Keys from the root (`["ports", "atlas", "service"]`).
        public var path: [String]
        public var old: JSONTree?
        public var new: JSONTree?

        /// The path as the contract's own prose writes it: keys joined by dots
        /// (`services.atlas.selector.app.kubernetes.io/instance`).
        public var dottedPath: String { path.joined(separator: ".") }

        /// `changed ports.atlas.service: 8080 -> 9090`.
        public var summary: String {
            switch kind {
            case .added: return "added \(dottedPath): \(new?.compactText ?? "null")"
            case .removed: return "removed \(dottedPath): \(old?.compactText ?? "null")"
            case .changed: return "changed \(dottedPath): \(old?.compactText ?? "null") -> \(new?.compactText ?? "null")"
            }
        }
    }

    /// In the order the written contract lists the paths (keys sorted by code point).
    public var changes: [Change] = []

    public var isEmpty: Bool { changes.isEmpty }

    public init(from old: JSONTree, to new: JSONTree) {
        compare(old, new, at: [])
    }

    /// Where a change sits in the old contract: the member itself, or for an
    /// added one the nearest object that exists.
    public static func location(of change: Change, in locations: JSONTree.Locations) -> SourceLocation? {
        var path = change.path
        while true {
            if let location = locations[path] { return location }
            guard !path.isEmpty else { return nil }
            path.removeLast()
        }
    }

    private mutating func compare(_ old: JSONTree, _ new: JSONTree, at path: [String]) {
        guard case .object(let before) = old, case .object(let after) = new else {
            if old != new { changes.append(Change(kind: .changed, path: path, old: old, new: new)) }
            return
        }
        let keys = Set(before.keys).union(after.keys)
        for key in keys.sorted(by: { $0.precedesByCodePoint($1) }) {
            switch (before[key], after[key]) {
            case let (was?, now?): compare(was, now, at: path + [key])
            case let (was?, nil): changes.append(Change(kind: .removed, path: path + [key], old: was, new: nil))
            case let (nil, now?): changes.append(Change(kind: .added, path: path + [key], old: nil, new: now))
            case (nil, nil): break
            }
        }
    }
}

/// A step from a document's root to one of its nodes: a mapping key, or a
/// sequence item with its index and, when the item is a mapping with a
/// scalar `name`, that name (Kubernetes lists are keyed by it).
public enum RenderedSegment: Sendable, Hashable {
    case key(String)
    case item(index: Int, name: String?)
}

/// Every node of a document reached by a path, in document order.
public struct RenderedLeaf: Sendable {
    public var path: [RenderedSegment]
    public var node: NodeID
    /// Where the value sits (for a collection, where it starts).
    public var location: SourceLocation
    /// Where the key that leads to it sits, when it is a mapping value.
    public var keyLocation: SourceLocation?
    public var isScalar: Bool
}

extension RenderedSegment {
    /// `spec.ports[name=http].port`: dotted keys, `[name=X]` or `[i]` for items.
    public static func describe(_ path: [RenderedSegment]) -> String {
        var text = ""
        for segment in path {
            switch segment {
            case .key(let key):
                if !text.isEmpty { text += "." }
                text += key
            case .item(let index, let name):
                text += name.map { "[name=\($0)]" } ?? "[\(index)]"
            }
        }
        return text
    }
}

extension YAMLDocument {
    /// Calls `body` for every node below `start` (the root by default) with
    /// its path, in document order, without recursion. Only the current path
    /// is held, so memory stays proportional to the depth, not to the number
    /// of nodes times their depth. Aliases are reported where they are used,
    /// not followed, so a hostile document stays linear.
    public func walk(from start: NodeID? = nil, maxDepth: Int = .max, _ body: (RenderedLeaf) -> Void) {
        guard let start = start ?? root else { return }
        var path: [RenderedSegment] = []
        // Each entry: the node, its depth, the segment that leads to it, its key's position.
        var stack: [(NodeID, Int, RenderedSegment?, SourceLocation?)] = [(start, 0, nil, nil)]
        while let (node, depth, segment, keyLocation) = stack.popLast() {
            path.removeSubrange(max(0, depth - 1)...)
            if let segment { path.append(segment) }
            let kind = self.kind(node)
            body(RenderedLeaf(path: path, node: node, location: location(node), keyLocation: keyLocation,
                              isScalar: kind == .scalar || (kind == .alias && self.kind(resolved(node)) == .scalar)))
            guard depth < maxDepth else { continue }
            switch kind {
            case .scalar, .alias:
                continue
            case .mapping:
                let keys = self.keys(node), values = self.values(node)
                for index in stride(from: keys.count - 1, through: 0, by: -1) {
                    stack.append((values[index], depth + 1, .key(text(keys[index])), location(keys[index])))
                }
            case .sequence:
                let items = self.items(node)
                for index in stride(from: items.count - 1, through: 0, by: -1) {
                    let item = items[index]
                    var name: String?
                    if let nameNode = value(in: item, forKey: "name"), self.kind(nameNode) == .scalar { name = text(nameNode) }
                    stack.append((item, depth + 1, .item(index: index, name: name), nil))
                }
            }
        }
    }

    /// Every node with its path; for small documents and tests. Large or deep
    /// documents should use `walk`, which holds one path at a time.
    public func leaves(from start: NodeID? = nil) -> [RenderedLeaf] {
        var result: [RenderedLeaf] = []
        walk(from: start) { result.append($0) }
        return result
    }
}

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
    /// Every node below `start` (the root by default) with its path, in
    /// document order, without recursion. Aliases are listed where they
    /// are used, not followed, so a hostile document stays linear.
    public func leaves(from start: NodeID? = nil) -> [RenderedLeaf] {
        guard let start = start ?? root else { return [] }
        var result: [RenderedLeaf] = []
        var stack: [(NodeID, [RenderedSegment], SourceLocation?)] = [(start, [], nil)]
        while let (id, path, keyLocation) = stack.popLast() {
            let node = id
            switch kind(node) {
            case .scalar, .alias:
                result.append(RenderedLeaf(path: path, node: node, location: location(node), keyLocation: keyLocation,
                                           isScalar: kind(resolved(node)) == .scalar))
            case .mapping:
                result.append(RenderedLeaf(path: path, node: node, location: location(node), keyLocation: keyLocation, isScalar: false))
                let keys = self.keys(node), values = self.values(node)
                for index in stride(from: keys.count - 1, through: 0, by: -1) {
                    stack.append((values[index], path + [.key(text(keys[index]))], location(keys[index])))
                }
            case .sequence:
                result.append(RenderedLeaf(path: path, node: node, location: location(node), keyLocation: keyLocation, isScalar: false))
                let items = self.items(node)
                for index in stride(from: items.count - 1, through: 0, by: -1) {
                    let item = items[index]
                    var name: String?
                    if let nameNode = value(in: item, forKey: "name"), kind(nameNode) == .scalar { name = text(nameNode) }
                    stack.append((item, path + [.item(index: index, name: name)], nil))
                }
            }
        }
        return result
    }
}

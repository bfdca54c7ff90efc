#if canImport(Glibc)
import Glibc
#endif

/// A label-like map (`labels`, `selector`, `matchLabels`) read in place, with
/// the meaning `StringMap` gives it: pairs whose key is a string and whose
/// value is a scalar; for a repeated key the last pair counts.
public struct LabelMap: Sendable {
    public let document: YAMLDocument
    public let node: NodeID

    init?(_ document: YAMLDocument, _ node: NodeID?) {
        guard let mapping = document.mappingNode(node) else { return nil }
        self.document = document
        self.node = mapping
    }

    /// The value node for `key`, as `StringMap`'s subscript finds it: the
    /// last pair with that key (so the search runs backwards).
    public func value(forKey key: UnsafeBufferPointer<UInt8>) -> NodeID? {
        let record = document.record(node)
        let children = document.storage.children
        var slot = Int(record.first) + 2 * (Int(record.count) - 1)
        while slot >= Int(record.first) {
            defer { slot -= 2 }
            guard let keyNode = document.stringNode(NodeID(children[slot])), document.textEquals(keyNode, key) else { continue }
            let value = document.resolved(NodeID(children[slot + 1]))
            if document.kind(value) == .scalar { return value }
        }
        return nil
    }

    public func value(forKey key: [UInt8]) -> NodeID? {
        key.withUnsafeBufferPointer { value(forKey: $0) }
    }

    /// Calls `body` with the index of every selector this map contains
    /// (every pair present with the same value, as `StringMap.contains(all:)`
    /// decides), reading the map's pairs once for all of them.
    public func forEachContained(_ selectors: LabelSelectors, _ body: (Int) -> Void) {
        guard !selectors.isEmpty else { return }
        let capacity = Swift.max(document.pairCount(node), 1)
        withUnsafeTemporaryAllocation(of: (key: TextRange, value: TextRange).self, capacity: capacity) { pairs in
            var count = 0
            forEachPair { key, value in
                pairs[count] = (document.textRange(key), document.textRange(value))
                count += 1
            }
            let text = document.storage.bytes
            selectors.forEachSatisfied(by: { key in
                // The last pair with the key is the one that counts.
                var slot = count - 1
                while slot >= 0 {
                    let range = pairs[slot].key
                    if Int(range.length) == key.count,
                       key.count == 0 || memcmp(text + Int(range.offset), key.baseAddress!, key.count) == 0 {
                        return document.bytes(pairs[slot].value)
                    }
                    slot -= 1
                }
                return nil
            }, body)
        }
    }

    /// True when this map contains the selector (`StringMap.contains(all:)`).
    public func contains(all selector: [(key: String, value: String)]) -> Bool {
        var contained = false
        forEachContained(LabelSelectors([selector])) { _ in contained = true }
        return contained
    }

    /// Every pair `StringMap` keeps, in document order: key and value nodes
    /// (aliases resolved).
    public func forEachPair(_ body: (NodeID, NodeID) -> Void) {
        let record = document.record(node)
        let children = document.storage.children
        var slot = Int(record.first)
        for _ in 0..<Int(record.count) {
            defer { slot += 2 }
            guard let key = document.stringNode(NodeID(children[slot])) else { continue }
            let value = document.resolved(NodeID(children[slot + 1]))
            guard document.kind(value) == .scalar else { continue }
            body(key, value)
        }
    }
}

/// What a document holds, independent of where it sits: two documents with
/// the same fingerprint have the same nodes, text, tags, anchors and
/// `# Source:` comment, each node on the same line relative to the
/// document's start (`span.start.line`) and in the same column. So the same Deployment rendered
/// again, anywhere in any input, is recognised as a repeat, and every
/// position in it is the first copy's shifted by whole lines.
///
/// The hash is the standard library's seeded SipHash over every field, so a
/// crafted input cannot choose collisions; it differs between runs and is
/// never written out.
public struct DocumentFingerprint: Sendable, Hashable {
    let value: Int
}

extension YAMLDocument {
    /// The document's fingerprint: one pass over its arena, no allocation.
    public func fingerprint() -> DocumentFingerprint {
        let storage = self.storage
        let base = Int32(truncatingIfNeeded: storage.span.start.line)
        var hasher = Hasher()
        hasher.combine(storage.nodeCount)
        hasher.combine(storage.explicitStart)
        hasher.combine(storage.root?.index ?? -1)
        for index in 0..<storage.nodeCount {
            let node = storage.nodes[index]
            hasher.combine(node.kind.rawValue)
            hasher.combine(node.style)
            hasher.combine(node.startLine &- base)
            hasher.combine(node.startColumn)
            hasher.combine(node.endLine &- base)
            hasher.combine(node.endColumn)
            hasher.combine(node.text.offset)
            hasher.combine(node.text.length)
            hasher.combine(node.tag.offset)
            hasher.combine(node.tag.length)
            hasher.combine(node.anchor.offset)
            hasher.combine(node.anchor.length)
            hasher.combine(node.first)
            hasher.combine(node.count)
        }
        hasher.combine(storage.childCount)
        hasher.combine(bytes: UnsafeRawBufferPointer(start: storage.children, count: storage.childCount * MemoryLayout<Int32>.stride))
        hasher.combine(storage.byteCount)
        hasher.combine(bytes: UnsafeRawBufferPointer(start: storage.bytes, count: storage.byteCount))
        if let source = storage.source {
            hasher.combine(source.value)
            hasher.combine(source.location.span.start.line - Int(base))
            hasher.combine(source.location.span.start.column)
        } else {
            hasher.combine(-1)
        }
        hasher.combine(storage.span.end.line - Int(base))
        hasher.combine(storage.span.end.column)
        hasher.combine(storage.span.start.column)
        return DocumentFingerprint(value: hasher.finalize())
    }
}

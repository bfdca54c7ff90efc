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
        // Each node's fields packed into four words (six with a tag or anchor): a third of the
        // hashing work of feeding them one by one.
        for index in 0..<storage.nodeCount {
            let node = storage.nodes[index]
            hasher.combine(UInt64(node.kind.rawValue) | UInt64(node.style) << 8
                | UInt64(UInt32(bitPattern: node.startColumn)) << 16 | UInt64(UInt32(bitPattern: node.endColumn)) << 40
                | (node.tag.isPresent || node.anchor.isPresent ? 1 << 63 : 0))
            hasher.combine(UInt64(UInt32(bitPattern: node.startLine &- base)) | UInt64(UInt32(bitPattern: node.endLine &- base)) << 32)
            hasher.combine(UInt64(UInt32(bitPattern: node.text.offset)) | UInt64(UInt32(bitPattern: node.text.length)) << 32)
            if node.tag.isPresent || node.anchor.isPresent {
                hasher.combine(UInt64(UInt32(bitPattern: node.tag.offset)) | UInt64(UInt32(bitPattern: node.tag.length)) << 32)
                hasher.combine(UInt64(UInt32(bitPattern: node.anchor.offset)) | UInt64(UInt32(bitPattern: node.anchor.length)) << 32)
            }
            hasher.combine(UInt64(UInt32(bitPattern: node.first)) | UInt64(UInt32(bitPattern: node.count)) << 32)
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

/// What a document holds, independent of where it sits: two documents with
/// the same fingerprint have the same nodes, text, tags, anchors and
/// `# Source:` comment, each node on the same line relative to the
/// document's start (`span.start.line`) and in the same column. So the same
/// Deployment rendered again, anywhere in any input, is recognised as a
/// repeat, and every position in it is the first copy's shifted by whole lines.
///
/// Two 64-bit lanes of multiply-xorshift mixing, seeded at random once per
/// process: a few instructions per word (every repeat of a kept resource is
/// fingerprinted, so this is on the hot path), and an input cannot be
/// written to collide with a seed it never sees. Never written out.
public struct DocumentFingerprint: Sendable, Hashable {
    let low: UInt64
    let high: UInt64
}

/// The mixing state of one fingerprint.
private struct FingerprintMixer {
    /// Drawn once per process from the system's random source.
    static let seed: (UInt64, UInt64) = {
        var generator = SystemRandomNumberGenerator()
        return (generator.next() | 1, generator.next() | 1)
    }()

    var low: UInt64
    var high: UInt64

    init() {
        (low, high) = Self.seed
    }

    @inline(__always)
    mutating func add(_ word: UInt64) {
        low = (low ^ word) &* 0x9E37_79B9_7F4A_7C15
        low ^= low >> 29
        high = (high &+ word) &* 0xC2B2_AE3D_27D4_EB4F
        high ^= high >> 31
    }

    mutating func add(bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset + 8 <= bytes.count {
            add(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        add(tail)
        add(UInt64(bytes.count))
    }

    func finalize() -> DocumentFingerprint {
        var a = low ^ (high >> 17), b = high ^ (low << 13)
        a = (a ^ (a >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        b = (b ^ (b >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        return DocumentFingerprint(low: a ^ (a >> 33), high: b ^ (b >> 33))
    }
}

extension YAMLDocument {
    /// The document's fingerprint: one pass over its arena, no allocation.
    public func fingerprint() -> DocumentFingerprint {
        let storage = self.storage
        let base = Int32(truncatingIfNeeded: storage.span.start.line)
        var mixer = FingerprintMixer()
        mixer.add(UInt64(storage.nodeCount))
        mixer.add(UInt64(bitPattern: Int64(storage.root?.index ?? -1)) ^ (storage.explicitStart ? 1 << 40 : 0))
        // Each node's fields packed into words, five of them (seven with a tag or anchor).
        for index in 0..<storage.nodeCount {
            let node = storage.nodes[index]
            let decorated = node.tag.isPresent || node.anchor.isPresent
            mixer.add(UInt64(node.kind.rawValue) | UInt64(node.style) << 8 | (decorated ? 1 << 16 : 0)
                | UInt64(UInt32(bitPattern: node.startColumn)) << 32)
            mixer.add(UInt64(UInt32(bitPattern: node.startLine &- base)) | UInt64(UInt32(bitPattern: node.endLine &- base)) << 32)
            mixer.add(UInt64(UInt32(bitPattern: node.endColumn)) | UInt64(UInt32(bitPattern: node.count)) << 32)
            mixer.add(UInt64(UInt32(bitPattern: node.text.offset)) | UInt64(UInt32(bitPattern: node.text.length)) << 32)
            mixer.add(UInt64(UInt32(bitPattern: node.first)))
            if decorated {
                mixer.add(UInt64(UInt32(bitPattern: node.tag.offset)) | UInt64(UInt32(bitPattern: node.tag.length)) << 32)
                mixer.add(UInt64(UInt32(bitPattern: node.anchor.offset)) | UInt64(UInt32(bitPattern: node.anchor.length)) << 32)
            }
        }
        mixer.add(bytes: UnsafeRawBufferPointer(start: storage.children, count: storage.childCount * MemoryLayout<Int32>.stride))
        mixer.add(bytes: UnsafeRawBufferPointer(start: storage.bytes, count: storage.byteCount))
        if let source = storage.source {
            var text = source.value
            text.withUTF8 { mixer.add(bytes: UnsafeRawBufferPointer($0)) }
            mixer.add(UInt64(bitPattern: Int64(source.location.span.start.line - Int(base))) ^ UInt64(source.location.span.start.column) << 40)
        } else {
            mixer.add(.max)
        }
        mixer.add(UInt64(bitPattern: Int64(storage.span.end.line - Int(base))) ^ UInt64(storage.span.end.column) << 40)
        mixer.add(UInt64(storage.span.start.column))
        return mixer.finalize()
    }
}

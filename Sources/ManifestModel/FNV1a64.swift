/// 64-bit FNV-1a over bytes: small, stable across runs and platforms, and
/// cheap enough for lookups keyed by text that must not allocate to ask.
/// Also what SARIF fingerprints are made of. Not a security hash.
public struct FNV1a64: Sendable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    public mutating func add(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    public mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes { add(byte) }
    }

    public mutating func combine(_ text: String) {
        // Native strings are contiguous UTF-8: hashed from their buffer, not byte by byte through the view.
        let hashed: Void? = text.utf8.withContiguousStorageIfAvailable { add($0) }
        if hashed == nil {
            for byte in text.utf8 { add(byte) }
        }
    }

    /// Sixteen lowercase hex digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The hash of the parts joined by NUL bytes, in hex.
    public static func hex(_ parts: [String]) -> String {
        var hash = FNV1a64()
        for (index, part) in parts.enumerated() {
            if index > 0 { hash.add(0) }
            hash.combine(part)
        }
        return hash.hex
    }
}

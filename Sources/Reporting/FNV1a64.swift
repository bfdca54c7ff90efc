/// The 64-bit FNV-1a hash over UTF-8 bytes: small, stable across runs and
/// platforms, and enough to fingerprint a diff key (it is not a security
/// hash).
struct FNV1a64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func combine(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
    }

    /// Sixteen lowercase hex digits.
    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    static func hex(_ parts: [String]) -> String {
        var hash = FNV1a64()
        for (index, part) in parts.enumerated() {
            if index > 0 { hash.combine("\u{0}") }
            hash.combine(part)
        }
        return hash.hex
    }
}

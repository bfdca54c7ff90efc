/// 32-bit FNV-1a over UTF-8 bytes: stable from run to run, so the sieve's
/// decisions (and the reads they cause) are deterministic.
struct FNV1a32 {
    private(set) var value: UInt32 = 0x811C_9DC5

    mutating func add(_ byte: UInt8) {
        value = (value ^ UInt32(byte)) &* 0x0100_0193
    }

    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes { add(byte) }
    }

    mutating func add(_ text: String) {
        for byte in text.utf8 { add(byte) }
    }
}

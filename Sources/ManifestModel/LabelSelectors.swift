#if canImport(Glibc)
import Glibc
#endif

/// Label selectors, each a list of `key=value` pairs, compiled into one byte
/// buffer so that a `LabelMap` can be tested against all of them at once
/// without a reference count changing per pair (see
/// `LabelMap.forEachContained`).
public struct LabelSelectors: Sendable {
    private struct Pair: Sendable {
        var keyStart: Int32
        var keyLength: Int32
        var valueStart: Int32
        var valueLength: Int32
    }

    private var bytes: [UInt8] = []
    private var pairs: [Pair] = []
    /// Selector `i` is `pairs[ends[i - 1]..<ends[i]]` (from 0 for the first).
    private var ends: [Int] = []

    public init() {}

    public init(_ selectors: [[(key: String, value: String)]]) {
        for selector in selectors { append(selector) }
    }

    public var count: Int { ends.count }
    public var isEmpty: Bool { ends.isEmpty }

    public mutating func append(_ selector: [(key: String, value: String)]) {
        for (key, value) in selector {
            let keyStart = bytes.count
            bytes.append(contentsOf: key.utf8)
            let valueStart = bytes.count
            bytes.append(contentsOf: value.utf8)
            pairs.append(Pair(keyStart: Int32(keyStart), keyLength: Int32(valueStart - keyStart),
                              valueStart: Int32(valueStart), valueLength: Int32(bytes.count - valueStart)))
        }
        ends.append(pairs.count)
    }

    /// Calls `body` with the index of every selector whose pairs all satisfy
    /// `lookup`, which gets a key's bytes and answers with the value's bytes
    /// (or nil when the key is absent).
    func forEachSatisfied(by lookup: (UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>?,
                          _ body: (Int) -> Void) {
        bytes.withUnsafeBufferPointer { bytes in
            pairs.withUnsafeBufferPointer { pairs in
                ends.withUnsafeBufferPointer { ends in
                    var first = 0
                    for index in 0..<ends.count {
                        let end = ends[index]
                        defer { first = end }
                        var all = true
                        for slot in first..<end {
                            let pair = pairs[slot]
                            let key = UnsafeBufferPointer(rebasing: bytes[Int(pair.keyStart)..<Int(pair.keyStart + pair.keyLength)])
                            guard let found = lookup(key), found.count == Int(pair.valueLength),
                                  found.count == 0 || memcmp(found.baseAddress!, bytes.baseAddress! + Int(pair.valueStart), found.count) == 0 else {
                                all = false
                                break
                            }
                        }
                        if all { body(index) }
                    }
                }
            }
        }
    }
}

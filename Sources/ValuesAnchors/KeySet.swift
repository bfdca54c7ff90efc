/// A set of values keys by their index in the experiment, as bits: the
/// experiment intersects and subtracts thousands of these per render.
public struct KeySet: Sendable, Hashable {
    private var words: [UInt64]

    public init(capacity: Int) {
        words = [UInt64](repeating: 0, count: (capacity + 63) / 64)
    }

    public init(capacity: Int, members: some Sequence<Int>) {
        self.init(capacity: capacity)
        for member in members { insert(member) }
    }

    /// Every index below `capacity`.
    public static func all(_ capacity: Int) -> KeySet {
        KeySet(capacity: capacity, members: 0..<capacity)
    }

    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    public func contains(_ member: Int) -> Bool {
        words[member >> 6] & (1 << UInt64(member & 63)) != 0
    }

    public mutating func insert(_ member: Int) {
        words[member >> 6] |= 1 << UInt64(member & 63)
    }

    public mutating func remove(_ member: Int) {
        words[member >> 6] &= ~(1 << UInt64(member & 63))
    }

    public var members: [Int] {
        var result: [Int] = []
        for (index, word) in words.enumerated() where word != 0 {
            var rest = word
            while rest != 0 {
                result.append(index << 6 + rest.trailingZeroBitCount)
                rest &= rest - 1
            }
        }
        return result
    }

    public func intersection(_ other: KeySet) -> KeySet {
        var result = self
        for index in words.indices { result.words[index] &= other.words[index] }
        return result
    }

    public func union(_ other: KeySet) -> KeySet {
        var result = self
        for index in words.indices { result.words[index] |= other.words[index] }
        return result
    }

    public func subtracting(_ other: KeySet) -> KeySet {
        var result = self
        for index in words.indices { result.words[index] &= ~other.words[index] }
        return result
    }

    public mutating func subtract(_ other: KeySet) {
        for index in words.indices { words[index] &= ~other.words[index] }
    }

    public mutating func formUnion(_ other: KeySet) {
        for index in words.indices { words[index] |= other.words[index] }
    }

    public func isDisjoint(with other: KeySet) -> Bool {
        for index in words.indices where words[index] & other.words[index] != 0 { return false }
        return true
    }

    public func isSubset(of other: KeySet) -> Bool {
        for index in words.indices where words[index] & ~other.words[index] != 0 { return false }
        return true
    }
}

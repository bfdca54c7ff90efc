import ManifestModel

/// The members of a JSON object, kept sorted by key in code point order (the
/// order `json.dumps(..., sort_keys=True)` writes) and unique, so writing
/// needs no sort and two objects with the same members are equal however
/// they were built. A sorted array rather than a dictionary: reports build
/// many small objects, and hashing every key then sorting the members at
/// write time was most of a small check's report (callgrind: 1.4 of its 2.1
/// million instructions).
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var keys: [String] = []
    public private(set) var values: [JSONValue] = []

    public init() {}

    public init(_ members: [String: JSONValue]) {
        self.init(members: Array(members))
    }

    /// A later duplicate key replaces the earlier one.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(members: elements)
    }

    /// Members in any order; of a repeated key, the last. Positions are
    /// sorted (stably, by insertion: objects are small), not the members.
    init(members: [(String, JSONValue)]) {
        var order = Array(members.indices)
        for next in order.indices.dropFirst() {
            let moving = order[next]
            var slot = next
            while slot > 0, members[moving].0.precedesByCodePoint(members[order[slot - 1]].0) {
                order[slot] = order[slot - 1]
                slot -= 1
            }
            order[slot] = moving
        }
        keys.reserveCapacity(members.count)
        values.reserveCapacity(members.count)
        for index in order {
            // Code points decide, as for Python: `==` would take "é" and "e\u{301}" for one key.
            if let last = keys.last, !last.precedesByCodePoint(members[index].0) {
                values[values.count - 1] = members[index].1
            } else {
                keys.append(members[index].0)
                values.append(members[index].1)
            }
        }
    }

    public var count: Int { keys.count }

    public subscript(key: String) -> JSONValue? {
        get {
            let (index, found) = position(of: key)
            // Not `found ? values[index] : nil`: there `nil` would be JSON's null.
            return found ? .some(values[index]) : .none
        }
        set {
            let (index, found) = position(of: key)
            switch (found, newValue) {
            case (true, .some(let value)): values[index] = value
            case (true, .none):
                keys.remove(at: index)
                values.remove(at: index)
            case (false, .some(let value)):
                keys.insert(key, at: index)
                values.insert(value, at: index)
            case (false, .none): break
            }
        }
    }

    public func makeIterator() -> some IteratorProtocol<(key: String, value: JSONValue)> {
        zip(keys, values).lazy.map { (key: $0, value: $1) }.makeIterator()
    }

    /// Where `key` is or would go. Members are mostly added in key order, so
    /// the last one is tried first.
    private func position(of key: String) -> (index: Int, found: Bool) {
        guard let last = keys.last else { return (0, false) }
        if last.precedesByCodePoint(key) { return (keys.count, false) }
        var low = 0, high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle].precedesByCodePoint(key) { low = middle + 1 } else { high = middle }
        }
        return (low, low < keys.count && !key.precedesByCodePoint(keys[low]))
    }
}

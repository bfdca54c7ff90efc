/// A growable run of plain values in one heap block, for the document
/// builder's arenas. Appending is a capacity check and a store: no
/// uniqueness check and no reference counting per element, which matters
/// when every YAML event appends two or three values.
///
/// It has one writer: the builder. A finished document keeps a reference to
/// the block it was built in (`block`) instead of a copy; when the builder
/// starts the next document and that document is still alive, it takes a
/// fresh block rather than writing over it (`removeAll`). In a stream read
/// document by document, no block is allocated per document. The elements
/// are plain values (no references), so they are never deinitialised.
struct ArenaBuffer<Element> {
    /// Owns the heap block; replaced when the buffer grows.
    final class Block {
        let pointer: UnsafeMutablePointer<Element>

        init(capacity: Int) {
            pointer = .allocate(capacity: capacity)
        }

        deinit {
            pointer.deallocate()
        }
    }

    /// The block the elements live in; a finished document keeps it alive.
    private(set) var block: Block
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int) {
        precondition(_isPOD(Element.self), "ArenaBuffer holds plain values only")
        let initial = Swift.max(capacity, 16)
        block = Block(capacity: initial)
        base = block.pointer
        self.capacity = initial
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(toHold: count + 1) }
        (base + count).initialize(to: element)
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf source: UnsafePointer<Element>, count length: Int) {
        if count + length > capacity { grow(toHold: count + length) }
        (base + count).initialize(from: source, count: length)
        count += length
    }

    /// Makes room for `extra` more elements without appending them.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(toHold: count + extra) }
    }

    /// A copy in a block of exactly `count` elements, for a document that is
    /// held while later ones are built (a block keeps its full capacity).
    func compacted() -> ArenaBuffer<Element> {
        ArenaBuffer(copying: self)
    }

    private init(copying other: ArenaBuffer<Element>) {
        capacity = Swift.max(other.count, 1)
        block = Block(capacity: capacity)
        base = block.pointer
        base.initialize(from: other.base, count: other.count)
        count = other.count
    }

    /// Appends `self[range]` to `other`.
    @inline(__always)
    func copy(_ range: Range<Int>, appendingTo other: inout ArenaBuffer<Element>) {
        other.append(contentsOf: base + range.lowerBound, count: range.count)
    }

    @inline(__always)
    subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }

    @inline(__always)
    mutating func removeLast(_ k: Int) {
        count -= k
    }

    /// Empties the buffer for the next document. The block is reused unless
    /// a document still holds it, or an unusually large document made it grow
    /// past `limit` elements (that memory is given back).
    mutating func removeAll(shrinkingAbove limit: Int) {
        count = 0
        if capacity > limit || !isKnownUniquelyReferenced(&block) {
            capacity = Swift.min(capacity, limit)
            block = Block(capacity: capacity)
            base = block.pointer
        }
    }

    @inline(never)
    private mutating func grow(toHold needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = Block(capacity: newCapacity)
        bigger.pointer.initialize(from: base, count: count)
        block = bigger
        base = bigger.pointer
        capacity = newCapacity
    }
}

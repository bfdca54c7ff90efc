import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

public enum Parallel {
    /// `elements.map(transform)` on all cores; the results in the elements' order.
    ///
    /// The calling thread takes elements too, and waits only for elements a
    /// helper has taken, never for a helper to start. So a map inside a map
    /// (a large input read in pieces, in a check that loads a chart beside
    /// it) uses every core the outer map leaves free, where nested
    /// `concurrentPerform` runs serially, and cannot deadlock when every
    /// thread of the pool is busy: the caller then does all the work itself.
    public static func map<Element: Sendable, Result: Sendable>(
        _ elements: [Element], _ transform: @escaping @Sendable (Element) -> Result
    ) -> [Result] {
        guard elements.count > 1 else { return elements.map(transform) }
        let work = Work(elements, transform)
        let cores = Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        for _ in 0..<(Swift.min(cores, elements.count) - 1) {
            DispatchQueue.global().async { _ = work.takeAll(signalling: true) }
        }
        let done = work.takeAll(signalling: false)
        for _ in 0..<(elements.count - done) { work.finished.wait() }
        return work.results.withLock { $0.map { $0! } }
    }

    private final class Work<Element: Sendable, Result: Sendable>: Sendable {
        let elements: [Element]
        let transform: @Sendable (Element) -> Result
        let next = Atomic<Int>(0)
        let results: Mutex<[Result?]>
        /// Signalled once per element a helper finishes.
        let finished = DispatchSemaphore(value: 0)

        init(_ elements: [Element], _ transform: @escaping @Sendable (Element) -> Result) {
            self.elements = elements
            self.transform = transform
            results = Mutex(Array(repeating: nil, count: elements.count))
        }

        /// Takes elements until none is left; how many this thread did.
        /// A helper signals each one; the caller counts its own.
        func takeAll(signalling: Bool) -> Int {
            var done = 0
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < elements.count else { return done }
                let result = transform(elements[index])
                results.withLock { $0[index] = result }
                done += 1
                if signalling { finished.signal() }
            }
        }
    }
}

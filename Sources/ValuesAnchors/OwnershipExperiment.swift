import ManifestModel

/// Ownership by experiment (spec section 5.1): render the chart, change
/// values keys in groups, render again, and record which rendered scalars
/// change. Helm does all the template work; this only designs the groups
/// and reads the outcomes.
///
/// The design: one base render and a repeat (values that differ between the
/// two are random, not owned); one render with every key marked (a rendered
/// value that carries a key's mark is that key's); two waves of random
/// halves, whose unchanged leaves clear every key in the group; then rounds
/// that split, for each leaf still unexplained, the smallest group that
/// changed it, many leaves sharing each render. Keys that make leaves
/// vanish (switches, names of list items) are kept out of most groups of the
/// second wave, since a leaf that is gone says nothing; a leaf that keeps
/// vanishing has the keys of its switch halved until one is left; and an
/// item renamed in place is read through its new name.
public struct OwnershipExperiment: Sendable {
    public struct Budget: Sendable {
        /// Renders at most, the base included.
        public var maxRenders: Int
        /// Past this many, renders go only to leaves with no driver found yet.
        public var softRenders: Int
        /// Random groups in each of the two waves.
        public var waveRenders: Int
        /// Renders asked for at once (the renderer runs them concurrently).
        public var batch: Int

        public init(maxRenders: Int = 40, softRenders: Int = 22, waveRenders: Int = 5, batch: Int = 2) {
            self.maxRenders = maxRenders
            self.softRenders = softRenders
            self.waveRenders = waveRenders
            self.batch = max(1, batch)
        }
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public var budget: Budget
    public var seed: UInt64
    /// Names the design: a cached measurement made by another design is measured again.
    public static let version = "render-check ownership experiment 10"

    public init(budget: Budget = Budget(), seed: UInt64 = 0x7265_6e64_6572) {
        self.budget = budget
        self.seed = seed
    }

    /// Measures ownership with `renderer`. `tested` names the keys the
    /// templates test (`ConditionReads`): they go into few groups.
    public func measure(_ renderer: some ChartRendering, tested: Set<ValuesPath> = []) -> Result<MeasuredOwnership, Failure> {
        let values: ValuesNode
        switch renderer.computedValues() {
        case .output(let bytes):
            do {
                values = try Self.values(bytes)
            } catch {
                return .failure(Failure(message: "cannot read Helm's computed values: \(error)"))
            }
        case .refused(let message, _), .unavailable(let message):
            return .failure(Failure(message: message))
        }
        var run = Run(perturbation: ValuesPerturbation(values: values), budget: budget, seed: seed, held: tested)
        return run.execute(renderer)
    }

    static func values(_ bytes: [UInt8]) throws -> ValuesNode {
        let documents = try YAMLStreamParser.documents(.bytes(bytes, name: "helm computed values"))
        var merged = ValuesNode.map([], origin: SourceLocation(file: "helm computed values", line: 1, column: 1))
        for document in documents {
            if let map = try ValuesLoader.convert(document) { merged = ValuesLoader.mergeMaps(merged, map) }
        }
        return merged
    }
}

extension OwnershipExperiment {
    /// One experiment's state: what every base leaf still might depend on.
    struct Run {
        let perturbation: ValuesPerturbation
        let budget: Budget
        var random: SplitMix64
        let keyCount: Int

        var base = RenderedLeaves()
        var active: KeySet
        /// Keys the templates test: in few groups, since they switch blocks off.
        let held: KeySet
        var refused: KeySet
        var renders = 0
        var round = 0

        // Per base leaf.
        var candidates: [KeySet] = []
        var confirmed: [KeySet] = []
        var carried: [KeySet] = []
        /// The live keys of each render read, in order.
        var observed: [KeySet] = []
        /// Per base leaf, the renders (by `observed` index) in which it kept its
        /// base value, and those in which it carried a mark.
        var quietIn: [[Int]] = []
        var carriedIn: [[Int]] = []
        var positives: [[KeySet]] = []
        var volatile: [Bool] = []
        var vanished: [Int] = []
        /// Keys that were in some group with the leaf present: none of them alone switches it off.
        var presentWith: [KeySet] = []
        /// The fewest keys known to hold a switch of the leaf: split until one is left.
        var switchSuspects: [KeySet?] = []
        /// Sequences of the base render with named items, outer ones first.
        var namedSequences: [(RenderedLeaves.Key, [String?])] = []
        /// Sequences above a positional leaf, with their base lengths.
        var positional: [[(RenderedLeaves.Key, Int)]] = []

        /// How often a key the templates test goes into a random group.
        static let heldRate = 0.15

        init(perturbation: ValuesPerturbation, budget: Budget, seed: UInt64, held: Set<ValuesPath>) {
            self.perturbation = perturbation
            self.budget = budget
            self.random = SplitMix64(seed: seed)
            self.keyCount = perturbation.keys.count
            self.active = .all(perturbation.keys.count)
            self.refused = KeySet(capacity: perturbation.keys.count)
            self.held = KeySet(capacity: perturbation.keys.count,
                               members: perturbation.keys.indices.filter { held.contains(perturbation.keys[$0].path) })
        }

        mutating func execute(_ renderer: some ChartRendering) -> Result<MeasuredOwnership, Failure> {
            let all = active
            // Every key marked at once, and every key but the tested ones: a
            // leaf that survives either names its anchor by the mark it carries.
            var first: [KeySet?] = [nil, nil, all, all.subtracting(held)]
            let held = self.held
            first += (0..<budget.waveRenders).map { _ in randomGroup(rate: { held.contains($0) ? Self.heldRate : 0.5 }) }
            let outcomes = renderer.render(first.map { $0.map(perturbation.overlay) })
            renders += outcomes.count
            guard case .output(let baseBytes) = outcomes[0] else {
                return .failure(Failure(message: Self.message(outcomes[0])))
            }
            do {
                base = try RenderedLeaves(stream: baseBytes, name: "helm template")
            } catch {
                return .failure(Failure(message: "cannot read Helm's render: \(error)"))
            }
            setUp()
            let firstLeaves = Self.leaves(of: Array(outcomes.dropFirst()), baseline: base)
            if let again = firstLeaves[0] {
                for (index, key) in base.keys.enumerated() where again.value(key) != base.values[key] { volatile[index] = true }
            }
            var retry: [KeySet] = []
            for ((group, outcome), leaves) in zip(zip(first.dropFirst(2), outcomes.dropFirst(2)), firstLeaves.dropFirst()) {
                retry += absorb(group!, outcome, leaves: leaves)
            }
            var wave: [KeySet] = retry
            while wave.count < budget.waveRenders {
                wave.append(randomGroup(rate: { held.contains($0) ? Self.heldRate : 0.5 }))
            }
            retry = renderGroups(wave, renderer)
            // Rounds: split what still explains nothing, until it is all explained or the budget is spent.
            while renders < budget.maxRenders {
                round += 1
                var groups = retry
                retry = []
                // Past the soft budget, only leaves with no driver known yet are worth a render.
                let onlyUnknown = renders >= budget.softRenders
                groups += tests(count: max(0, min(budget.batch * 2, budget.maxRenders - renders) - groups.count),
                                onlyUnknown: onlyUnknown)
                guard !groups.isEmpty else { break }
                retry = renderGroups(Array(groups.prefix(budget.maxRenders - renders)), renderer)
            }
            return .success(result())
        }

        /// Candidates kept for an unresolved leaf; beyond this many, the
        /// reading's claims are not narrowed.
        static let maxUnresolvedCandidates = 256

        static func message(_ outcome: RenderOutcome) -> String {
            switch outcome {
            case .output: return "helm rendered"
            case .refused(let message, _), .unavailable(let message): return message
            }
        }

        mutating func setUp() {
            let count = base.keys.count
            candidates = Array(repeating: active, count: count)
            confirmed = Array(repeating: KeySet(capacity: keyCount), count: count)
            carried = confirmed
            quietIn = Array(repeating: [], count: count)
            carriedIn = quietIn
            positives = Array(repeating: [], count: count)
            volatile = Array(repeating: false, count: count)
            vanished = Array(repeating: 0, count: count)
            presentWith = confirmed
            namedSequences = base.itemNames.sorted { ($0.key.path.count, $0.key.path, $0.key.source, $0.key.ordinal) < ($1.key.path.count, $1.key.path, $1.key.source, $1.key.ordinal) }
                .map { ($0.key, $0.value) }
            switchSuspects = Array(repeating: nil, count: count)
            positional = base.keys.map { key in
                var sequences: [(RenderedLeaves.Key, Int)] = []
                var path = key.path[...]
                while let open = path.lastIndex(of: "[") {
                    let prefix = String(key.path[..<open])
                    let segment = key.path[open...]
                    if segment.dropFirst().first?.isNumber == true {
                        let sequence = RenderedLeaves.Key(source: key.source, ordinal: key.ordinal, path: prefix)
                        if let length = base.sequenceCounts[sequence] { sequences.append((sequence, length)) }
                    }
                    path = key.path[..<open]
                }
                return sequences
            }
        }

        // MARK: - Groups

        mutating func randomGroup(rate: (Int) -> Double) -> KeySet {
            var group = KeySet(capacity: keyCount)
            for key in active.members where random.nextUnit() < rate(key) { group.insert(key) }
            return group
        }

        mutating func renderGroups(_ groups: [KeySet], _ renderer: some ChartRendering) -> [KeySet] {
            guard !groups.isEmpty else { return [] }
            let outcomes = renderer.render(groups.map { perturbation.overlay($0) })
            renders += outcomes.count
            var retry: [KeySet] = []
            let leaves = Self.leaves(of: outcomes, baseline: base)
            for ((group, outcome), leaves) in zip(zip(groups, outcomes), leaves) { retry += absorb(group, outcome, leaves: leaves) }
            return retry
        }

        /// The leaves of each rendered stream, read on all cores: between two
        /// rounds nothing else runs, so reading them one by one left cores idle.
        static func leaves(of outcomes: [RenderOutcome], baseline: RenderedLeaves) -> [RenderedLeaves?] {
            Parallel.map(outcomes) { outcome in
                guard case .output(let bytes) = outcome else { return nil }
                return try? RenderedLeaves(stream: bytes, name: "helm template", baseline: baseline)
            }
        }

        /// Reads one group's render (its leaves already read, nil when they
        /// could not be); a refused group comes back as the groups to render
        /// instead (without the keys the message names, or halved).
        mutating func absorb(_ group: KeySet, _ outcome: RenderOutcome, leaves: RenderedLeaves?) -> [KeySet] {
            switch outcome {
            case .output:
                guard let leaves else { return [] }
                observe(group, leaves)
                return []
            case .refused(let message, let output):
                return refused(group, message: message, near: Self.failingLines(message, output))
            case .unavailable(let message):
                return refused(group, message: message, near: "")
            }
        }

        mutating func refused(_ group: KeySet, message: String, near failing: String) -> [KeySet] {
            let live = group.intersection(active)
            let members = live.members
            // A schema path or a mark in Helm's own message names the culprit.
            let named = members.filter { names(message, key: $0) }
            if !named.isEmpty {
                for key in named { refuse(key) }
                let rest = members.filter { !named.contains($0) }
                return rest.isEmpty ? [] : [KeySet(capacity: keyCount, members: rest)]
            }
            // A key refused since this group was sent may be the whole reason: try again without it.
            if live != group.intersection(active.union(refused)) { return members.isEmpty ? [] : [live] }
            if members.count <= 1 {
                for key in members { refuse(key) }
                return []
            }
            // Marks printed near the line that no longer parses are suspects, not
            // culprits (a value printed next to it is marked too): each side alone.
            let marked = Set(perturbation.marks(in: failing))
            let suspects = members.filter(marked.contains)
            if !suspects.isEmpty, suspects.count < members.count {
                return [KeySet(capacity: keyCount, members: suspects),
                        KeySet(capacity: keyCount, members: members.filter { !marked.contains($0) })]
            }
            let half = members.count / 2
            return [KeySet(capacity: keyCount, members: members[..<half]),
                    KeySet(capacity: keyCount, members: members[half...])]
        }

        /// For `YAML parse error on T: ... line N`, the lines around N of the
        /// document rendered from T, as `--debug` printed it: where the value
        /// that broke the template sits.
        static func failingLines(_ message: String, _ output: [UInt8]) -> String {
            guard let on = message.firstRange(of: "YAML parse error on ") else { return "" }
            let rest = message[on.upperBound...]
            guard let colon = rest.firstIndex(of: ":") else { return "" }
            let template = String(rest[..<colon])
            guard let lineWord = rest.firstRange(of: "line ") else { return "" }
            let digits = rest[lineWord.upperBound...].prefix { $0.isNumber }
            guard let line = Int(digits) else { return "" }
            let text = String(decoding: output, as: UTF8.self)
            let header = "# Source: " + template
            guard let start = text.firstRange(of: header) else { return "" }
            let lines = text[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
            return lines[max(0, line - 4)..<min(lines.count, line + 3)].joined(separator: "\n")
        }

        mutating func refuse(_ key: Int) {
            active.remove(key)
            refused.insert(key)
            for index in candidates.indices { candidates[index].remove(key) }
        }

        /// Does a refusal message name this key (its mark, or its path as a
        /// schema or dotted path)?
        func names(_ message: String, key index: Int) -> Bool {
            let key = perturbation.keys[index]
            switch key.mark {
            case .suffix(let suffix): if message.contains(suffix) { return true }
            case .integer(let number): if Self.containsNumber(message, number) { return true }
            case .float: break
            }
            let segments = key.path.segments.map(\.description)
            let slashed = "/" + segments.map { $0.hasPrefix("[") ? String($0.dropFirst().dropLast()) : $0 }.joined(separator: "/")
            return Self.containsPath(message, slashed) || Self.containsPath(message, key.path.description)
        }

        static func containsNumber(_ text: String, _ number: Int64) -> Bool {
            containsPath(text, String(number))
        }

        /// `needle` in `text`, not as part of a longer name or number.
        static func containsPath(_ text: String, _ needle: String) -> Bool {
            let haystack = Array(text.utf8), wanted = Array(needle.utf8)
            guard !wanted.isEmpty, haystack.count >= wanted.count else { return false }
            func isNamePart(_ byte: UInt8) -> Bool {
                (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7a) || byte == 0x5f || byte >= 0x80
            }
            for start in 0...(haystack.count - wanted.count) where haystack[start] == wanted[0] {
                guard haystack[start..<start + wanted.count].elementsEqual(wanted) else { continue }
                let end = start + wanted.count
                let afterOK = end == haystack.count || !isNamePart(haystack[end])
                let beforeOK = wanted[0] == 0x2f || start == 0 || !isNamePart(haystack[start - 1])
                if afterOK && beforeOK { return true }
            }
            return false
        }

        // MARK: - Reading a render

        mutating func observe(_ group: KeySet, _ leaves: RenderedLeaves) {
            let live = group.intersection(active)
            let renamed = renames(in: leaves, live: live)
            // Leaves come document by document: whether theirs is unchanged is asked once per document.
            var document = RenderedLeaves.DocumentKey(source: "", ordinal: -1)
            var documentUnchanged = false
            for (index, key) in base.keys.enumerated() where !volatile[index] {
                if key.ordinal != document.ordinal || key.source != document.source {
                    document = RenderedLeaves.DocumentKey(source: key.source, ordinal: key.ordinal)
                    documentUnchanged = leaves.unchanged.contains(document)
                }
                if documentUnchanged {
                    presentWith[index].formUnion(live)
                    keptItsValue(index, live)
                    continue
                }
                // A key that renamed an item this leaf sits under made another
                // item: existence, so it is no driver of the leaf.
                var renamers: KeySet?
                if key.path.contains("[name=") {
                    renamers = renamed.keys[RenderedLeaves.DocumentKey(source: key.source, ordinal: key.ordinal)]
                    if let renamers { candidates[index].subtract(renamers) }
                }
                let now = renamed.translate(key)
                guard let value = leaves.value(now) else {
                    vanished[index] += 1
                    let suspects = live.intersection(candidates[index]).subtracting(presentWith[index])
                    if !suspects.isEmpty, suspects.count < switchSuspects[index]?.count ?? Int.max {
                        switchSuspects[index] = suspects
                    }
                    continue
                }
                presentWith[index].formUnion(live)
                // The name of a renamed item (or a copy of it) changed with the
                // renaming: that says nothing of the other keys in the group.
                if now != key, let renamers, value != base.values[key],
                   perturbation.marks(in: value).contains(where: renamers.contains) { continue }
                if value == base.values[key] {
                    keptItsValue(index, live)
                    continue
                }
                positives[index].append(live)
                let shifted = positional[index].contains { leaves.sequenceCount(renamed.translate($0.0)) != $0.1 }
                guard !shifted else { continue }
                var carries = false
                for mark in perturbation.marks(in: value) where live.contains(mark) && candidates[index].contains(mark) {
                    carried[index].insert(mark)
                    confirmed[index].insert(mark)
                    carries = true
                }
                if carries { carriedIn[index].append(observed.count) }
            }
            observed.append(live)
            for index in base.keys.indices {
                if !positives[index].isEmpty { settle(index) }
                dropSwitch(index)
            }
        }

        /// The leaf kept its base value with `live` changed: none of them drives it.
        mutating func keptItsValue(_ index: Int, _ live: KeySet) {
            candidates[index].subtract(live)
            quietIn[index].append(observed.count)
        }

        /// Items a live key renamed, per document: the keys whose mark is in the
        /// `[name=…]` of an item the base render does not have (renaming is
        /// existence, so they drive nothing below it), and, where the item kept
        /// its place in a sequence of the same length, where its leaves are now,
        /// so the rest of the group is still seen through it.
        struct Renames {
            var keys: [RenderedLeaves.DocumentKey: KeySet] = [:]
            /// Base item path to its path in this render, outer items first.
            var moves: [RenderedLeaves.DocumentKey: [(from: String, to: String)]] = [:]

            /// `path` with the longest renamed item it starts with replaced.
            func translate(_ key: RenderedLeaves.Key) -> RenderedLeaves.Key {
                guard let list = moves[RenderedLeaves.DocumentKey(source: key.source, ordinal: key.ordinal)] else { return key }
                var best: (from: String, to: String)?
                for move in list where key.path.hasPrefix(move.from) && move.from.count > best?.from.count ?? -1 {
                    let rest = key.path.dropFirst(move.from.count)
                    if rest.isEmpty || rest.first == "." || rest.first == "[" { best = move }
                }
                guard let best else { return key }
                return RenderedLeaves.Key(source: key.source, ordinal: key.ordinal, path: best.to + key.path.dropFirst(best.from.count))
            }
        }

        func renames(in leaves: RenderedLeaves, live: KeySet) -> Renames {
            var found = Renames()
            for key in leaves.keys where base.values[key] == nil && key.path.contains("[name=") {
                var rest = key.path[...]
                while let open = rest.firstRange(of: "[name=") {
                    guard let close = rest[open.upperBound...].firstIndex(of: "]") else { break }
                    let name = String(rest[open.upperBound..<close])
                    rest = rest[rest.index(after: close)...]
                    for mark in perturbation.marks(in: name) where live.contains(mark) {
                        found.keys[RenderedLeaves.DocumentKey(source: key.source, ordinal: key.ordinal),
                                   default: KeySet(capacity: keyCount)].insert(mark)
                    }
                }
            }
            guard !found.keys.isEmpty else { return found }
            for (sequence, names) in namedSequences {
                let document = RenderedLeaves.DocumentKey(source: sequence.source, ordinal: sequence.ordinal)
                guard found.keys[document] != nil else { continue }
                let now = found.translate(sequence)
                guard leaves.sequenceCount(now) == base.sequenceCounts[sequence], let current = leaves.names(ofItemsIn: now) else { continue }
                for (position, name) in names.enumerated() {
                    guard let name, position < current.count, let renamed = current[position], renamed != name,
                          !names.contains(renamed), perturbation.marks(in: renamed).contains(where: live.contains) else { continue }
                    found.moves[document, default: []].append((sequence.path + "[name=\(name)]", now.path + "[name=\(renamed)]"))
                }
            }
            return found
        }

        /// Confirms every key that is the only candidate left in a group that changed the leaf.
        mutating func settle(_ index: Int) {
            for group in positives[index] {
                let left = group.intersection(candidates[index])
                if left.count == 1, let key = left.members.first { confirmed[index].insert(key) }
            }
        }

        /// Suspects narrowed to one key: that key switches the leaf, it does not drive it.
        mutating func dropSwitch(_ index: Int) {
            guard let suspects = switchSuspects[index]?.intersection(candidates[index]).subtracting(presentWith[index]) else { return }
            if suspects.count == 1, let key = suspects.members.first, !confirmed[index].contains(key) {
                candidates[index].remove(key)
                switchSuspects[index] = nil
            } else {
                switchSuspects[index] = suspects.count > 1 ? suspects : nil
            }
        }

        // MARK: - Splitting what is unexplained

        /// The smallest group that changed the leaf and holds no confirmed key
        /// (so some key in it drives the leaf and is not known yet).
        func unexplained(_ index: Int) -> KeySet? {
            var best: KeySet?
            var bestCount = Int.max
            for group in positives[index] {
                let left = group.intersection(candidates[index])
                let count = left.count
                guard count >= 2, left.isDisjoint(with: confirmed[index]), count < bestCount else { continue }
                best = left
                bestCount = count
            }
            return best
        }

        /// Tests for the next round: each takes half of the unexplained group
        /// of as many leaves as can share it without their halves mixing.
        mutating func tests(count: Int, onlyUnknown: Bool) -> [KeySet] {
            guard count > 0 else { return [] }
            var pending: [(index: Int, group: KeySet, known: Bool, size: Int)] = []
            var presence: [(index: Int, group: KeySet, known: Bool, size: Int)] = []
            // Carried keys never yet seen without their companions: change them alone.
            var alone: [(take: KeySet, avoid: KeySet)] = []
            for index in base.keys.indices where !volatile[index] {
                if !positives[index].isEmpty, let group = unexplained(index) {
                    guard !onlyUnknown || confirmed[index].isEmpty else { continue }
                    pending.append((index, group, !confirmed[index].isEmpty, group.count))
                } else if !onlyUnknown, positives[index].isEmpty, !candidates[index].isEmpty {
                    // Never changed, but some keys never came with the leaf present: try
                    // them, halving the suspects of a switch first so the rest can be seen.
                    let group = switchSuspects[index] ?? candidates[index]
                    presence.append((index, group, true, group.count))
                } else if case let (companions, untried) = carriedAlongside(index), !untried.isEmpty {
                    alone.append((untried, companions))
                }
            }
            // Past the soft budget they ride along in a round held anyway, never one of their own.
            if onlyUnknown && pending.isEmpty { alone = [] }
            // Leaves with no known driver first: they are what recall is made of.
            pending.sort { ($0.known ? 1 : 0, $0.size, $0.index) < ($1.known ? 1 : 0, $1.size, $1.index) }
            pending += presence
            var entries = pending.map { entry in
                let take = half(entry.group)
                return (take: take, avoid: candidates[entry.index].subtracting(take))
            }
            entries += alone
            var placed = [Bool](repeating: false, count: entries.count)
            var result: [KeySet] = []
            // The last render of a round takes the keys to change alone first:
            // their companions would keep them out of every render otherwise.
            let aloneFirst = Array(pending.count..<entries.count) + Array(0..<pending.count)
            for render in 0..<count {
                var chosen = KeySet(capacity: keyCount)
                var forbidden = KeySet(capacity: keyCount)
                var any = false
                let order = render == count - 1 && count > 1 ? aloneFirst : Array(entries.indices)
                for slot in order where !placed[slot] {
                    let entry = entries[slot]
                    guard entry.take.isDisjoint(with: forbidden), chosen.isDisjoint(with: entry.avoid) else { continue }
                    chosen.formUnion(entry.take)
                    forbidden.formUnion(entry.avoid)
                    placed[slot] = true
                    any = true
                }
                guard any else { break }
                result.append(chosen)
            }
            return result
        }

        /// Half of a group, chosen afresh each round (so a half that made a
        /// leaf vanish is not tried again), and the same for equal groups.
        func half(_ group: KeySet) -> KeySet {
            let members = group.members.sorted {
                SplitMix64.mix(UInt64($0) &+ UInt64(round) &* 0x9E37_79B9) < SplitMix64.mix(UInt64($1) &+ UInt64(round) &* 0x9E37_79B9)
            }
            return KeySet(capacity: keyCount, members: members.prefix((members.count + 1) / 2))
        }

        // MARK: - Result

        /// The companions of a leaf's carried marks (the other keys changed in
        /// every render that carried one), and the carried keys not yet seen
        /// with the leaf present and none of them. A mark that shows only with
        /// a companion may be the key's only when another key enables it (an
        /// existing secret's key name, used only when the secret is named).
        func carriedAlongside(_ index: Int) -> (companions: KeySet, untried: KeySet) {
            let none = KeySet(capacity: keyCount)
            guard let first = carriedIn[index].first else { return (none, none) }
            var companions = observed[first]
            for render in carriedIn[index].dropFirst() { companions = companions.intersection(observed[render]) }
            companions.subtract(carried[index])
            guard !companions.isEmpty else { return (none, none) }
            var untried = carried[index]
            for render in quietIn[index] where observed[render].isDisjoint(with: companions) {
                untried.subtract(observed[render])
            }
            return (companions, untried)
        }

        /// Carried keys that left the leaf unchanged when changed without
        /// their companions: they change it only alongside another key, and
        /// alone (as spec section 5.2 changes them) they do not.
        func carriedOnlyAlongside(_ index: Int) -> KeySet {
            let (companions, untried) = carriedAlongside(index)
            return companions.isEmpty ? companions : carried[index].subtracting(untried)
        }

        func result() -> MeasuredOwnership {
            var unique: [RenderedLeaves.DocumentKey: Bool] = [:]
            var seen: [String: Int] = [:]
            for (document, identity) in base.identities { seen[document.source + "\u{0}" + identity, default: 0] += 1 }
            for (document, identity) in base.identities { unique[document] = seen[document.source + "\u{0}" + identity] == 1 }
            var leaves: [MeasuredOwnership.Place: MeasuredOwnership.Leaf] = [:]
            for (index, key) in base.keys.enumerated() {
                let document = RenderedLeaves.DocumentKey(source: key.source, ordinal: key.ordinal)
                let name = unique[document] == true ? base.identities[document]! : "#\(key.ordinal)"
                let value = base.values[key] ?? ""
                let leaf: MeasuredOwnership.Leaf
                let alone = volatile[index] ? KeySet(capacity: keyCount) : carriedOnlyAlongside(index)
                if volatile[index] {
                    leaf = .init(value: value, status: .volatile)
                } else if !confirmed[index].subtracting(alone).isEmpty {
                    let carriedKeys = carried[index].subtracting(alone).members
                    let others = confirmed[index].subtracting(carried[index]).members
                    leaf = .init(value: value, status: .measured,
                                 drivers: (carriedKeys + others).map { perturbation.keys[$0].path }, carried: carriedKeys.count)
                } else {
                    // Keys left were never seen with the leaf present: each switches it, or
                    // only ever came with a key that does (a replica count the templates
                    // test, always grouped with the kind that switches the workload off).
                    // The experiment cannot tell which, so the reading chooses among them.
                    let untried = candidates[index]
                    if untried.isEmpty {
                        leaf = .init(value: value, status: .measured)
                    } else {
                        // What is left for the reading to choose from.
                        let left = untried.members
                        leaf = .init(value: value, status: .unresolved,
                                     drivers: left.count <= Self.maxUnresolvedCandidates ? left.map { perturbation.keys[$0].path } : [])
                    }
                }
                leaves[MeasuredOwnership.Place(source: key.source, document: name, path: key.path)] = leaf
            }
            return MeasuredOwnership(leaves: leaves, keyCount: keyCount,
                                     unmeasured: refused.members.map { perturbation.keys[$0].path }, renders: renders)
        }
    }
}

/// A small, fixed-seed generator: the same chart gives the same groups, so
/// the same owners, run after run.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func nextUnit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}

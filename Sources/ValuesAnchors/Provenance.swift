import Synchronization
import ManifestModel

/// Who owns a rendered value: a values key (and the file and line that won
/// the merge), or a template line; the helper chain it came through; and the
/// values keys that would change it although they did not supply it.
public struct Provenance: Sendable, Hashable {
    public enum Layer: String, Sendable, Hashable {
        case values
        case chartTemplates = "chart-templates"
    }

    public var layer: Layer
    public var anchor: ValuesPath?
    /// The values key in the file that won the merge, or the template line.
    public var location: SourceLocation?
    /// The template or helper line that wrote the value.
    public var template: SourceLocation?
    public var via: String?
    public var controlledBy: [ValuesPath]
}

/// Answers "who owns this rendered value" for one chart: its template index
/// and its merged values.
public struct ChartOwnership: Sendable {
    public let chart: ChartFiles
    public let values: ValuesNode
    /// Every read, in every branch: what the unused-key check compares with.
    /// Built when first asked: a blame never needs it.
    public var index: TemplateIndex { everyBranch.value }
    private let everyBranch: BuiltOnce<TemplateIndex>
    private let lookups: BuiltOnce<[String: TemplateSiteLookup]>
    static let maxControlledBy = 4
    static let maxCandidates = 4096

    public init(chart: ChartFiles, values: ValuesNode) {
        self.chart = chart
        self.values = values
        let lexed = TemplateIndex.Lexed(chart: chart)
        self.everyBranch = BuiltOnce { TemplateIndex(lexed, extent: values) }
        // Owners come from the branches these values take, read when a leaf first asks.
        self.lookups = BuiltOnce { TemplateIndex(lexed, values: values).sites.mapValues(TemplateSiteLookup.init) }
    }

    /// With the index of the same templates already built (an editor whose
    /// change touched only values). The owners still follow the branches
    /// these values take, so that reading is redone.
    public init(chart: ChartFiles, values: ValuesNode, index: TemplateIndex) {
        self.chart = chart
        self.values = values
        self.everyBranch = BuiltOnce { index }
        self.lookups = BuiltOnce { TemplateIndex(chart: chart, values: values).sites.mapValues(TemplateSiteLookup.init) }
    }

    /// Reads the branches these values take now, rather than when a leaf first asks.
    public func readBranchesTaken() {
        _ = lookups.value
    }

    /// The owner of the value at `path` in a document rendered from the
    /// template `source` names, or nil when the source is not this chart's.
    /// `value` is the scalar's text (nil for a collection).
    public func provenance(source: String, path: [RenderedSegment], value: String?) -> Provenance? {
        guard let chartPath = chart.chartPath(forSource: source), let sites = lookups.value[chartPath] else { return nil }
        guard let found = reading(sites, path: path, value: value) else { return nil }
        // The `name` of an item that is known by that name is the item's identity:
        // a key that changes it makes another item, not another value (spec 5.2),
        // so the line that writes it owns it and no values key is claimed.
        if path.count >= 2, case .key("name") = path[path.count - 1], case .item(_, let name?) = path[path.count - 2],
           name == value, found.layer == .values || !found.controlledBy.isEmpty {
            let line = found.template ?? found.location
            return Provenance(layer: .chartTemplates, anchor: nil, location: line, template: found.template,
                              via: found.via, controlledBy: [])
        }
        return found
    }

    private func reading(_ sites: TemplateSiteLookup, path: [RenderedSegment], value: String?) -> Provenance? {
        var best: (score: Int, provenance: Provenance, ordinal: Int)?
        // A line that names the key literally beats one that computes a key.
        let candidates = sites.sites(matching: path)
        let literal = candidates.filter { !$0.keyPath.contains(.anyKey) }
        let pool = literal.isEmpty ? candidates : literal
        for (ordinal, site) in pool.enumerated() {
            let evaluated = evaluate(site, path: path, value: value)
            // Equally good lines: the one that names a key that changes the value.
            if best == nil || evaluated.score > best!.score
                || (evaluated.score == best!.score && best!.provenance.controlledBy.isEmpty
                    && best!.provenance.anchor == nil && !evaluated.provenance.controlledBy.isEmpty) {
                best = (evaluated.score, evaluated.provenance, ordinal)
            }
        }
        if let best, best.score > 0 {
            return shifted(best.provenance, writtenBy: pool[best.ordinal], after: pool[..<best.ordinal], path: path)
        }
        // A value below a subtree that toYaml inserted whole.
        for (site, patterns) in sites.writers where site.keyPath.count < path.count {
            guard Self.matches(site.keyPath, path[..<site.keyPath.count]) else { continue }
            let remainder = Array(path.dropFirst(site.keyPath.count))
            for pattern in patterns {
                for (base, node) in resolve(pattern, hints: path) {
                    guard let (full, found) = Self.descend(node, from: base, along: remainder[...], value: value) else { continue }
                    return Provenance(layer: .values, anchor: full, location: values.keyLocation(at: full) ?? found.origin,
                                      template: site.template, via: site.via.first, controlledBy: [])
                }
            }
        }
        if let best { return best.provenance }
        // Nothing writes this exact key: the nearest enclosing line owns it.
        guard let ancestor = sites.nearestEnclosing(path) else { return nil }
        return Provenance(layer: .chartTemplates, anchor: nil, location: ancestor.template, template: ancestor.template,
                          via: ancestor.via.first, controlledBy: [])
    }

    /// A positional item (`args[6]`) also changes with the keys that would
    /// add or drop an item before it: an earlier item of the same sequence in
    /// a block whose one test is a key that is empty now (`with .x` over `""`)
    /// appears when that key is set, and every later item moves up one.
    private func shifted(_ provenance: Provenance, writtenBy site: TemplateSite, after earlier: ArraySlice<TemplateSite>,
                         path: [RenderedSegment]) -> Provenance {
        guard case .item(_, nil)? = path.last, !earlier.isEmpty else { return provenance }
        var claimed = Set(provenance.controlledBy)
        if let anchor = provenance.anchor { claimed.insert(anchor) }
        for condition in site.conditions {
            guard case .values(let pattern) = condition.reference else { continue }
            for (key, _) in resolve(pattern, hints: path) { claimed.insert(key) }
        }
        var result = provenance
        for other in earlier {
            for condition in other.conditions where condition.isTruthTest {
                guard result.controlledBy.count < Self.maxControlledBy else { return result }
                guard case .values(let pattern) = condition.reference, !pattern.contains(.any),
                      let (key, node) = resolve(pattern, hints: path).first, Self.isEmptyScalar(node),
                      claimed.insert(key).inserted else { continue }
                result.controlledBy.append(key)
            }
        }
        return result
    }

    /// An empty string or a zero: false to `if`, and a change that keeps its type makes it true.
    static func isEmptyScalar(_ node: ValuesNode) -> Bool {
        guard case .scalar(let scalar) = node.content else { return false }
        switch scalar {
        case .string(let text): return text.isEmpty
        case .int(let number): return number == 0
        case .float(let number): return number == 0
        case .null, .bool: return false
        }
    }

    // MARK: - One site

    private func evaluate(_ site: TemplateSite, path: [RenderedSegment], value: String?) -> (score: Int, provenance: Provenance) {
        // What the actions wrote: the value without the line's literal text.
        var residue = value
        if let value, !site.fragments.isEmpty {
            guard let rest = Self.removing(site.fragments, from: value) else {
                // The line writes text this value does not have: another line wrote it.
                return (-1, Provenance(layer: .chartTemplates, anchor: nil, location: site.template, template: site.template,
                                       via: site.via.first, controlledBy: []))
            }
            residue = rest
        }
        var exact: [(ValuesPath, ValuesNode, Int)] = []
        var partial: [(ValuesPath, ValuesNode, Int)] = []
        var subtrees: [(ValuesPath, ValuesNode)] = []
        var templated: [(ValuesPath, ValuesNode)] = []
        var keyed: [(ValuesPath, SourceLocation)] = []
        var knobs: [ValuesPath] = []
        var transformed: [ValuesPath] = []
        for contribution in site.contributions where contribution.role != .condition {
            switch contribution.reference {
            case .values(let pattern):
                var candidates = resolve(pattern, hints: path)
                if pattern.contains(.any), candidates.count > 1 {
                    // A ranged collection: only the element the rendered path names
                    // is a candidate; when none is named, no element can be told apart.
                    let scored = candidates.map { (candidate: $0, score: Self.rangeHint(pattern, $0.0, path)) }
                    let top = scored.map(\.score).max() ?? 0
                    let best = scored.filter { $0.score == top }
                    let worded = top > 0 ? [] : value.map { value in scored.filter { Self.namesAsWord(pattern, $0.candidate.0, value) } } ?? []
                    if top > 0, best.count == 1 {
                        candidates = [best[0].candidate]
                    } else if worded.count == 1 {
                        // The value spells the chosen key out (`--entryPoints.web.address=:8000`).
                        candidates = [worded[0].candidate]
                    } else if let value {
                        // Unnamed: an element whose text is the value, when exactly one is.
                        let equal = candidates.filter { if case .scalar = $0.1.content { Self.text($0.1) == value } else { false } }
                        candidates = equal.count == 1 ? equal : candidates.filter { if case .scalar = $0.1.content { false } else { true } }
                    }
                }
                for (candidate, node) in candidates {
                    guard let value else { continue }
                    if case .scalar(let scalar) = node.content {
                        let text = Self.text(node)
                        let isBool: Bool
                        if case .bool = scalar { isBool = true } else { isBool = false }
                        // A key whose text is in the value, or an empty one a fallback
                        // stood in for, changes the value; any other was not used here.
                        if scalar != .null, !isBool,
                           text.isEmpty || text == value || (text.count >= 2 && value.contains(text)) {
                            knobs.append(candidate)
                        }
                        let score = hintScore(candidate, path)
                        if contribution.isTransformed, !isBool, contribution.role == .output {
                            transformed.append(candidate)
                        }
                        if text == value || (!isBool && !text.isEmpty && text == residue) {
                            exact.append((candidate, node, score + (isBool ? 0 : 1)))
                        } else if !isBool, text.count >= 2 || (text.count == 1 && residue != value && residue?.contains(text) == true),
                                  residue?.contains(text) == true {
                            // The longer the text found in the value, the likelier it is the source.
                            partial.append((candidate, node, score + 4 * text.count))
                        } else if text.contains("{{") {
                            templated.append((candidate, node))
                        }
                    } else if contribution.isSubtree {
                        subtrees.append((candidate, node))
                    }
                }
            case .valuesKey(let pattern):
                // A name taken from a map's key: the map owns it, at that key's line.
                for (candidate, _) in resolve(pattern, hints: path) {
                    if case .key(let key)? = candidate.last, key == value, let parent = candidate.parent,
                       let map = values.node(at: parent) {
                        keyed.append((candidate, values.keyLocation(at: candidate) ?? map.origin))
                    }
                }
            default:
                continue
            }
        }
        // Conditions (`if`, `with` as a switch, `eq`, `has`) decide whether a value
        // exists, not what it is: never owners, never controlled_by.
        let via = site.via.first
        // A key the enclosing block needs empty (`if not .Values.name`) cannot change the
        // value: setting it removes the block, which is existence, not value.
        var guards = Set<ValuesPath>()
        for condition in site.conditions where condition.isNegated {
            if case .values(let pattern) = condition.reference {
                for (candidate, _) in resolve(pattern, hints: path) { guards.insert(candidate) }
            }
        }
        func controlled(except anchor: ValuesPath?) -> [ValuesPath] {
            var seen = Set<ValuesPath>(guards)
            return knobs.filter { $0 != anchor && seen.insert($0).inserted }.prefix(Self.maxControlledBy).map { $0 }
        }
        // Two different keys that fit equally well: the reader cannot tell which, so it claims neither.
        func unique(_ list: [(ValuesPath, ValuesNode, Int)]) -> (ValuesPath, ValuesNode, Int)? {
            guard let top = list.max(by: { $0.2 < $1.2 }) else { return nil }
            return Set(list.filter { $0.2 == top.2 }.map(\.0)).count == 1 ? top : nil
        }
        if let match = exact.isEmpty ? unique(partial) : unique(exact) {
            let score = exact.isEmpty ? 2 : 3
            return (score, Provenance(layer: .values, anchor: match.0, location: values.keyLocation(at: match.0) ?? match.1.origin,
                                      template: site.template, via: via, controlledBy: controlled(except: match.0)))
        }
        if Set(transformed).count == 1, let only = transformed.first {
            // One key through arithmetic or a case change (`add1 .Values.timeout`): it is the value.
            return (2, Provenance(layer: .values, anchor: only, location: values.keyLocation(at: only) ?? site.template,
                                  template: site.template, via: via, controlledBy: controlled(except: only)))
        }
        if let key = keyed.first {
            // A name taken from a map's key: the template writes it, and renaming
            // the key (not changing any value) is the knob.
            return (3, Provenance(layer: .chartTemplates, anchor: nil, location: site.template, template: site.template,
                                  via: via, controlledBy: [key.0] + controlled(except: key.0).prefix(Self.maxControlledBy - 1)))
        }
        if let source = templated.first, templated.count == 1 {
            // A values string rendered through `tpl`: the string is the template.
            return (2, Provenance(layer: .values, anchor: source.0, location: values.keyLocation(at: source.0) ?? source.1.origin,
                                  template: site.template, via: via, controlledBy: controlled(except: source.0)))
        }
        if let subtree = subtrees.first {
            return (1, Provenance(layer: .values, anchor: subtree.0, location: values.keyLocation(at: subtree.0) ?? subtree.1.origin,
                                  template: site.template, via: via, controlledBy: controlled(except: subtree.0)))
        }
        // A line that writes another literal did not write this value.
        let score: Int
        if let literal = site.literal, let value {
            score = literal == value ? 2 : 0
        } else {
            score = site.contributions.isEmpty && site.subtree == nil && !site.hasActions ? 1 : 0
        }
        return (score,
                Provenance(layer: .chartTemplates, anchor: nil, location: site.template, template: site.template,
                           via: via, controlledBy: controlled(except: nil)))
    }

    /// How many of the keys a `range` chose (the `.any` steps of `pattern`)
    /// the rendered path names, as an item's name or as a key.
    static func rangeHint(_ pattern: [PatternSegment], _ candidate: ValuesPath, _ path: [RenderedSegment]) -> Int {
        var names = Set<String>()
        for segment in path {
            switch segment {
            case .item(_, let name?): names.insert(name)
            case .key(let key): names.insert(key)
            default: continue
            }
        }
        var score = 0
        for (segment, step) in zip(pattern, candidate.segments) where segment == .any {
            if case .key(let key) = step, names.contains(key) { score += 1 }
        }
        return score
    }

    /// Whether every key a `range` chose (the `.any` steps of `pattern`)
    /// stands in `value` as a word of its own, not inside a longer name.
    static func namesAsWord(_ pattern: [PatternSegment], _ candidate: ValuesPath, _ value: String) -> Bool {
        var chosen = 0
        for (segment, step) in zip(pattern, candidate.segments) where segment == .any {
            guard case .key(let key) = step, !key.isEmpty, containsWord(key, in: value) else { return false }
            chosen += 1
        }
        return chosen > 0
    }

    static func containsWord(_ word: String, in text: String) -> Bool {
        let haystack = Array(text.utf8), needle = Array(word.utf8)
        guard needle.count <= haystack.count else { return false }
        func isWordByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte >= 0x80
        }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            let end = start + needle.count
            if (start == 0 || !isWordByte(haystack[start - 1])) && (end == haystack.count || !isWordByte(haystack[end])) {
                return true
            }
        }
        return false
    }

    /// How well a concrete values path fits the rendered path: the keys and
    /// indexes a `range` chose should be the item the rendered path names.
    private func hintScore(_ candidate: ValuesPath, _ path: [RenderedSegment]) -> Int {
        var names = Set<String>()
        var indexes: [Int] = []
        for segment in path {
            if case .item(let index, let name) = segment {
                if let name { names.insert(name) }
                indexes.append(index)
            }
        }
        var score = 0
        for segment in candidate.segments {
            switch segment {
            case .key(let key): if names.contains(key) { score += 2 }
            case .index(let index): if indexes.contains(index) { score += 1 }
            }
        }
        if let parent = candidate.parent, let name = values.node(at: parent)?["name"].map(Self.text), names.contains(name) {
            score += 2
        }
        return score
    }

    // MARK: - Values

    /// Follows a rendered path below a values node. A sequence item is the
    /// element with the same `name`, else the same index, else any element
    /// that holds the value (inserted lists may follow literal items).
    static func descend(_ node: ValuesNode, from base: ValuesPath, along path: ArraySlice<RenderedSegment>,
                        value: String?) -> (ValuesPath, ValuesNode)? {
        guard let segment = path.first else {
            return value == nil || text(node) == value ? (base, node) : nil
        }
        let rest = path.dropFirst()
        switch segment {
        case .key(let key):
            guard let child = node[key] else { return nil }
            return descend(child, from: base.appending(key: key), along: rest, value: value)
        case .item(let index, let name):
            guard let items = node.items else { return nil }
            var order: [Int] = []
            if let name, let named = items.firstIndex(where: { $0["name"].map(text) == name }) { order.append(named) }
            if items.indices.contains(index) { order.append(index) }
            order += items.indices
            var tried = Set<Int>()
            for candidate in order where tried.insert(candidate).inserted {
                if let found = descend(items[candidate], from: base.appending(index: candidate), along: rest, value: value) {
                    return found
                }
            }
            return nil
        }
    }

    /// Concrete values paths a pattern reaches in the merged values.
    func resolve(_ pattern: [PatternSegment], hints: [RenderedSegment]) -> [(ValuesPath, ValuesNode)] {
        var frontier: [(ValuesPath, ValuesNode)] = [(.root, values)]
        for segment in pattern {
            var next: [(ValuesPath, ValuesNode)] = []
            for (path, node) in frontier {
                switch segment {
                case .key(let key):
                    if let child = node[key] { next.append((path.appending(key: key), child)) }
                case .any:
                    switch node.content {
                    case .map(let entries):
                        for entry in entries { next.append((path.appending(key: entry.key), entry.node)) }
                    case .list(let items):
                        for (index, item) in items.enumerated() { next.append((path.appending(index: index), item)) }
                    case .scalar:
                        break
                    }
                }
                if next.count > Self.maxCandidates { break }
            }
            frontier = next
        }
        return frontier
    }

    static func text(_ node: ValuesNode) -> String {
        guard case .scalar(let value) = node.content else { return "" }
        switch value {
        case .null: return ""
        case .float(let number) where number == number.rounded() && abs(number) < 1e15: return String(Int64(number))
        default: return value.description
        }
    }

    /// `text` without `pieces`, found one after another; nil when one is missing.
    static func removing(_ pieces: [String], from text: String) -> String? {
        let characters = Array(text)
        var kept: [Character] = []
        var start = 0
        for piece in pieces {
            let needle = Array(piece)
            guard !needle.isEmpty else { continue }
            var found: Int?
            var at = start
            while at + needle.count <= characters.count {
                if characters[at..<(at + needle.count)].elementsEqual(needle) { found = at; break }
                at += 1
            }
            guard let found else { return nil }
            kept += characters[start..<found]
            start = found + needle.count
        }
        kept += characters[start...]
        return String(kept)
    }

    static func matches(_ keyPath: [SiteSegment], _ path: ArraySlice<RenderedSegment>) -> Bool {
        guard keyPath.count == path.count else { return false }
        for (site, rendered) in zip(keyPath, path) {
            switch (site, rendered) {
            case (.key(let a), .key(let b)): if a != b { return false }
            case (.anyKey, .key): continue
            case (.item, .item): continue
            case (.namedItem(let a), .item(_, let b)): if a != b { return false }
            default: return false
            }
        }
        return true
    }
}

/// A value computed once, by the first caller that needs it.
final class BuiltOnce<Value: Sendable>: Sendable {
    private let state: Mutex<State>

    private enum State: @unchecked Sendable {
        // The builder captures only plain values (lexed templates, merged values) and is called once.
        case pending(() -> Value)
        case built(Value)
    }

    init(_ build: @escaping () -> Value) {
        state = Mutex(.pending(build))
    }

    var value: Value {
        state.withLock { state in
            switch state {
            case .built(let value): return value
            case .pending(let build):
                let value = build()
                state = .built(value)
                return value
            }
        }
    }
}

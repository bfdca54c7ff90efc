import ManifestModel

/// Walks template lines once, keeping the YAML key path from indentation and
/// the scope from `with`, `range`, `if` and variable bindings, and records a
/// `TemplateSite` for every line that writes something.
struct TemplateAnalyzer {
    static let maxHelperDepth = 12

    let helpers: [String: TemplateIndex.HelperDefinition]
    /// The merged values, when known: a branch whose condition they decide
    /// (`if .Values.x.enabled` with `enabled: false`) is not read.
    let values: ValuesNode?
    private(set) var reads: Set<[PatternSegment]> = []
    private struct SummaryKey: Hashable {
        var helper: String
        var context: ValueReference
    }
    private var summaries: [SummaryKey: [Contribution]] = [:]
    private struct InsertionKey: Hashable {
        var helper: String
        var context: ValueReference
        var depth: Int
        var nested: Bool
    }
    private var insertions: [InsertionKey: [TemplateSite]] = [:]
    /// Helpers being read (summarized or inserted), to see a helper that calls itself.
    private var summarizing: [String: Int] = [:]

    /// The values whose depth bounds a helper that calls itself one level deeper each time.
    let extent: ValuesNode?

    init(helpers: [String: TemplateIndex.HelperDefinition], values: ValuesNode? = nil, extent: ValuesNode? = nil) {
        self.helpers = helpers
        self.values = values
        self.extent = extent ?? values
    }

    private struct Frame {
        enum Kind { case define, control }
        var kind: Kind
        var saved: TemplateExpression.Scope
        var conditionCount: Int
        /// A branch of this `if`/`else` chain is known to be the one taken.
        var branchTaken = false
        /// Sites recorded from here on are inside the block.
        var firstSite = 0
    }

    private struct KeyEntry {
        var indent: Int
        var segment: SiteSegment
        /// Sites recorded from here on are inside this entry (an item learns its name late).
        var firstSite = 0
    }

    mutating func analyze(_ lines: ArraySlice<TemplateLexer.Line>, file: String, context: ValueReference,
                          basePath: [SiteSegment], via: [String], depth: Int, skipDefinitions: Bool) -> [TemplateSite] {
        var sites: [TemplateSite] = []
        // Inside a define, `$` is the context the helper was called with.
        var scope = TemplateExpression.Scope(dot: context, variables: ["$": context])
        var frames: [Frame] = []
        var conditions: [Contribution] = []
        var keys: [KeyEntry] = []
        var skippedDefinitionDepth = 0
        var enteredHelper = skipDefinitions
        var blockScalar: (indent: Int, site: Int)?
        var deadFrame: Int?

        func currentPath() -> [SiteSegment] { basePath + keys.map(\.segment) }
        /// With an `else`, one branch or the other writes: the test decides what
        /// is written there, not whether something is, so it no longer flips a block.
        func enterElse(_ frame: Int) {
            let start = min(frames[frame].conditionCount, conditions.count)
            let tests = Set(conditions[start...].filter(\.isTruthTest).map(\.reference))
            guard !tests.isEmpty else { return }
            for index in start..<conditions.count where tests.contains(conditions[index].reference) {
                conditions[index].isTruthTest = false
            }
            for index in frames[frame].firstSite..<sites.count {
                for position in sites[index].conditions.indices where sites[index].conditions[position].isTruthTest
                    && tests.contains(sites[index].conditions[position].reference) {
                    sites[index].conditions[position].isTruthTest = false
                }
            }
        }

        for line in lines {
            let deadAtStart = deadFrame != nil
            let shape = line.shape
            var lineContributions: [Contribution] = []
            var dictEntries: [(key: String, contributions: [Contribution])] = []
            var insertions: [(indentation: TemplateExpression.Indentation?, result: TemplateExpression.Result, column: Int, trimsLeft: Bool)] = []

            for action in line.actions {
                let tokens = action.tokens
                if let dead = deadFrame {
                    // Inside a branch the values rule out: only block structure is followed.
                    guard case .identifier(let keyword)? = tokens.first else { continue }
                    switch keyword {
                    case "define", "block", "if", "with", "range":
                        frames.append(Frame(kind: .control, saved: scope, conditionCount: conditions.count))
                    case "else" where frames.count - 1 == dead:
                        guard !frames[dead].branchTaken else { continue }
                        enterElse(dead)
                        var next = tokens.dropFirst()
                        var truth: Bool?
                        if case .identifier(let word)? = next.first, word == "if" || word == "with" {
                            next = next.dropFirst()
                            truth = known(next, scope: frames[dead].saved)
                        }
                        if truth == false { continue }
                        deadFrame = nil
                        if truth == true { frames[dead].branchTaken = true }
                        scope.dot = frames[dead].saved.dot
                        if tokens.count > 1, case .identifier(let word) = tokens[1], word == "if" || word == "with" {
                            openBlock(word, tokens.dropFirst(2), scope: &scope, conditions: &conditions, depth: depth)
                        }
                    case "end":
                        if frames.count - 1 == dead { deadFrame = nil }
                        if let frame = frames.popLast() {
                            scope = frame.saved
                            conditions.removeSubrange(min(frame.conditionCount, conditions.count)...)
                        }
                    default:
                        break
                    }
                    continue
                }
                if case .identifier(let keyword)? = tokens.first {
                    if skippedDefinitionDepth > 0 {
                        switch keyword {
                        case "define", "block", "if", "with", "range": skippedDefinitionDepth += 1
                        case "end": skippedDefinitionDepth -= 1
                        default: break
                        }
                        continue
                    }
                    switch keyword {
                    case "define", "block":
                        if enteredHelper { skippedDefinitionDepth = 1 } else {
                            enteredHelper = true
                            frames.append(Frame(kind: .define, saved: scope, conditionCount: conditions.count))
                        }
                        continue
                    case "if", "with", "range":
                        frames.append(Frame(kind: .control, saved: scope, conditionCount: conditions.count, firstSite: sites.count))
                        if keyword != "range" {
                            switch known(tokens.dropFirst(), scope: scope) {
                            case false?: deadFrame = frames.count - 1; continue
                            case true?: frames[frames.count - 1].branchTaken = true
                            case nil: break
                            }
                        }
                        openBlock(keyword, tokens.dropFirst(), scope: &scope, conditions: &conditions, depth: depth)
                        continue
                    case "else":
                        if frames.last?.kind == .control { enterElse(frames.count - 1) }
                        if let frame = frames.last, frame.kind == .control, frame.branchTaken {
                            // The branch before was taken: this one is not.
                            deadFrame = frames.count - 1
                            continue
                        }
                        if let frame = frames.last, tokens.count > 2, case .identifier(let word) = tokens[1],
                           word == "if" || word == "with" {
                            switch known(tokens.dropFirst(2), scope: frame.saved) {
                            case false?: deadFrame = frames.count - 1; continue
                            case true?: frames[frames.count - 1].branchTaken = true
                            case nil: break
                            }
                        }
                        if let frame = frames.last {
                            scope.dot = frame.saved.dot
                            if tokens.count > 1, case .identifier(let next) = tokens[1], next == "if" || next == "with" {
                                openBlock(next, tokens.dropFirst(2), scope: &scope, conditions: &conditions, depth: depth)
                            }
                        }
                        continue
                    case "end":
                        if let frame = frames.popLast() {
                            scope = frame.saved
                            conditions.removeSubrange(frame.conditionCount...)
                        }
                        continue
                    default:
                        break
                    }
                }
                if skippedDefinitionDepth > 0 { continue }
                // Variable bindings: $x := pipeline
                if tokens.count >= 2, case .variable(let name) = tokens[0], tokens[1] == .declare || tokens[1] == .assign {
                    let result = TemplateExpression(scope: scope).evaluate(tokens.dropFirst(2))
                    record(result.contributions, depth: depth)
                    dictEntries += result.dictEntries
                    scope.variables[name] = result.primary
                    scope.carried[name] = result.contributions
                    fill(result.filled, scope: &scope, frames: &frames)
                    continue
                }
                let result = TemplateExpression(scope: scope).evaluate(tokens[...])
                record(result.contributions, depth: depth)
                dictEntries += result.dictEntries
                fill(result.filled, scope: &scope, frames: &frames)
                // An action inside the key (`UPSTREAM_{{ upper .name }}:`) names the key, not the value.
                if let keyEnd = shape.keyEnd, action.column - 1 < keyEnd { continue }
                let insertsSubtree = result.contributions.contains { $0.isSubtree }
                if result.indentation != nil || (!shape.hasContent && (!result.helperCalls.isEmpty || insertsSubtree)) {
                    insertions.append((result.indentation, result, action.column, action.trimsLeft))
                } else {
                    lineContributions += flatten(result.contributions, depth: depth)
                }
            }
            if skippedDefinitionDepth > 0 { continue }
            if deadAtStart && deadFrame != nil { continue }

            // A helper inserted at a key that builds its output from a dict
            // (`$labels := dict "app/name" (include ...)` then `toYaml`): each
            // entry is a candidate writer of the key it names below the insertion.
            if depth > 0, !basePath.isEmpty {
                for entry in dictEntries where !entry.key.isEmpty {
                    let flattened = flatten(entry.contributions, depth: depth).filter { $0.role != .condition }
                    guard !flattened.isEmpty else { continue }
                    var site = TemplateSite(keyPath: basePath + [.key(entry.key)],
                                            template: SourceLocation(file: file, line: line.number, column: shape.indent + 1),
                                            via: via, contributions: flattened, conditions: conditions,
                                            subtree: nil, isBlockScalar: false)
                    site.hasActions = true
                    sites.append(site)
                }
            }

            // Inside a block scalar, everything a line writes belongs to the scalar.
            if let block = blockScalar {
                if shape.hasContent && shape.indent <= block.indent {
                    blockScalar = nil
                } else {
                    sites[block.site].contributions += lineContributions
                    for insertion in insertions {
                        sites[block.site].contributions += flatten(insertion.result.contributions, depth: depth).map {
                            var contribution = $0
                            contribution.isSubtree = true
                            return contribution
                        }
                    }
                    continue
                }
            }

            if !shape.hasContent, !lineContributions.isEmpty {
                // Text written by an action alone on its line: a helper's scalar
                // output, or raw text at the current key.
                var site = TemplateSite(keyPath: currentPath(),
                                        template: SourceLocation(file: file, line: line.number, column: shape.indent + 1),
                                        via: via, contributions: lineContributions, conditions: conditions,
                                        subtree: nil, isBlockScalar: false)
                site.hasActions = true
                sites.append(site)
            }
            if shape.hasContent {
                for dash in shape.dashes {
                    while let top = keys.last, top.indent > dash || (top.indent == dash && top.segment.isItem) {
                        keys.removeLast()
                    }
                    keys.append(KeyEntry(indent: dash, segment: .item, firstSite: sites.count))
                }
                if let key = shape.key {
                    while let top = keys.last, top.indent >= key.column { keys.removeLast() }
                    keys.append(KeyEntry(indent: key.column, segment: key.segment, firstSite: sites.count))
                    // `name: literal` names the item it sits in: rendered paths
                    // match the item by that name (`containers[name=app]`).
                    if key.segment == .key("name"), let name = shape.literal, keys.count >= 2,
                       keys[keys.count - 2].segment == .item {
                        let position = keys.count - 2
                        keys[position].segment = .namedItem(name)
                        let at = basePath.count + position
                        for index in keys[position].firstSite..<sites.count
                        where sites[index].keyPath.count > at && sites[index].keyPath[at] == .item {
                            sites[index].keyPath[at] = .namedItem(name)
                        }
                    }
                }
                let column = (shape.key?.column ?? shape.dashes.last.map { $0 + 2 } ?? shape.indent) + 1
                var site = TemplateSite(keyPath: currentPath(), template: SourceLocation(file: file, line: line.number, column: column),
                                        via: via, contributions: lineContributions, conditions: conditions,
                                        subtree: nil, isBlockScalar: shape.isBlockScalarHeader)
                site.literal = shape.literal
                site.hasActions = shape.literal == nil && !line.actions.isEmpty
                // Text between `if`/`else` actions may or may not be written: no evidence then.
                let controls = line.actions.contains { action in
                    guard case .identifier(let word)? = action.tokens.first else { return false }
                    return ["if", "else", "with", "range", "end"].contains(word)
                }
                if !controls { site.fragments = shape.fragments }
                if shape.key != nil || !shape.dashes.isEmpty || !lineContributions.isEmpty {
                    sites.append(site)
                    if shape.isBlockScalarHeader, let key = shape.key { blockScalar = (key.column, sites.count - 1) }
                }
            }

            for insertion in insertions {
                let indent: Int
                switch insertion.indentation {
                case .newline(let count)?: indent = count
                // `{{- include ... | indent N }}` alone on its line eats the line's
                // own indentation: the text's lines start at column N.
                case .inline(let count)?: indent = insertion.trimsLeft && !shape.hasContent ? count : shape.indent + count
                case nil: indent = shape.hasContent ? (shape.key?.column ?? shape.indent) + 2 : insertion.column - 1
                }
                // On a `key:` line, inserted text becomes the key's children.
                var path: [SiteSegment]
                if shape.hasContent {
                    path = currentPath()
                } else {
                    path = basePath + keys.filter { $0.indent < indent }.map(\.segment)
                }
                if !shape.hasContent, let last = keys.last, last.indent >= indent {
                    path = basePath + keys.filter { $0.indent < indent }.map(\.segment)
                }
                for contribution in insertion.result.contributions {
                    switch contribution.reference {
                    case .helper(let name, let context) where contribution.role == .output || contribution.role == .fallback:
                        guard depth < Self.maxHelperDepth, let helper = helpers[name],
                              !isWalkingPastTheValues(name, context: context) else { continue }
                        var helperPath = path
                        // `ports:` then `{{- include "x.ports" . }}` whose text opens with `- port:`
                        // at the key's own column: YAML's compact sequence, the items are the key's.
                        if insertion.indentation == nil, !shape.hasContent, let last = keys.last, !last.segment.isItem,
                           !path.isEmpty, path.count == basePath.count + keys.count - 1,
                           let first = helper.lines.first(where: { $0.shape.hasContent })?.shape,
                           first.dashes.first == last.indent {
                            helperPath.append(last.segment)
                        }
                        sites += inserted(name, helper: helper, context: context, basePath: helperPath, via: via, depth: depth + 1)
                    case .values(let pattern) where contribution.role == .output:
                        sites.append(TemplateSite(keyPath: path, template: SourceLocation(file: file, line: line.number, column: insertion.column),
                                                  via: via, contributions: [contribution], conditions: conditions,
                                                  subtree: pattern, isBlockScalar: false))
                    default:
                        continue
                    }
                }
            }
        }
        return sites
    }

    /// A variable `set` changed keeps the change after the block it was made
    /// in ends, as a Go variable assigned in a block does.
    private func fill(_ filled: [TemplateExpression.Fill], scope: inout TemplateExpression.Scope, frames: inout [Frame]) {
        for fill in filled {
            guard let current = scope.variables[fill.variable], current == fill.from || current == fill.to else { continue }
            scope.variables[fill.variable] = fill.to
            scope.carried[fill.variable] = nil
            for index in frames.indices where frames[index].saved.variables[fill.variable] == current {
                frames[index].saved.variables[fill.variable] = fill.to
                frames[index].saved.carried[fill.variable] = nil
            }
        }
    }

    /// Whether a condition holds, when the values decide it: a values key
    /// (Go's truth: not false, 0, empty or missing), `not`, `and`, `or`, and
    /// `eq`/`ne` of a key and a literal. Anything else: nil, both branches read.
    func known(_ tokens: ArraySlice<TemplateToken>, scope: TemplateExpression.Scope) -> Bool? {
        guard values != nil, !tokens.isEmpty else { return nil }
        var body = tokens
        while body.first == .open, body.last == .close, Self.operandGroups(body).count == 1 {
            body = body.dropFirst().dropLast()
        }
        if case .identifier(let function)? = body.first {
            let groups = Self.operandGroups(body.dropFirst())
            switch function {
            case "not":
                guard groups.count == 1 else { return nil }
                return known(groups[0], scope: scope).map { !$0 }
            case "and", "or":
                guard !groups.isEmpty else { return nil }
                var all: [Bool] = []
                for group in groups {
                    guard let truth = known(group, scope: scope) else {
                        // One known operand can still decide: `and false ...`, `or true ...`.
                        continue
                    }
                    if function == "and" && !truth { return false }
                    if function == "or" && truth { return true }
                    all.append(truth)
                }
                return all.count == groups.count ? function == "and" : nil
            case "eq", "ne":
                guard groups.count == 2, let left = text(of: groups[0], scope: scope), let right = text(of: groups[1], scope: scope) else { return nil }
                return (left == right) == (function == "eq")
            default:
                return nil
            }
        }
        guard Self.operandGroups(body).count == 1, let node = node(of: body, scope: scope) else { return nil }
        // An empty string, a zero or an empty collection is false today, but
        // setting it both takes the branch and often writes it there (an empty
        // `nameOverride`): such a branch is read, so its key can be claimed.
        switch node.content {
        case .scalar(let scalar):
            switch scalar {
            case .null: return false
            case .bool(let flag): return flag
            case .int(let number): return number != 0 ? true : nil
            case .float(let number): return number != 0 ? true : nil
            case .string(let text): return text.isEmpty ? nil : true
            }
        case .map(let entries): return entries.isEmpty ? nil : true
        case .list(let items): return items.isEmpty ? nil : true
        }
    }

    /// The values node an operand names; a missing key is Go's nil.
    private func node(of tokens: ArraySlice<TemplateToken>, scope: TemplateExpression.Scope) -> ValuesNode? {
        guard case .values(let pattern) = TemplateExpression(scope: scope).evaluate(tokens).primary else { return nil }
        return node(at: pattern)
    }

    /// The values node at a pattern of keys; a missing key is Go's nil.
    private func node(at pattern: [PatternSegment]) -> ValuesNode? {
        guard let values else { return nil }
        var node: ValuesNode? = values
        for segment in pattern {
            guard case .key(let key) = segment else { return nil }
            guard let current = node else { break }
            guard current.entries != nil else { return nil }
            node = current[key]
        }
        // A subchart may hold `global` defaults of its own that the root's lack: unknown then.
        if node == nil, case .key("global")? = pattern.first { return nil }
        return node ?? .scalar(.null, origin: values.origin)
    }

    private func text(of tokens: ArraySlice<TemplateToken>, scope: TemplateExpression.Scope) -> String? {
        if tokens.count == 1, case .string(let literal) = tokens.first! { return literal }
        if tokens.count == 1, case .number(let literal) = tokens.first! { return literal }
        guard let node = node(of: tokens, scope: scope), case .scalar(let scalar) = node.content else { return nil }
        switch scalar {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    /// Operands of a command: single tokens, or parenthesised groups.
    /// `.x`, `(.x)`, `not .x`, `empty .x`: a test of one operand's truth, no comparison.
    static func testsOneOperand(_ tokens: ArraySlice<TemplateToken>) -> Bool {
        var body = tokens
        while body.first == .open, body.last == .close, operandGroups(body).count == 1 {
            body = body.dropFirst().dropLast()
        }
        if case .identifier(let function)? = body.first, function == "not" || function == "empty" {
            let groups = operandGroups(body.dropFirst())
            return groups.count == 1 && testsOneOperand(groups[0])
        }
        guard body.count == 1 else { return false }
        switch body.first {
        case .field?, .variable?: return true
        default: return false
        }
    }

    static func operandGroups(_ tokens: ArraySlice<TemplateToken>) -> [ArraySlice<TemplateToken>] {
        var groups: [ArraySlice<TemplateToken>] = []
        var index = tokens.startIndex
        while index < tokens.endIndex {
            if tokens[index] == .open {
                var depth = 1
                var end = index + 1
                while end < tokens.endIndex, depth > 0 {
                    if tokens[end] == .open { depth += 1 }
                    if tokens[end] == .close { depth -= 1 }
                    end += 1
                }
                if end < tokens.endIndex, case .chainedField = tokens[end] { end += 1 }
                groups.append(tokens[index..<end])
                index = end
            } else if tokens[index] == .pipe {
                // A pipeline is no single operand.
                return []
            } else {
                groups.append(tokens[index..<(index + 1)])
                index += 1
            }
        }
        return groups
    }

    private mutating func openBlock(_ keyword: String, _ tokens: ArraySlice<TemplateToken>,
                                    scope: inout TemplateExpression.Scope, conditions: inout [Contribution], depth: Int) {
        var expression = tokens
        var names: [String] = []
        if keyword == "range", let declare = tokens.firstIndex(of: .declare) {
            names = tokens[..<declare].compactMap { if case .variable(let name) = $0 { return name } else { return nil } }
            expression = tokens[(declare + 1)...]
        }
        let result = TemplateExpression(scope: scope).evaluate(expression)
        record(result.contributions, depth: depth)
        let isTruthTest = keyword != "range" && Self.testsOneOperand(expression)
        conditions += flatten(result.contributions, depth: 0).map {
            var condition = Contribution(reference: $0.reference, role: .condition, isSubtree: false)
            condition.isNegated = $0.isNegated
            condition.isTruthTest = isTruthTest
            return condition
        }
        switch keyword {
        case "with":
            scope.dot = result.primary
        case "range":
            let element: ValueReference
            let key: ValueReference
            if case .values(let path) = result.primary {
                element = .values(path + [.any])
                key = .valuesKey(path + [.any])
            } else if let only = onlyEntry(of: result.primary) {
                element = only
                key = .unknown
            } else {
                element = .unknown
                key = .unknown
            }
            for name in names { scope.carried[name] = nil }
            switch names.count {
            case 0: scope.dot = element
            case 1: scope.variables[names[0]] = element
            default:
                scope.variables[names[0]] = key
                scope.variables[names[1]] = element
            }
        default:
            break
        }
    }

    /// A helper that walks a map by calling itself on each entry (`include "x.rec"
    /// (dict "content" $value)`) goes one `.any` deeper per call: once the values
    /// hold nothing that deep, a deeper call can read nothing more.
    private func isWalkingPastTheValues(_ helper: String, context: ValueReference) -> Bool {
        summarizing[helper, default: 0] > 0 && !reachesValues(context)
    }

    /// Whether a helper's context names part of the values that exists, or
    /// anything else (the values unknown, a chart's context, a literal): false
    /// only for a context made of values patterns that match no node.
    private func reachesValues(_ context: ValueReference) -> Bool {
        guard let extent else { return true }
        switch context {
        case .values(let pattern): return Self.matches(pattern[...], in: extent)
        case .dict(let entries): return entries.isEmpty || entries.values.contains { reachesValues($0) }
        case .unknown: return false
        default: return true
        }
    }

    private static func matches(_ pattern: ArraySlice<PatternSegment>, in node: ValuesNode) -> Bool {
        guard let segment = pattern.first else { return true }
        switch segment {
        case .key(let key):
            guard let next = node[key] else { return false }
            return matches(pattern.dropFirst(), in: next)
        case .any:
            if let entries = node.entries { return entries.contains { matches(pattern.dropFirst(), in: $0.node) } }
            if let items = node.items { return items.contains { matches(pattern.dropFirst(), in: $0) } }
            return false
        }
    }

    /// A map built as named entries over values maps the values leave empty
    /// (`set .Values.extraServices "default" .Values.service`): when it holds one
    /// entry, ranging over it reads that entry. More than one: unknown.
    private func onlyEntry(of reference: ValueReference) -> ValueReference? {
        guard values != nil, case .merged(let parts) = reference else { return nil }
        var entries: [ValueReference] = []
        for part in parts {
            switch part {
            case .dict(let named): entries += named.values
            case .values(let pattern):
                guard let node = node(at: pattern), (node.entries?.isEmpty ?? false) || node.isNull else { return nil }
            default: return nil
            }
        }
        return entries.count == 1 ? entries[0] : nil
    }

    private mutating func record(_ contributions: [Contribution], depth: Int) {
        for contribution in contributions {
            if case .values(let pattern) = contribution.reference { reads.insert(pattern) }
            if case .valuesKey(let pattern) = contribution.reference { reads.insert(pattern) }
            if case .helper(let name, let context) = contribution.reference { _ = summary(name, context: context, depth: depth) }
        }
    }

    /// Replaces inline helper calls by what flows through the helper.
    private mutating func flatten(_ contributions: [Contribution], depth: Int) -> [Contribution] {
        var result: [Contribution] = []
        for contribution in contributions {
            if case .helper(let name, let context) = contribution.reference {
                for inner in summary(name, context: context, depth: depth + 1) {
                    var flattened = inner
                    if contribution.role != .output, flattened.role == .output { flattened.role = contribution.role }
                    result.append(flattened)
                }
            } else {
                result.append(contribution)
            }
        }
        return result
    }

    /// The sites of a helper inserted below `basePath`. They are the same below
    /// any key path but for the path and the include chain before them, so a
    /// helper is read once per context (a library chart's `tplvalues.render`
    /// is inserted hundreds of times) and the prefixes put on each copy.
    private mutating func inserted(_ name: String, helper: TemplateIndex.HelperDefinition, context: ValueReference,
                                   basePath: [SiteSegment], via: [String], depth: Int) -> [TemplateSite] {
        let chain = via + ["include \"\(name)\""]
        // Inside a helper's own recursion what it reads depends on how deep it is: not shared.
        guard summarizing[name, default: 0] == 0 else {
            return analyze(helper.lines[...], file: helper.file, context: context, basePath: basePath,
                           via: chain, depth: depth, skipDefinitions: false)
        }
        // Whether there is a path above decides what a helper's dict entries write: one stand-in key.
        let standIn: [SiteSegment] = basePath.isEmpty ? [] : [.anyKey]
        let key = InsertionKey(helper: name, context: context, depth: depth, nested: !basePath.isEmpty)
        let relative: [TemplateSite]
        if let cached = insertions[key] {
            relative = cached
        } else {
            summarizing[name, default: 0] += 1
            relative = analyze(helper.lines[...], file: helper.file, context: context, basePath: standIn,
                               via: [], depth: depth, skipDefinitions: false)
            summarizing[name, default: 0] -= 1
            insertions[key] = relative
        }
        return relative.map { site in
            var placed = site
            placed.keyPath = basePath + site.keyPath.dropFirst(standIn.count)
            placed.via = chain + site.via
            return placed
        }
    }

    /// Everything that flows through a helper called with a context.
    private mutating func summary(_ name: String, context: ValueReference, depth: Int) -> [Contribution] {
        let cacheKey = SummaryKey(helper: name, context: context)
        if let cached = summaries[cacheKey] { return cached }
        guard depth < Self.maxHelperDepth, let helper = helpers[name] else { return [] }
        if isWalkingPastTheValues(name, context: context) { return [] }
        summaries[cacheKey] = []
        summarizing[name, default: 0] += 1
        let sites = analyze(helper.lines[...], file: helper.file, context: context, basePath: [],
                            via: [], depth: depth + 1, skipDefinitions: false)
        summarizing[name, default: 0] -= 1
        var contributions: [Contribution] = []
        for site in sites {
            contributions += site.contributions
            contributions += site.conditions
            if let subtree = site.subtree {
                contributions.append(Contribution(reference: .values(subtree), role: .output, isSubtree: true))
            }
        }
        var seen = Set<Contribution>()
        contributions = contributions.filter { seen.insert($0).inserted }
        summaries[cacheKey] = contributions
        return contributions
    }
}

/// The YAML shape of one template line once its actions are masked out.
struct LineShape {
    struct Key {
        var column: Int
        var segment: SiteSegment
    }

    var indent = 0
    var hasContent = false
    var dashes: [Int] = []
    var key: Key?
    /// Where the key's colon sits, so actions before it are known to build the key.
    var keyEnd: Int?
    /// The value written on the line when it has no action in it.
    var literal: String?
    /// The literal text around the actions of the value (`--port=` in
    /// `- --port={{ .Values.port }}`): a rendered value without it was not written here.
    var fragments: [String] = []
    var isBlockScalarHeader = false

    /// Reads a line's masked text, as ASCII bytes or as Characters.
    init<Unit: LexUnit>(_ masked: [Unit]) {
        let space = Unit.ascii(" "), tab = Unit.ascii("\t"), marker = Unit.marker
        let colon = Unit.ascii(":"), dash = Unit.ascii("-"), double = Unit.ascii("\""), single = Unit.ascii("'")
        let brace = Unit.ascii("{"), bracket = Unit.ascii("["), pipe = Unit.ascii("|"), folded = Unit.ascii(">")
        var index = 0
        while index < masked.count, masked[index] == space { index += 1 }
        indent = index
        hasContent = masked[index...].contains { $0 != space && $0 != tab && $0 != marker }
        guard hasContent else { return }
        if masked[index] == Unit.ascii("#") { hasContent = false; return }
        while index < masked.count, masked[index] == dash, index + 1 == masked.count || masked[index + 1] == space {
            dashes.append(index)
            index += 1
            while index < masked.count, masked[index] == space { index += 1 }
        }
        guard index < masked.count else { return }
        fragments = Self.fragments(masked[index...])
        // The key ends at the first `: ` (or `:` at the end) outside quotes.
        var cursor = index
        var quote: Unit?
        while cursor < masked.count {
            let character = masked[cursor]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == double || character == single {
                if cursor == index { quote = character }
            } else if character == colon && (cursor + 1 == masked.count || masked[cursor + 1] == space) {
                break
            } else if character == brace || character == bracket {
                if cursor == index { return }
            }
            cursor += 1
        }
        guard cursor < masked.count else {
            // `- "--ping=true"`: a sequence item written literally.
            if !dashes.isEmpty { literal = Self.literalScalar(masked[index...]) }
            return
        }
        var text = masked[index..<cursor]
        if text.count >= 2, let first = text.first, first == double || first == single, text.last == first {
            text = text.dropFirst().dropLast()
        }
        key = Key(column: index, segment: text.contains(marker) ? .anyKey : .key(Unit.string(text)))
        keyEnd = cursor
        let rest = masked[(cursor + 1)...].drop { $0 == space }
        fragments = Self.fragments(rest)
        if let first = rest.first, first == pipe || first == folded { isBlockScalarHeader = true }
        if !rest.isEmpty { literal = Self.literalScalar(rest) }
    }

    /// The text of a scalar written without actions, unquoted; nil when an action writes part of it.
    static func literalScalar<Unit: LexUnit>(_ text: ArraySlice<Unit>) -> String? {
        guard !text.contains(Unit.marker) else { return nil }
        var value = text
        while let last = value.last, last == Unit.ascii(" ") || last == Unit.ascii("\t") { value = value.dropLast() }
        if value.count >= 2, let first = value.first, first == Unit.ascii("\"") || first == Unit.ascii("'"), value.last == first {
            value = value.dropFirst().dropLast()
        }
        return Unit.string(value)
    }

    /// Literal pieces between the actions of a value that has actions.
    static func fragments<Unit: LexUnit>(_ text: ArraySlice<Unit>) -> [String] {
        let marker = Unit.marker
        guard text.contains(marker), let first = text.first, first != Unit.ascii("|"), first != Unit.ascii(">"),
              first != Unit.ascii("{"), first != Unit.ascii("[") else { return [] }
        var body = text
        while let last = body.last, last == Unit.ascii(" ") { body = body.dropLast() }
        if let open = body.first, open == Unit.ascii("\"") || open == Unit.ascii("'"), body.count >= 2, body.last == open {
            body = body.dropFirst().dropLast()
        }
        // `{{-` and `-}}` trim the spaces next to them, so pieces are compared without them.
        return body.split(separator: marker).map { Unit.string($0).trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }
    }
}

import ManifestModel

/// One `--set` argument, read the way Helm's `strvals` parser reads it:
/// `a.b=c,d=e`, `list[0]=x`, `a.b[1].c=x`, `{x,y}` lists, `\` escaping the
/// next character, and Helm's typing (`true`/`false`/`null` in any case, base-10
/// integers without a leading zero, everything else a string).
///
/// Helm applies each argument onto the values the `-f` files produced
/// (`strvals.ParseInto`), so `list[1]=x` patches a list from a file and
/// `a.b=x` fails when `a` is a scalar there; `apply(to:)` does the same.
public struct SetExpression: Sendable, Hashable {
    public var text: String
    /// 1-based index of the argument among its flags: the line of every
    /// position this expression produces.
    public var argument: Int
    /// `--set-string`: every value stays a string.
    public var forceString: Bool

    public init(_ text: String, argument: Int = 1, forceString: Bool = false) {
        self.text = text
        self.argument = argument
        self.forceString = forceString
    }

    /// The file name positions carry: the flag that supplied the value.
    public var sourceName: String { forceString ? "--set-string" : "--set" }

    /// The expression on its own, as `strvals.Parse` reads it.
    public func parse() throws(ValuesError) -> ValuesNode {
        var values = ValuesNode.map([], origin: SourceLocation(file: sourceName, line: argument, column: 1))
        try apply(to: &values)
        return values
    }

    /// Applies the expression onto `values` (a map), as `strvals.ParseInto`.
    public func apply(to values: inout ValuesNode) throws(ValuesError) {
        var parser = StrvalsParser(self)
        try parser.parse(into: &values)
    }
}

/// Mirrors `helm.sh/helm/v4/pkg/strvals/parser.go` step by step, including
/// its quirks, because a different reading would attribute a rendered value
/// to a `--set` that Helm did not apply. Go's `io.EOF` (which ends the
/// expression without error) is `Stop.end`.
private struct StrvalsParser {
    /// Kept small on purpose: the grammar recurses, and a large error
    /// payload would sit in every frame.
    enum Stop: Error {
        case end
        case failure(problem: String, offset: Int)
    }

    private enum ListRead {
        /// The items and the offset just past the closing brace.
        case list([ValuesNode], end: Int)
        case end
        case notList
    }

    /// `strvals.MaxIndex` and `strvals.MaxNestedNameLevel`.
    static let maxIndex = 65536
    static let maxNestedNameLevel = 30
    /// Helm itself recurses without bound through `a[0][0]…` and `a[0].b[0]…`;
    /// a cap keeps a hostile argument from exhausting the stack. Real
    /// arguments nest a handful of levels; names stop at 30 anyway.
    static let maxRecursion = 100

    let scalars: [Unicode.Scalar]
    let expression: SetExpression
    var position = 0
    var pairStart = 0
    var recursion = 0

    init(_ expression: SetExpression) {
        self.expression = expression
        self.scalars = Array(expression.text.unicodeScalars)
    }

    mutating func parse(into data: inout ValuesNode) throws(ValuesError) {
        while true {
            pairStart = position
            do {
                try key(&data, level: 0)
            } catch {
                switch error {
                case .end: return
                case .failure(let problem, let offset):
                    throw ValuesError(.badSetExpression, problem, at: span(offset, offset))
                }
            }
        }
    }

    // MARK: - Grammar

    private mutating func key(_ data: inout ValuesNode, level: Int) throws(Stop) {
        recursion += 1
        defer { recursion -= 1 }
        guard recursion <= StrvalsParser.maxRecursion else {
            throw fail("expression nests deeper than \(StrvalsParser.maxRecursion) levels", at: position)
        }
        let keyStart = position
        let (k, last) = runesUntil(["=", "[", ",", "."])
        guard let last else {
            if k.isEmpty { throw .end }
            throw fail("key \(quoted(k)) has no value", at: keyStart)
        }
        let keyLocation = span(keyStart, keyStart + k.unicodeScalars.count)
        switch last {
        case "[":
            let indexStart = position
            let index = try keyIndex()
            var list: ValuesNode
            let existing = data.entry(k)
            if let existing {
                guard case .list = existing.node.content else {
                    throw mismatch(k, existing.node, expected: "a list", at: keyStart)
                }
                list = existing.node
            } else {
                list = .list([], origin: pairLocation)
            }
            var stop: Stop?
            do { try listItem(&list, index, indexStart: indexStart, level: level) } catch { stop = error }
            set(&data, k, list, keyLocation: existing?.keyLocation ?? keyLocation)
            if let stop { throw stop }
        case "=":
            switch try valList() {
            case .list(let items, let end):
                set(&data, k, .list(items, origin: span(pairStart, end)), keyLocation: keyLocation)
            case .end:
                set(&data, k, .scalar(.string(""), origin: pairLocation), keyLocation: keyLocation)
                throw .end
            case .notList:
                let (text, end) = val()
                set(&data, k, .scalar(typed(text), origin: span(pairStart, end)), keyLocation: keyLocation)
            }
        case ",":
            throw fail("key \(quoted(k)) has no value (cannot end with ,)", at: keyStart)
        default: // "."
            let nested = level + 1
            guard nested <= StrvalsParser.maxNestedNameLevel else {
                throw fail("value name nested level is greater than maximum supported nested level of \(StrvalsParser.maxNestedNameLevel)",
                           at: keyStart)
            }
            var inner: ValuesNode
            let existing = data.entry(k)
            if let existing {
                guard case .map = existing.node.content else {
                    throw mismatch(k, existing.node, expected: "a map", at: keyStart)
                }
                inner = existing.node
            } else {
                inner = .map([], origin: pairLocation)
            }
            var stop: Stop?
            do { try key(&inner, level: nested) } catch { stop = error }
            let isEmpty = inner.entries?.isEmpty ?? true
            if stop == nil && isEmpty {
                throw fail("key map \(quoted(k)) has no value", at: keyStart)
            }
            if !isEmpty { set(&data, k, inner, keyLocation: existing?.keyLocation ?? keyLocation) }
            if let stop { throw stop }
        }
    }

    private mutating func listItem(_ list: inout ValuesNode, _ index: Int, indexStart: Int, level: Int) throws(Stop) {
        recursion += 1
        defer { recursion -= 1 }
        guard recursion <= StrvalsParser.maxRecursion else {
            throw fail("expression nests deeper than \(StrvalsParser.maxRecursion) levels", at: position)
        }
        guard index >= 0 else { throw fail("negative \(index) index not allowed", at: indexStart) }
        let restStart = position
        let (k, last) = runesUntil(["[", ".", "="])
        guard k.isEmpty else { throw fail("unexpected data at end of array index: \(quoted(k))", at: restStart) }
        guard let last else { throw .end }
        switch last {
        case "=":
            switch try valList() {
            case .list(let items, let end):
                try setIndex(&list, index, .list(items, origin: span(pairStart, end)), indexStart: indexStart)
            case .end:
                try setIndex(&list, index, .scalar(.string(""), origin: pairLocation), indexStart: indexStart)
            case .notList:
                let (text, end) = val()
                try setIndex(&list, index, .scalar(typed(text), origin: span(pairStart, end)), indexStart: indexStart)
            }
        case "[":
            let nextStart = position
            let next = try keyIndex()
            var current = ValuesNode.list([], origin: pairLocation)
            if let items = list.items, index < items.count, !items[index].isNull {
                guard case .list = items[index].content else {
                    throw mismatch("[\(index)]", items[index], expected: "a list", at: indexStart)
                }
                current = items[index]
            }
            try listItem(&current, next, indexStart: nextStart, level: level)
            try setIndex(&list, index, current, indexStart: indexStart)
        default: // "."
            // Helm edits an existing item in place, so what the nested key
            // wrote survives even when the expression ends inside it; a new
            // item is only stored once the nested key completes.
            let items = list.items ?? []
            if index < items.count {
                if case .map = items[index].content {} else {
                    replaceItem(&list, index, with: .map([], origin: pairLocation))
                }
                var inner = list.items![index]
                do { try key(&inner, level: level) } catch {
                    replaceItem(&list, index, with: inner)
                    throw error
                }
                try setIndex(&list, index, inner, indexStart: indexStart)
            } else {
                var inner = ValuesNode.map([], origin: pairLocation)
                try key(&inner, level: level)
                try setIndex(&list, index, inner, indexStart: indexStart)
            }
        }
    }

    /// `strconv.Atoi` of the text up to `]`; the end of input ends the
    /// expression without error, as Helm's wrapped `io.EOF` does.
    private mutating func keyIndex() throws(Stop) -> Int {
        let start = position
        let (text, last) = runesUntil(["]"])
        guard last != nil else { throw .end }
        guard let value = StrvalsParser.atoi(text) else {
            var digits = Substring(text).unicodeScalars[...]
            if let sign = digits.first, sign == "+" || sign == "-" { digits = digits.dropFirst() }
            let outOfRange = !digits.isEmpty && digits.allSatisfy { $0.value >= 48 && $0.value <= 57 }
            throw fail("error parsing index: strconv.Atoi: parsing \(quoted(text)): \(outOfRange ? "value out of range" : "invalid syntax")",
                       at: start)
        }
        return value
    }

    private mutating func valList() throws(Stop) -> ListRead {
        guard position < scalars.count else { return .end }
        guard scalars[position] == "{" else { return .notList }
        let open = position
        position += 1
        var items: [ValuesNode] = []
        while true {
            let itemStart = position
            let (text, last) = runesUntil([",", "}"])
            let origin = span(itemStart, last == nil ? position : position - 1)
            guard let last else { throw fail("list must terminate with '}'", at: open) }
            items.append(.scalar(typed(text), origin: origin))
            if last == "}" {
                let end = position
                if position < scalars.count, scalars[position] == "," { position += 1 }
                return .list(items, end: end)
            }
        }
    }

    /// The value up to the next comma, and the offset just past its text.
    private mutating func val() -> (text: String, end: Int) {
        let (text, last) = runesUntil([","])
        return (text, last == nil ? position : position - 1)
    }

    /// Reads up to a stop character, which it consumes; `\` takes the next
    /// character literally. A nil stop means the input ended.
    private mutating func runesUntil(_ stop: Set<Unicode.Scalar>) -> (text: String, last: Unicode.Scalar?) {
        var text = ""
        while position < scalars.count {
            let scalar = scalars[position]
            position += 1
            if stop.contains(scalar) { return (text, scalar) }
            if scalar == "\\" {
                guard position < scalars.count else { return (text, nil) }
                text.unicodeScalars.append(scalars[position])
                position += 1
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return (text, nil)
    }

    // MARK: - Values

    private mutating func set(_ data: inout ValuesNode, _ key: String, _ node: ValuesNode, keyLocation: SourceLocation) {
        // Helm's `set` ignores an empty key.
        guard !key.isEmpty else { return }
        data.set(key, keyLocation: keyLocation, to: node)
    }

    private func setIndex(_ list: inout ValuesNode, _ index: Int, _ node: ValuesNode, indexStart: Int) throws(Stop) {
        guard index >= 0 else { throw fail("negative \(index) index not allowed", at: indexStart) }
        guard index <= StrvalsParser.maxIndex else {
            throw fail("index of \(index) is greater than maximum supported index of \(StrvalsParser.maxIndex)", at: indexStart)
        }
        var items = list.items ?? []
        list.content = .scalar(.null)
        if items.count <= index {
            items.append(contentsOf: repeatElement(ValuesNode.scalar(.null, origin: pairLocation), count: index + 1 - items.count))
        }
        items[index] = node
        list.content = .list(items)
    }

    private func replaceItem(_ list: inout ValuesNode, _ index: Int, with node: ValuesNode) {
        guard var items = list.items, items.indices.contains(index) else { return }
        list.content = .scalar(.null)
        items[index] = node
        list.content = .list(items)
    }

    /// `strvals.typedVal`.
    private func typed(_ text: String) -> ScalarValue {
        if expression.forceString { return .string(text) }
        if StrvalsParser.equalFold(text, "true") { return .bool(true) }
        if StrvalsParser.equalFold(text, "false") { return .bool(false) }
        if StrvalsParser.equalFold(text, "null") { return .null }
        if text == "0" { return .int(0) }
        if let first = text.unicodeScalars.first, first != "0", let value = StrvalsParser.parseInt64(text) {
            return .int(value)
        }
        return .string(text)
    }

    /// Go's `strings.EqualFold` against a lowercase ASCII word; the only
    /// non-ASCII letter that folds into `true`, `false` or `null` is `ſ`.
    static func equalFold(_ text: String, _ word: String) -> Bool {
        let lhs = Array(text.unicodeScalars), rhs = Array(word.unicodeScalars)
        guard lhs.count == rhs.count else { return false }
        for (a, b) in zip(lhs, rhs) {
            var folded = a
            if a.value >= 65 && a.value <= 90 { folded = Unicode.Scalar(a.value + 32)! }
            if a == "\u{017F}" { folded = "s" }
            if folded != b { return false }
        }
        return true
    }

    /// `strconv.ParseInt(text, 10, 64)`: an optional sign and decimal digits.
    static func parseInt64(_ text: String) -> Int64? {
        var scalars = Substring(text).unicodeScalars[...]
        var negative = false
        if let sign = scalars.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            scalars = scalars.dropFirst()
        }
        guard !scalars.isEmpty else { return nil }
        var magnitude: UInt64 = 0
        for scalar in scalars {
            guard scalar.value >= 48, scalar.value <= 57 else { return nil }
            let (shifted, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(scalar.value - 48))
            guard !overflow1, !overflow2 else { return nil }
            magnitude = sum
        }
        return Int64(magnitude: magnitude, negative: negative)
    }

    /// `strconv.Atoi` on a 64-bit platform.
    static func atoi(_ text: String) -> Int? {
        parseInt64(text).map { Int($0) }
    }

    // MARK: - Positions

    private var pairLocation: SourceLocation {
        span(pairStart, position)
    }

    private func span(_ start: Int, _ end: Int) -> SourceLocation {
        SourceLocation(file: expression.sourceName,
                       span: Span(start: Mark(line: expression.argument, column: start + 1),
                                  end: Mark(line: expression.argument, column: max(start, end) + 1)))
    }

    private func fail(_ problem: String, at offset: Int) -> Stop {
        .failure(problem: problem, offset: offset)
    }

    private func mismatch(_ key: String, _ node: ValuesNode, expected: String, at offset: Int) -> Stop {
        fail("unable to parse key: \(quoted(key)) is \(StrvalsParser.kindName(node)), not \(expected)", at: offset)
    }

    static func kindName(_ node: ValuesNode) -> String {
        switch node.content {
        case .map: return "a map"
        case .list: return "a list"
        case .scalar(.null): return "null"
        case .scalar(.bool): return "a boolean"
        case .scalar(.int), .scalar(.float): return "a number"
        case .scalar(.string): return "a string"
        }
    }

    private func quoted(_ text: String) -> String {
        var out = ""
        ValuesNode.writeJSONString(text, into: &out)
        return out
    }
}

/// Reads one action's pipeline into the references it uses. Only the
/// functions that move values around matter; everything else passes its
/// arguments through.
struct TemplateExpression {
    struct Result {
        var contributions: [Contribution] = []
        /// The value the pipeline evaluates to, when that is a single reference
        /// (`with` and `range` rebind the dot to it).
        var primary: ValueReference = .unknown
        /// `nindent N` / `indent N`: where inserted YAML text starts.
        var indentation: Indentation?
        /// `include`/`template` calls, for helper expansion.
        var helperCalls: [(name: String, context: ValueReference)] = []
        /// The operand's text when it is a string or number literal (dict keys, index keys).
        var literal: String?
        /// `dict "k" v` and `set $d "k" v` entries built anywhere in the pipeline, with what flows into each.
        var dictEntries: [(key: String, contributions: [Contribution])] = []
        /// Variables a `set` changed in place: what they stood for, and what they stand for now,
        /// for the rest of the template (Go's `set` mutates the dict the variable holds).
        var filled: [Fill] = []
    }

    struct Fill {
        var variable: String
        var from: ValueReference
        var to: ValueReference
    }

    enum Indentation: Equatable {
        case newline(Int)
        case inline(Int)
    }

    /// The bindings visible to an expression.
    struct Scope {
        var dot: ValueReference
        var variables: [String: ValueReference]
        /// Everything that flowed into a variable (`$port := default .a .b`
        /// keeps `.a` as well as `.b`), used where the variable is written whole.
        var carried: [String: [Contribution]] = [:]
    }

    static let conditionFunctions: Set<String> = [
        "and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "empty", "hasKey", "contains", "hasPrefix",
        "hasSuffix", "semverCompare", "kindIs", "typeIs", "regexMatch",
    ]
    /// Functions that return (part of) their first argument's collection.
    static let collectionFunctions: Set<String> = [
        "omit", "pick", "deepCopy", "mustDeepCopy", "without", "compact", "uniq", "sortAlpha", "reverse",
    ]
    /// Merges: the first argument's keys win (`mergeOverwrite`: the last's).
    static let mergeFunctions: Set<String> = ["merge", "mustMerge", "mergeOverwrite", "mustMergeOverwrite"]
    /// Functions whose output is computed from the input's text or number.
    static let transformFunctions: Set<String> = [
        "add1", "add", "sub", "mul", "div", "mod", "max", "min", "upper", "lower", "title", "b64enc", "ceil", "floor", "round",
    ]
    static let subtreeFunctions: Set<String> = ["toYaml", "toJson", "toPrettyJson", "toRawJson", "mustToYaml", "mustToJson"]

    let scope: Scope

    func evaluate(_ tokens: ArraySlice<TemplateToken>) -> Result {
        var result = Result()
        var input: Result?
        for command in Self.split(tokens, on: .pipe) {
            let evaluated = evaluateCommand(command, input: input)
            input = evaluated
            result.helperCalls += evaluated.helperCalls
            result.dictEntries += evaluated.dictEntries
            result.filled += evaluated.filled
            if let indentation = evaluated.indentation { result.indentation = indentation }
        }
        if let input {
            result.contributions = input.contributions
            result.primary = input.primary
        }
        return result
    }

    private func evaluateCommand(_ command: [TemplateToken], input: Result?) -> Result {
        guard let first = command.first else { return input ?? Result() }
        var arguments = operands(command.dropFirst())
        guard case .identifier(let function) = first else {
            // A bare operand, possibly the start of the pipeline.
            return operands(command[...]).first ?? Result()
        }
        if let input { arguments.append(input) }
        var result = Result()
        result.helperCalls = arguments.flatMap(\.helperCalls)
        result.dictEntries = arguments.flatMap(\.dictEntries)
        result.filled = arguments.flatMap(\.filled)
        switch function {
        case "include", "template":
            let name = Self.stringLiteral(command.dropFirst().first)
            let context = arguments.count > 1 ? arguments[1].primary : scope.dot
            if let name {
                let reference = ValueReference.helper(name, context)
                result.contributions = [Contribution(reference: reference, role: .output, isSubtree: false)]
                result.primary = reference
                result.helperCalls.append((name, context))
            }
        case _ where Self.subtreeFunctions.contains(function):
            result.contributions = arguments.flatMap(\.contributions).map {
                var contribution = $0
                contribution.isSubtree = true
                return contribution
            }
            result.primary = arguments.last?.primary ?? .unknown
        case "nindent", "indent":
            let count = Int(Self.numberLiteral(command.dropFirst().first) ?? "") ?? 0
            result.indentation = function == "nindent" ? .newline(count) : .inline(count)
            result.contributions = input?.contributions ?? []
            result.primary = input?.primary ?? .unknown
        case "default":
            // default FALLBACK VALUE: the value wins unless it is empty.
            if arguments.count >= 2 {
                result.contributions = arguments[1...].flatMap(\.contributions)
                    + arguments[0].contributions.map { Contribution(reference: $0.reference, role: .fallback, isSubtree: $0.isSubtree) }
                result.primary = arguments.last!.primary
            } else {
                result.contributions = arguments.flatMap(\.contributions)
            }
        case _ where Self.collectionFunctions.contains(function):
            result.contributions = arguments.first?.contributions ?? []
            result.primary = arguments.first?.primary ?? .unknown
        case "required":
            result.contributions = arguments.dropFirst().flatMap(\.contributions)
            result.primary = arguments.last?.primary ?? .unknown
        case "tpl":
            result.contributions = arguments.first?.contributions ?? []
            result.primary = arguments.first?.primary ?? .unknown
        case "index", "get":
            if let base = arguments.first {
                var reference = base.primary
                var selectors: [Contribution] = []
                for key in arguments.dropFirst() {
                    if let literal = key.literal {
                        reference = reference.appending([literal])
                    } else if case .values(let path) = reference {
                        // A key computed from values (`index .Values.ports .Values.entryPoint`):
                        // some element of the map; the rendered value tells which.
                        reference = .values(path + [.any])
                        selectors += key.contributions.map { Contribution(reference: $0.reference, role: .condition, isSubtree: false) }
                    } else {
                        reference = .unknown
                        break
                    }
                }
                result.contributions = [Contribution(reference: reference, role: .output, isSubtree: false)] + selectors
                result.primary = reference
            }
        case "dig":
            // dig "a" "b" DEFAULT MAP: the map's a.b, else the default.
            if arguments.count >= 3 {
                var reference = arguments[arguments.count - 1].primary
                for key in arguments.dropLast(2) {
                    guard let literal = key.literal else { reference = .unknown; break }
                    reference = reference.appending([literal])
                }
                result.contributions = [Contribution(reference: reference, role: .output, isSubtree: false)]
                    + arguments[arguments.count - 2].contributions.map { Contribution(reference: $0.reference, role: .fallback, isSubtree: $0.isSubtree) }
                result.primary = reference
            }
        case "dict":
            var entries: [String: ValueReference] = [:]
            var known = true
            var index = 0
            while index + 1 < arguments.count {
                if let key = arguments[index].literal { entries[key] = arguments[index + 1].primary } else { known = false }
                index += 2
            }
            result.contributions = arguments.flatMap(\.contributions)
            result.primary = known ? .dict(entries) : .unknown
            index = 0
            while index + 1 < arguments.count {
                if let key = arguments[index].literal { result.dictEntries.append((key, arguments[index + 1].contributions)) }
                index += 2
            }
        case "set":
            // set $dict "key" value: an entry of a dict built in the template.
            if arguments.count == 3, let key = arguments[1].literal {
                result.dictEntries.append((key, arguments[2].contributions))
            }
            if arguments.count == 3, case .variable(let name)? = command.dropFirst().first {
                let base = arguments[0].primary
                if case .valuesKey(let keyPath) = arguments[1].primary, case .values(let elementPath) = arguments[2].primary,
                   keyPath == elementPath, elementPath.last == .any {
                    // `range $k, $v := .Values.m` ... `set $d $k $v`: $d holds entries of .Values.m.
                    result.filled.append(Fill(variable: name, from: .dict([:]), to: .values(Array(elementPath.dropLast()))))
                } else if let key = arguments[1].literal, case .values = base {
                    // `set $services "default" .Values.service` on a values map: one more entry, named.
                    result.filled.append(Fill(variable: name, from: base, to: .merged([.dict([key: arguments[2].primary]), base])))
                }
            }
            result.primary = arguments.first?.primary ?? .unknown
        case "list", "tuple":
            result.contributions = arguments.flatMap(\.contributions)
            result.primary = .list(arguments.map(\.primary))
        case _ where Self.mergeFunctions.contains(function):
            result.contributions = arguments.flatMap(\.contributions)
            let parts = arguments.map(\.primary)
            result.primary = .merged(function.hasSuffix("Overwrite") ? parts.reversed() : parts)
        case "ternary":
            if arguments.count >= 3 {
                result.contributions = arguments[0].contributions + arguments[1].contributions
                    + arguments[2...].flatMap(\.contributions).map { Contribution(reference: $0.reference, role: .condition, isSubtree: false) }
                // `ternary .value (.value | toYaml) cond`: the same value either way.
                if arguments[0].primary == arguments[1].primary { result.primary = arguments[0].primary }
            }
        case _ where Self.transformFunctions.contains(function):
            result.contributions = arguments.flatMap(\.contributions).map {
                var contribution = $0
                contribution.isTransformed = true
                return contribution
            }
        case _ where Self.conditionFunctions.contains(function):
            let negates = function == "not" || function == "empty"
            result.contributions = arguments.flatMap(\.contributions).map {
                var contribution = Contribution(reference: $0.reference, role: .condition, isSubtree: false)
                contribution.isNegated = negates != $0.isNegated
                return contribution
            }
        default:
            // quote, trunc, printf, replace, int, upper, ...: the arguments flow into the output.
            result.contributions = arguments.flatMap(\.contributions)
            if arguments.count == 1 || (input != nil && !["printf", "print", "cat", "join", "list", "dict"].contains(function)) {
                result.primary = arguments.last?.primary ?? .unknown
            }
        }
        return result
    }

    /// The operands of a command: fields, variables, literals, and
    /// parenthesised pipelines.
    private func operands(_ tokens: ArraySlice<TemplateToken>) -> [Result] {
        var results: [Result] = []
        var index = tokens.startIndex
        while index < tokens.endIndex {
            switch tokens[index] {
            case .field(let text):
                let reference = resolve(field: text)
                results.append(Result(contributions: [Contribution(reference: reference, role: .output, isSubtree: false)],
                                      primary: reference))
                index += 1
            case .variable(let text):
                let reference = resolve(variable: text)
                let contributions = scope.carried[text].map { $0.isEmpty ? [Contribution(reference: reference, role: .output, isSubtree: false)] : $0 }
                    ?? [Contribution(reference: reference, role: .output, isSubtree: false)]
                results.append(Result(contributions: contributions, primary: reference))
                index += 1
            case .open:
                var depth = 1
                var end = index + 1
                while end < tokens.endIndex, depth > 0 {
                    if tokens[end] == .open { depth += 1 }
                    if tokens[end] == .close { depth -= 1 }
                    end += 1
                }
                let inner = tokens[(index + 1)..<max(index + 1, end - 1)]
                var evaluated = evaluate(inner)
                // (pipeline).field
                if end < tokens.endIndex, case .chainedField(let text) = tokens[end] {
                    evaluated.primary = evaluated.primary.appending(Self.fields(text))
                    evaluated.contributions = [Contribution(reference: evaluated.primary, role: .output, isSubtree: false)]
                    end += 1
                }
                results.append(evaluated)
                index = end
            case .string(let text), .number(let text):
                results.append(Result(literal: text))
                index += 1
            default:
                results.append(Result())
                index += 1
            }
        }
        return results
    }

    func resolve(field text: String) -> ValueReference {
        if text == "." { return scope.dot }
        return scope.dot.appending(Self.fields(text))
    }

    func resolve(variable text: String) -> ValueReference {
        let parts = text.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
        guard let name = parts.first else { return .unknown }
        let base: ValueReference = scope.variables[name] ?? (name == "$" ? scope.dot : .unknown)
        return base.appending(Array(parts.dropFirst()))
    }

    static func fields(_ text: String) -> [String] {
        text.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
    }

    static func split(_ tokens: ArraySlice<TemplateToken>, on separator: TemplateToken) -> [[TemplateToken]] {
        var parts: [[TemplateToken]] = [[]]
        var depth = 0
        for token in tokens {
            if token == .open { depth += 1 }
            if token == .close { depth -= 1 }
            if token == separator, depth == 0 {
                parts.append([])
            } else {
                parts[parts.count - 1].append(token)
            }
        }
        return parts.filter { !$0.isEmpty }
    }

    static func stringLiteral(_ token: TemplateToken?) -> String? {
        if case .string(let text)? = token { return text }
        return nil
    }

    static func numberLiteral(_ token: TemplateToken?) -> String? {
        if case .number(let text)? = token { return text }
        return nil
    }
}

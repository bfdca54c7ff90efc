/// Writes documents back as the event lines of the YAML test suite
/// (`+STR`, `+DOC ---`, `=VAL :text`, ...). The tree must keep everything
/// these lines show, so comparing them with the suite proves nothing was lost
/// between libyaml's events and the model.
public enum EventLines {
    public static func stream(_ documents: [YAMLDocument]) -> String {
        var lines = ["+STR"]
        for document in documents { append(document, to: &lines) }
        lines.append("-STR")
        return lines.joined(separator: "\n") + "\n"
    }

    public static func append(_ document: YAMLDocument, to lines: inout [String]) {
        lines.append(document.explicitStart ? "+DOC ---" : "+DOC")
        if let root = document.root {
            // An explicit stack: the depth is bounded by the parse limits, but
            // nothing here should depend on that.
            enum Step { case enter(NodeID), exit(NodeKind) }
            var steps: [Step] = [.enter(root)]
            while let step = steps.popLast() {
                switch step {
                case .exit(let kind):
                    lines.append(kind == .mapping ? "-MAP" : "-SEQ")
                case .enter(let id):
                    let kind = document.kind(id)
                    switch kind {
                    case .alias:
                        lines.append("=ALI *" + (document.anchor(id) ?? ""))
                    case .scalar:
                        lines.append("=VAL" + properties(document, id) + " " + styleMark(document.scalarStyle(id))
                                     + escape(document.text(id)))
                    case .mapping, .sequence:
                        var line = kind == .mapping ? "+MAP" : "+SEQ"
                        if document.collectionStyle(id) == .flow { line += kind == .mapping ? " {}" : " []" }
                        lines.append(line + properties(document, id))
                        steps.append(.exit(kind))
                        if kind == .mapping {
                            let keys = document.keys(id), values = document.values(id)
                            for index in stride(from: keys.count - 1, through: 0, by: -1) {
                                steps.append(.enter(values[index]))
                                steps.append(.enter(keys[index]))
                            }
                        } else {
                            for item in document.items(id).reversed() { steps.append(.enter(item)) }
                        }
                    }
                }
            }
        }
        lines.append(document.explicitEnd ? "-DOC ..." : "-DOC")
    }

    private static func properties(_ document: YAMLDocument, _ id: NodeID) -> String {
        var text = ""
        if let anchor = document.anchor(id) { text += " &" + anchor }
        if let tag = document.tag(id) { text += " <" + tag + ">" }
        return text
    }

    private static func styleMark(_ style: ScalarStyle) -> String {
        switch style {
        case .plain: return ":"
        case .singleQuoted: return "'"
        case .doubleQuoted: return "\""
        case .literal: return "|"
        case .folded: return ">"
        }
    }

    /// Backslash escapes for a one-line field: `\\`, `\0`, `\b`, `\n`, `\r`, `\t`
    /// (the yaml-test-suite's event lines; the measurement cache's fields too).
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\0": result += "\\0"
            case "\u{08}": result += "\\b"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

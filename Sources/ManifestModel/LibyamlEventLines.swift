internal import CYaml

extension EventLines {
    /// libyaml's own events for an input, written as event lines with no tree
    /// in between: the baseline the model's `stream` output is compared with.
    public static func libyaml(_ source: InputSource) throws(YAMLError) -> String {
        // Straight from libyaml's events, with no tree in between.
        let parser = try LibyamlEventReader(source)
        return try parser.readAll()
    }
}

private final class LibyamlEventReader {
    private let source: InputSource
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: [UInt8]

    init(_ source: InputSource) throws(YAMLError) {
        self.source = source
        switch source {
        case .bytes(let bytes, _):
            input = bytes
        case .file(let path):
            guard let bytes = readWholeFile(path) else {
                throw YAMLError(stage: .io, problem: "cannot read", location: SourceLocation(file: path, line: 1, column: 1))
            }
            input = bytes
        case .standardInput:
            throw YAMLError(stage: .io, problem: "standard input is not supported here",
                            location: SourceLocation(file: "<stdin>", line: 1, column: 1))
        }
        parser = .allocate(capacity: 1)
        yaml_parser_initialize(parser)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    func readAll() throws(YAMLError) -> String {
        var lines: [String] = []
        let ok: Bool = input.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(parser, buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, buffer.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(parser, &event) == 1 else { return false }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_START_EVENT: lines.append("+STR")
                case YAML_STREAM_END_EVENT: lines.append("-STR"); return true
                case YAML_DOCUMENT_START_EVENT:
                    lines.append(event.data.document_start.implicit == 0 ? "+DOC ---" : "+DOC")
                case YAML_DOCUMENT_END_EVENT:
                    lines.append(event.data.document_end.implicit == 0 ? "-DOC ..." : "-DOC")
                case YAML_MAPPING_START_EVENT:
                    let data = event.data.mapping_start
                    lines.append("+MAP" + (data.style == YAML_FLOW_MAPPING_STYLE ? " {}" : "")
                                 + properties(data.anchor, data.tag))
                case YAML_SEQUENCE_START_EVENT:
                    let data = event.data.sequence_start
                    lines.append("+SEQ" + (data.style == YAML_FLOW_SEQUENCE_STYLE ? " []" : "")
                                 + properties(data.anchor, data.tag))
                case YAML_MAPPING_END_EVENT: lines.append("-MAP")
                case YAML_SEQUENCE_END_EVENT: lines.append("-SEQ")
                case YAML_ALIAS_EVENT:
                    lines.append("=ALI *" + String(cString: event.data.alias.anchor))
                case YAML_SCALAR_EVENT:
                    let data = event.data.scalar
                    let mark: String
                    switch data.style {
                    case YAML_SINGLE_QUOTED_SCALAR_STYLE: mark = "'"
                    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: mark = "\""
                    case YAML_LITERAL_SCALAR_STYLE: mark = "|"
                    case YAML_FOLDED_SCALAR_STYLE: mark = ">"
                    default: mark = ":"
                    }
                    let value = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
                    lines.append("=VAL" + properties(data.anchor, data.tag) + " " + mark + EventLines.escape(value))
                default: break
                }
            }
        }
        guard ok else {
            let problem = parser.pointee.problem.map { String(cString: $0) } ?? "libyaml error"
            let mark = parser.pointee.problem_mark
            throw YAMLError(stage: .parser, problem: problem,
                            location: SourceLocation(file: source.displayName, line: mark.line + 1, column: mark.column + 1))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func properties(_ anchor: UnsafeMutablePointer<yaml_char_t>?, _ tag: UnsafeMutablePointer<yaml_char_t>?) -> String {
        var text = ""
        if let anchor { text += " &" + String(cString: anchor) }
        if let tag { text += " <" + String(cString: tag) + ">" }
        return text
    }
}

/// Splits a Helm template into its text and its `{{ ... }}` actions, with
/// the line and column where each action starts. Comments are dropped.
/// The templates are only read: nothing here evaluates them.
struct TemplateLexer {
    struct Action {
        var text: String
        var line: Int
        var column: Int
        var trimsLeft: Bool
        /// Tokenized once here: a helper's lines are read again for every
        /// context it is called with.
        var tokens: [TemplateToken]

        init(text: String, line: Int, column: Int, trimsLeft: Bool) {
            self.text = text
            self.line = line
            self.column = column
            self.trimsLeft = trimsLeft
            self.tokens = TemplateToken.tokenize(text)
        }
    }

    /// One physical line: its text with every action replaced by a marker
    /// character, and the actions that start on it.
    struct Line {
        var number: Int
        var masked: [Character]
        var actions: [Action]
        /// The line's YAML shape, worked out once for every reading of it.
        var shape = LineShape([])
    }

    static let marker: Character = "\u{1}"

    static func lines(of text: String) -> [Line] {
        var text = text
        // Templates are nearly always ASCII, where a byte is a Character and
        // a column: read them as bytes (a third of a small chart's check went
        // into splitting Characters here).
        var lines = text.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } ? asciiLines(of: bytes) : nil }
            ?? characterLines(of: text)
        for index in lines.indices { lines[index].shape = LineShape(lines[index].masked) }
        return lines
    }

    /// The reading by bytes of ASCII text: the same lines, actions and
    /// columns as `characterLines`.
    static func asciiLines(of bytes: UnsafeBufferPointer<UInt8>) -> [Line] {
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}"), dash = UInt8(ascii: "-")
        let newlineByte = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        var lines: [Line] = [Line(number: 1, masked: [], actions: [])]
        var index = 0
        var line = 1
        var column = 1
        func newline() {
            line += 1
            column = 1
            lines.append(Line(number: line, masked: [], actions: []))
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == open, index + 1 < bytes.count, bytes[index + 1] == open {
                let startLine = line, startColumn = column
                var cursor = index + 2
                var trimsLeft = false
                if cursor < bytes.count, bytes[cursor] == dash { trimsLeft = true; cursor += 1 }
                var end = cursor
                while end + 1 < bytes.count, !(bytes[end] == close && bytes[end + 1] == close) { end += 1 }
                var bodyEnd = end
                if bodyEnd > cursor, bytes[bodyEnd - 1] == dash { bodyEnd -= 1 }
                let body = String(decoding: UnsafeBufferPointer(rebasing: bytes[min(cursor, bytes.count)..<max(min(bodyEnd, bytes.count), min(cursor, bytes.count))]), as: UTF8.self)
                    .trimmingCharacters(in: " \t\r\n")
                if !body.hasPrefix("/*") {
                    lines[lines.count - 1].actions.append(Action(text: body, line: startLine, column: startColumn, trimsLeft: trimsLeft))
                }
                let stop = min(end + 2, bytes.count)
                while index < stop {
                    if bytes[index] == newlineByte { newline() } else if bytes[index] == carriageReturn,
                        index + 1 < bytes.count, bytes[index + 1] == newlineByte {
                        // "\r\n" is one Character: one line break, no column.
                    } else {
                        lines[lines.count - 1].masked.append(marker)
                        column += 1
                    }
                    index += 1
                }
                continue
            }
            if byte == newlineByte {
                newline()
            } else if byte != carriageReturn {
                lines[lines.count - 1].masked.append(Character(Unicode.Scalar(byte)))
                column += 1
            }
            index += 1
        }
        return lines
    }

    /// The reading by Characters, for text that is not all ASCII.
    static func characterLines(of text: String) -> [Line] {
        let characters = Array(text)
        var lines: [Line] = [Line(number: 1, masked: [], actions: [])]
        var index = 0
        var line = 1
        var column = 1
        func newline() {
            line += 1
            column = 1
            lines.append(Line(number: line, masked: [], actions: []))
        }
        while index < characters.count {
            let character = characters[index]
            if character == "{", index + 1 < characters.count, characters[index + 1] == "{" {
                let startLine = line, startColumn = column
                var cursor = index + 2
                var trimsLeft = false
                if cursor < characters.count, characters[cursor] == "-" { trimsLeft = true; cursor += 1 }
                var end = cursor
                while end + 1 < characters.count, !(characters[end] == "}" && characters[end + 1] == "}") { end += 1 }
                var bodyEnd = end
                if bodyEnd > cursor, characters[bodyEnd - 1] == "-" { bodyEnd -= 1 }
                let body = String(characters[cursor..<min(bodyEnd, characters.count)])
                    .trimmingCharacters(in: " \t\r\n")
                if !body.hasPrefix("/*") {
                    lines[lines.count - 1].actions.append(Action(text: body, line: startLine, column: startColumn, trimsLeft: trimsLeft))
                }
                let stop = min(end + 2, characters.count)
                while index < stop {
                    if characters[index] == "\n" || characters[index] == "\r\n" { newline() } else {
                        lines[lines.count - 1].masked.append(marker)
                        column += 1
                    }
                    index += 1
                }
                continue
            }
            if character == "\n" || character == "\r\n" {
                newline()
            } else if character != "\r" {
                lines[lines.count - 1].masked.append(character)
                column += 1
            }
            index += 1
        }
        return lines
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, set.contains(last) { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

/// Tokens of one action's body: the subset of Go template syntax that decides
/// which values reach which output.
enum TemplateToken: Equatable {
    case identifier(String)   // functions and keywords: include, default, if, range
    case field(String)        // .Values.a.b, .name, . (as ".")
    case chainedField(String) // .a.b right after a closing parenthesis: (pipeline).a.b
    case variable(String)     // $, $name, $name.a.b
    case string(String)
    case number(String)
    case pipe
    case open
    case close
    case declare              // :=
    case assign               // =
    case comma

    static func tokenize(_ text: String) -> [TemplateToken] {
        let characters = Array(text)
        var tokens: [TemplateToken] = []
        var index = 0
        func isName(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        while index < characters.count {
            let c = characters[index]
            switch c {
            case " ", "\t", "\n", "\r":
                index += 1
            case "|":
                tokens.append(.pipe); index += 1
            case "(":
                tokens.append(.open); index += 1
            case ")":
                tokens.append(.close); index += 1
                // A field access after a parenthesised pipeline: (.Values.a).b
                if index < characters.count, characters[index] == "." {
                    var end = index
                    while end < characters.count, characters[end] == "." || isName(characters[end]) { end += 1 }
                    tokens.append(.chainedField(String(characters[index..<end])))
                    index = end
                }
            case ",":
                tokens.append(.comma); index += 1
            case ":":
                if index + 1 < characters.count, characters[index + 1] == "=" { tokens.append(.declare); index += 2 } else { index += 1 }
            case "=":
                tokens.append(.assign); index += 1
            case "\"", "`":
                var end = index + 1
                var value = ""
                while end < characters.count, characters[end] != c {
                    if c == "\"", characters[end] == "\\", end + 1 < characters.count {
                        value.append(characters[end + 1]); end += 2; continue
                    }
                    value.append(characters[end]); end += 1
                }
                tokens.append(.string(value))
                index = min(end + 1, characters.count)
            case "'":
                var end = index + 1
                while end < characters.count, characters[end] != "'" { end += 1 }
                tokens.append(.number(String(characters[(index + 1)..<min(end, characters.count)])))
                index = min(end + 1, characters.count)
            case ".":
                var end = index + 1
                while end < characters.count, characters[end] == "." || isName(characters[end]) { end += 1 }
                tokens.append(.field(String(characters[index..<end])))
                index = end
            case "$":
                var end = index + 1
                while end < characters.count, characters[end] == "." || isName(characters[end]) { end += 1 }
                tokens.append(.variable(String(characters[index..<end])))
                index = end
            default:
                if c.isNumber || c == "-" || c == "+" {
                    var end = index + 1
                    while end < characters.count, isName(characters[end]) || characters[end] == "." { end += 1 }
                    tokens.append(.number(String(characters[index..<end])))
                    index = end
                } else if isName(c) {
                    var end = index + 1
                    while end < characters.count, isName(characters[end]) || characters[end] == "." { end += 1 }
                    tokens.append(.identifier(String(characters[index..<end])))
                    index = end
                } else {
                    index += 1
                }
            }
        }
        return tokens
    }
}

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
        var masked: String
        var actions: [Action]
        /// The line's YAML shape, worked out once for every reading of it.
        var shape: LineShape
    }

    static let marker: Character = "\u{1}"

    static func lines(of text: String) -> [Line] {
        var text = text
        // Templates are nearly always ASCII, where a byte is a Character and
        // a column: read them as bytes (a third of a small chart's check went
        // into splitting Characters here).
        return text.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } ? asciiLines(of: bytes) : nil }
            ?? characterLines(of: text)
    }

    /// The reading by bytes of ASCII text, where a byte is a Character.
    static func asciiLines(of bytes: UnsafeBufferPointer<UInt8>) -> [Line] {
        lex(bytes) { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
    }

    /// The reading by Characters, for text that is not all ASCII.
    static func characterLines(of text: String) -> [Line] {
        let characters = Array(text)
        return lex(characters) { String(characters[$0]) }
    }

    /// Both readings, over Characters or ASCII bytes; `text` gives the text
    /// of a range of them. A line breaks at "\n" and at "\r\n" (one
    /// Character, or two bytes); any other "\r" outside an action is dropped.
    private static func lex<Units: RandomAccessCollection>(_ units: Units, text: (Range<Int>) -> String) -> [Line]
    where Units.Element: LexUnit, Units.Index == Int {
        let count = units.count
        func unit(_ index: Int) -> Units.Element { units[units.startIndex + index] }
        // The line being read is built apart from the finished ones, so each
        // character is one append to a buffer of its own, not a write through
        // the array of lines.
        var lines: [Line] = []
        var masked: [Units.Element] = []
        var actions: [Action] = []
        var index = 0
        var line = 1
        var column = 1
        func finishLine() {
            lines.append(Line(number: line, masked: Units.Element.string(masked[...]), actions: actions, shape: LineShape(masked)))
            masked.removeAll(keepingCapacity: true)
            actions.removeAll()
        }
        func newline() {
            finishLine()
            line += 1
            column = 1
        }
        while index < count {
            if column == 1 {
                // Most lines of a chart (all of a CRD) hold no action: copied whole.
                var end = index
                while end < count, !unit(end).isLineBreak, unit(end) != .open, unit(end) != .carriageReturn { end += 1 }
                if end > index {
                    masked.append(contentsOf: units[(units.startIndex + index)..<(units.startIndex + end)])
                    column += end - index
                    index = end
                    if index == count { break }
                }
            }
            let character = unit(index)
            if character == .open, index + 1 < count, unit(index + 1) == .open {
                let startLine = line, startColumn = column
                var cursor = index + 2
                var trimsLeft = false
                if cursor < count, unit(cursor) == .dash { trimsLeft = true; cursor += 1 }
                var end = cursor
                while end + 1 < count, !(unit(end) == .close && unit(end + 1) == .close) { end += 1 }
                var bodyEnd = end
                if bodyEnd > cursor, unit(bodyEnd - 1) == .dash { bodyEnd -= 1 }
                let lower = min(cursor, count)
                let body = text(lower..<max(min(bodyEnd, count), lower)).trimmingCharacters(in: " \t\r\n")
                if !body.hasPrefix("/*") {
                    actions.append(Action(text: body, line: startLine, column: startColumn, trimsLeft: trimsLeft))
                }
                let stop = min(end + 2, count)
                while index < stop {
                    let inside = unit(index)
                    if inside.isLineBreak {
                        newline()
                    } else if !(inside == .carriageReturn && index + 1 < count && unit(index + 1) == .lineFeed) {
                        masked.append(.marker)
                        column += 1
                    }
                    index += 1
                }
                continue
            }
            if character.isLineBreak {
                newline()
            } else if character != .carriageReturn {
                masked.append(character)
                column += 1
            }
            index += 1
        }
        finishLine()
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
        var text = text
        // Actions are nearly always ASCII: tokenized as bytes, as the lines are.
        return text.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } ? tokenize(Array(bytes)) : nil }
            ?? tokenize(Array(text))
    }

    static func tokenize<Unit: LexUnit>(_ units: [Unit]) -> [TemplateToken] {
        let space = Unit.ascii(" "), tab = Unit.ascii("\t"), pipe = Unit.ascii("|"), open = Unit.ascii("("), close = Unit.ascii(")")
        let comma = Unit.ascii(","), colon = Unit.ascii(":"), equals = Unit.ascii("="), double = Unit.ascii("\""), backtick = Unit.ascii("`")
        let single = Unit.ascii("'"), dot = Unit.ascii("."), dollar = Unit.ascii("$"), backslash = Unit.ascii("\\")
        let minus = Unit.ascii("-"), plus = Unit.ascii("+")
        var tokens: [TemplateToken] = []
        var index = 0
        func name(from start: Int) -> Int {
            var end = start
            while end < units.count, units[end] == dot || units[end].isNameUnit { end += 1 }
            return end
        }
        while index < units.count {
            let c = units[index]
            if c == space || c == tab || c == Unit.carriageReturn || c.isLineBreak {
                index += 1
            } else if c == pipe {
                tokens.append(.pipe); index += 1
            } else if c == open {
                tokens.append(.open); index += 1
            } else if c == close {
                tokens.append(.close); index += 1
                // A field access after a parenthesised pipeline: (.Values.a).b
                if index < units.count, units[index] == dot {
                    let end = name(from: index)
                    tokens.append(.chainedField(Unit.string(units[index..<end])))
                    index = end
                }
            } else if c == comma {
                tokens.append(.comma); index += 1
            } else if c == colon {
                if index + 1 < units.count, units[index + 1] == equals { tokens.append(.declare); index += 2 } else { index += 1 }
            } else if c == equals {
                tokens.append(.assign); index += 1
            } else if c == double || c == backtick {
                var end = index + 1
                var value: [Unit] = []
                while end < units.count, units[end] != c {
                    if c == double, units[end] == backslash, end + 1 < units.count {
                        value.append(units[end + 1]); end += 2; continue
                    }
                    value.append(units[end]); end += 1
                }
                tokens.append(.string(Unit.string(value[...])))
                index = min(end + 1, units.count)
            } else if c == single {
                var end = index + 1
                while end < units.count, units[end] != single { end += 1 }
                tokens.append(.number(Unit.string(units[(index + 1)..<min(end, units.count)])))
                index = min(end + 1, units.count)
            } else if c == dot {
                let end = name(from: index + 1)
                tokens.append(.field(Unit.string(units[index..<end])))
                index = end
            } else if c == dollar {
                let end = name(from: index + 1)
                tokens.append(.variable(Unit.string(units[index..<end])))
                index = end
            } else if c.isDigitUnit || c == minus || c == plus {
                let end = name(from: index + 1)
                tokens.append(.number(Unit.string(units[index..<end])))
                index = end
            } else if c.isNameUnit {
                let end = name(from: index + 1)
                tokens.append(.identifier(Unit.string(units[index..<end])))
                index = end
            } else {
                index += 1
            }
        }
        return tokens
    }
}

/// What the lexer reads a template as: Characters, or the bytes of ASCII text.
protocol LexUnit: Equatable {
    static var open: Self { get }
    static var close: Self { get }
    static var dash: Self { get }
    static var lineFeed: Self { get }
    static var carriageReturn: Self { get }
    /// What stands in for an action in a line's masked text.
    static var marker: Self { get }
    var isLineBreak: Bool { get }
    /// A letter, a digit or `_`: part of a name in an action.
    var isNameUnit: Bool { get }
    var isDigitUnit: Bool { get }
    static func ascii(_ character: Unicode.Scalar) -> Self
    static func string(_ units: ArraySlice<Self>) -> String
}

extension UInt8: LexUnit {
    static var open: UInt8 { UInt8(ascii: "{") }
    static var close: UInt8 { UInt8(ascii: "}") }
    static var dash: UInt8 { UInt8(ascii: "-") }
    static var lineFeed: UInt8 { UInt8(ascii: "\n") }
    static var carriageReturn: UInt8 { UInt8(ascii: "\r") }
    static var marker: UInt8 { 0x01 }
    var isLineBreak: Bool { self == Self.lineFeed }
    var isNameUnit: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
            || isDigitUnit || self == UInt8(ascii: "_")
    }
    var isDigitUnit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    static func ascii(_ character: Unicode.Scalar) -> UInt8 { UInt8(character.value) }
    static func string(_ units: ArraySlice<UInt8>) -> String { String(decoding: units, as: UTF8.self) }
}

extension Character: LexUnit {
    static var open: Character { "{" }
    static var close: Character { "}" }
    static var dash: Character { "-" }
    static var lineFeed: Character { "\n" }
    static var carriageReturn: Character { "\r" }
    static var marker: Character { TemplateLexer.marker }
    var isLineBreak: Bool { self == "\n" || self == "\r\n" }
    var isNameUnit: Bool { isLetter || isNumber || self == "_" }
    var isDigitUnit: Bool { isNumber }
    static func ascii(_ character: Unicode.Scalar) -> Character { Character(character) }
    static func string(_ units: ArraySlice<Character>) -> String { String(units) }
}

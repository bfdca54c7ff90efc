/// A position in an input, 1-based in both directions. Columns count Unicode
/// scalars, the unit libyaml counts in, so they match what editors show for
/// UTF-8 text. Conversion from libyaml's 0-based marks happens once, at the C
/// boundary.
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: Mark, rhs: Mark) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// Where a node sits: its first character and the position just after its last.
public struct Span: Sendable, Hashable {
    public var start: Mark
    public var end: Mark

    public init(start: Mark, end: Mark) {
        self.start = start
        self.end = end
    }
}

/// A span in a named input (a file path, or `-`/`<stdin>` for standard input).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var file: String
    public var span: Span

    public init(file: String, span: Span) {
        self.file = file
        self.span = span
    }

    public init(file: String, line: Int, column: Int) {
        let mark = Mark(line: line, column: column)
        self.init(file: file, span: Span(start: mark, end: mark))
    }

    public var line: Int { span.start.line }
    public var column: Int { span.start.column }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.span.start, lhs.span.end) < (rhs.file, rhs.span.start, rhs.span.end)
    }

    public var description: String { "\(file):\(span.start.line):\(span.start.column)" }
}

/// A value together with the place in the input it was read from.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}

/// A libyaml mark converted once, at the C boundary, to 1-based line and
/// column in the arena's 32-bit form.
struct ArenaMark {
    var line: Int32
    var column: Int32

    var mark: Mark { Mark(line: Int(line), column: Int(column)) }
}

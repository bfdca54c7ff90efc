/// A fault in the input that stops reading it. Mirrors libyaml's stages and
/// adds the limits and I/O failures render-check itself enforces.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Stage: String, Sendable, Hashable {
        case io
        case reader
        case scanner
        case parser
        case limit
    }

    public var stage: Stage
    public var problem: String
    public var location: SourceLocation
    public var context: String?
    public var contextLocation: SourceLocation?

    public init(stage: Stage, problem: String, location: SourceLocation,
                context: String? = nil, contextLocation: SourceLocation? = nil) {
        self.stage = stage
        self.problem = problem
        self.location = location
        self.context = context
        self.contextLocation = contextLocation
    }

    public var description: String {
        var text = "\(location): error: \(problem)"
        if let context {
            text += " (\(context)"
            if let contextLocation {
                text += " at \(contextLocation.line):\(contextLocation.column)"
            }
            text += ")"
        }
        return text
    }
}

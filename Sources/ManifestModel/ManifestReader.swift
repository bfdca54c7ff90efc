/// Reads inputs document by document and keeps only the resources' facts;
/// each document's tree is dropped as soon as its facts are taken.
public enum ManifestReader {
    /// What one input yielded.
    public struct InputFacts: Sendable {
        public var name: String
        public var resources: [Resource] = []
        public var notices: [ManifestNotice] = []
        public var documents = 0
        /// The error that stopped reading this input, if any. Resources read
        /// before it are kept.
        public var error: YAMLError?
    }

    /// `visit` sees each document before its tree is dropped, for callers
    /// that keep more than the resource facts (ownership, blame).
    public static func read(_ source: InputSource, limits: ParseLimits = .default,
                            visit: ((YAMLDocument) -> Void)? = nil) -> InputFacts {
        var resources: [Resource] = []
        var facts = forEachResource(in: source, limits: limits, visit: visit) { resources.append($0) }
        facts.resources = resources
        return facts
    }

    /// Streams an input: `each` sees every resource in document order (the
    /// items of a `List` in item order) and nothing is kept, so memory does
    /// not grow with the input. The facts returned carry the notices, the
    /// document count and the error; their `resources` stay empty.
    public static func forEachResource(in source: InputSource, limits: ParseLimits = .default,
                                       visit: ((YAMLDocument) -> Void)? = nil,
                                       _ each: (Resource) -> Void) -> InputFacts {
        forEachView(in: source, limits: limits, visit: visit) { each($0.resource()) }
    }

    /// Streams an input as unread objects: `each` sees every resource's view
    /// in document order and decides what to build of it (`resource()`);
    /// the notices are those `read` reports.
    public static func forEachView(in source: InputSource, limits: ParseLimits = .default,
                                   visit: ((YAMLDocument) -> Void)? = nil,
                                   _ each: (ResourceView) -> Void) -> InputFacts {
        var facts = InputFacts(name: source.displayName)
        do {
            let documents = try DocumentStream(source, limits: limits)
            while let document = try documents.nextDocument() {
                facts.documents += 1
                visit?(document)
                let found = ResourceExtractor.views(in: document)
                for view in found.views { each(view) }
                facts.notices.append(contentsOf: found.notices)
            }
            if facts.documents == 0 {
                facts.notices.append(ManifestNotice(kind: .skipped, message: "no YAML documents (empty or only comments)",
                                                    location: SourceLocation(file: facts.name, line: 1, column: 1)))
            }
        } catch {
            facts.error = error
        }
        return facts
    }
}

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
        var facts = InputFacts(name: source.displayName)
        do {
            let parser = try YAMLStreamParser(source, limits: limits)
            while let document = try parser.nextDocument() {
                facts.documents += 1
                visit?(document)
                let extracted = ResourceExtractor.resources(in: document)
                facts.resources.append(contentsOf: extracted.resources)
                facts.notices.append(contentsOf: extracted.notices)
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

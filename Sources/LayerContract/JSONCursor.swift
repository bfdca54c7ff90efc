import ManifestModel

/// Typed, positioned reads over a JSON or YAML file parsed by the project's
/// own parser, so that every complaint about a contract, allowlist or
/// configuration names file:line:column.
struct JSONCursor {
    let document: YAMLDocument
    let node: NodeID
    /// Dotted path of this node, for messages.
    let path: String

    static func open(_ path: String) throws(LayerContractError) -> JSONCursor {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLStreamParser.documents(.file(path))
        } catch {
            throw LayerContractError(error)
        }
        guard let document = documents.first, let root = document.root else {
            throw LayerContractError("file is empty", at: SourceLocation(file: path, line: 1, column: 1))
        }
        guard documents.count == 1 else {
            throw LayerContractError("expected one document, found \(documents.count)", at: documents[1].location(documents[1].root ?? root))
        }
        return JSONCursor(document: document, node: document.resolved(root), path: "")
    }

    var location: SourceLocation { document.location(node) }
    var isMapping: Bool { document.kind(node) == .mapping }
    var isSequence: Bool { document.kind(node) == .sequence }
    var isNull: Bool { document.kind(node) == .scalar && document.value(node) == .null }

    func child(_ key: String) -> JSONCursor? {
        var found: JSONCursor?
        for (keyNode, value) in document.pairs(node) where document.text(keyNode) == key {
            found = JSONCursor(document: document, node: value, path: joined(key))
        }
        return found
    }

    /// Entries of a mapping in file order, with each key's position.
    func entries() -> [(key: Located<String>, value: JSONCursor)] {
        document.pairs(node).map { keyNode, value in
            let key = document.text(keyNode)
            return (Located(key, at: document.location(keyNode)),
                    JSONCursor(document: document, node: value, path: joined(key)))
        }
    }

    func items() -> [JSONCursor] {
        document.items(node).enumerated().map { index, item in
            JSONCursor(document: document, node: document.resolved(item), path: path + "[\(index)]")
        }
    }

    var scalar: ScalarValue? {
        document.kind(node) == .scalar ? document.value(node) : nil
    }

    // MARK: - Required reads

    func requireMapping() throws(LayerContractError) -> JSONCursor {
        guard isMapping else { throw typeError("an object") }
        return self
    }

    func require(_ key: String) throws(LayerContractError) -> JSONCursor {
        let object = try requireMapping()
        guard let value = object.child(key) else {
            throw LayerContractError("missing required field `\(joined(key))`", at: location)
        }
        return value
    }

    func requireString() throws(LayerContractError) -> Located<String> {
        guard case .string(let text)? = scalar else { throw typeError("a string") }
        return Located(text, at: location)
    }

    func requireInteger() throws(LayerContractError) -> Located<Int64> {
        guard case .int(let value)? = scalar else { throw typeError("an integer") }
        return Located(value, at: location)
    }

    func requireStrings() throws(LayerContractError) -> [Located<String>] {
        guard isSequence else { throw typeError("an array of strings") }
        var result: [Located<String>] = []
        for item in items() { result.append(try item.requireString()) }
        return result
    }

    func typeError(_ expected: String) -> LayerContractError {
        LayerContractError("`\(path.isEmpty ? "(root)" : path)` must be \(expected)", at: location)
    }

    private func joined(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
}

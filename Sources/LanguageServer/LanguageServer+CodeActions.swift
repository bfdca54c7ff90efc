import LayerContract
import ManifestModel
import ValuesAnchors

/// `textDocument/codeAction`: for a values-owned drift whose contract value
/// is known, the quick fix that sets that one scalar to the contract's value
/// in the owning values file (the buffer when it is open).
extension LanguageServer {
    mutating func codeActions(_ params: LSPValue) throws(JSONRPCError) -> LSPValue {
        guard let uri = params["textDocument"]?["uri"]?.string, let path = DocumentURI.path(uri),
              let start = Self.point(params["range"]?["start"]), let end = Self.point(params["range"]?["end"]) else {
            throw JSONRPCError(JSONRPCError.invalidParams, "expected textDocument.uri and range")
        }
        guard let analysis = current(), let triage = analysis.triage else { return [] }
        let lines = self.lines(of: path)
        let from = lines.mark(line: start.0, character: start.1, unit: unit)
        let to = lines.mark(line: end.0, character: end.1, unit: unit)
        let plan = ValuesFix.plan(triage.active) { file in
            if let document = documents[normalized(file)] { return Array(document.text.utf8) }
            return try? FileBytes.read(file)
        }
        let offered = params["context"]?["diagnostics"]?.array ?? []
        var cache: [String: TextLines] = [:]
        var actions: [LSPValue] = []
        for fix in plan.fixes {
            guard let finding = triage.active.first(where: { $0.diffKey == fix.diffKey }) else { continue }
            let places = [fix.edit.key, finding.location] + [finding.owner.template].compactMap { $0 }
            guard places.contains(where: { normalized($0.file) == path && $0.line >= from.line && $0.line <= max(to.line, from.line) }) else { continue }
            let file = normalized(fix.file)
            let edit: LSPValue = ["range": range(fix.edit.span, in: file, lines: &cache), "newText": .string(fix.edit.replacement)]
            let diagnostics = offered.filter { $0["code"]?.string == fix.diffKey }
            actions.append([
                "title": .string("Set \(fix.anchor) to \(fix.expected.text) (the contract's value for \(fix.diffKey))"),
                "kind": "quickfix",
                "isPreferred": true,
                "diagnostics": .array(diagnostics),
                "edit": ["changes": [documents[file]?.uri ?? DocumentURI.uri(file): [edit]]],
            ])
        }
        return .array(actions)
    }
}

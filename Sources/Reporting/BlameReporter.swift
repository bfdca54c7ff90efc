import LayerContract
import ManifestModel

/// Writes `render-check blame` output: each rendered scalar with its owner,
/// as text lines or as the JSON document of the specification (section 5).
public enum BlameReporter {
    public static let schemaVersion: Int64 = 1

    public static func json(_ entries: [Blame.Entry]) -> String {
        let leaves: [JSONValue] = entries.map { entry in
            [
                "file": .string(entry.location.file),
                "line": JSONValue(entry.location.line),
                "column": JSONValue(entry.location.column),
                "source": JSONValue(entry.source),
                "path": .string(entry.path),
                "value": .string(entry.value),
                "owner": JSONReporter.owner(entry.owner),
            ]
        }
        return JSONValue.object(["schema_version": .int(schemaVersion), "leaves": .array(leaves)]).formatted()
    }

    /// `file:line:col  path: value` then `  <- owner` on the next line.
    public static func text(_ entries: [Blame.Entry]) -> String {
        var text = ""
        for entry in entries {
            text += "\(entry.location)  \(entry.path): \(entry.value)\n"
            text += "    <- \(entry.owner.summary)"
            if let template = entry.owner.template, template != entry.owner.location {
                text += " (template \(template.file):\(template.line))"
            }
            if let via = entry.owner.via { text += " via \(via)" }
            if !entry.owner.controlledBy.isEmpty { text += "; controlled by \(entry.owner.controlledBy.joined(separator: ", "))" }
            text += "\n"
        }
        return text
    }
}

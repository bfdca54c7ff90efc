import LayerContract
import ManifestModel

/// Writes `render-check blame` output: each rendered scalar with its owner,
/// as text lines or as the JSON document of the specification (section 5).
public enum BlameReporter {
    public static let schemaVersion: Int64 = 1

    /// The JSON document is written in parts so that blame streams: `jsonStart`,
    /// then `jsonLeaves` for each batch, then `jsonEnd`. Together they print
    /// what `json.dumps(document, indent=2, sort_keys=True)` prints.
    public static let jsonStart = "{\n  \"leaves\": ["

    public static func jsonLeaves(_ entries: [Blame.Entry], first: Bool) -> String {
        // Each leaf is an item of the top-level "leaves" list: written at that depth.
        var writer = JSONWriter()
        for (index, entry) in entries.enumerated() {
            writer.raw(first && index == 0 ? "\n    " : ",\n    ")
            writer.write(members: [
                ("column", JSONValue(entry.location.column)),
                ("file", .string(entry.location.file)),
                ("line", JSONValue(entry.location.line)),
                ("owner", .null),
                ("path", .string(entry.path)),
                ("source", JSONValue(entry.source)),
                ("value", .string(entry.value)),
            ], level: 2) { writer, key in
                // The owner, nested, without building it as an object first.
                guard key == "owner" else { return false }
                writer.write(members: JSONReporter.ownerMembers(entry.owner), level: 3)
                return true
            }
        }
        return writer.text
    }

    public static func jsonEnd(empty: Bool) -> String {
        (empty ? "]" : "\n  ]") + ",\n  \"schema_version\": \(schemaVersion)\n}\n"
    }

    /// The whole document for a list of entries.
    public static func json(_ entries: [Blame.Entry]) -> String {
        jsonStart + jsonLeaves(entries, first: true) + jsonEnd(empty: entries.isEmpty)
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

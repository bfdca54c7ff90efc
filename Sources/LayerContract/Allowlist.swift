import ManifestModel
#if canImport(Glibc)
import Glibc
#endif

/// The allowlist of approved exceptions (`layer-live-diff-allowlist.json`).
/// Every problem in it is collected, not just the first, so one run shows
/// everything to fix.
public struct Allowlist: Sendable {
    public struct Exception: Sendable {
        public var id: Located<String>
        public var diffKey: Located<String>
        public var owner: String
        public var issue: String
        public var expiry: CalendarDate
        public var justification: String
        public var location: SourceLocation

        /// Shell-style glob match, as the reference check's fnmatch.
        public func matches(_ key: String) -> Bool {
            fnmatch(diffKey.value, key, 0) == 0
        }
    }

    /// A problem with the allowlist. `text` is the form the triage JSON
    /// keeps (the reference check's wording where it has one).
    public struct Problem: Sendable, Hashable, Comparable {
        public var text: String
        public var location: SourceLocation

        public static func < (lhs: Problem, rhs: Problem) -> Bool {
            (lhs.location, lhs.text) < (rhs.location, rhs.text)
        }
    }

    public var file: String?
    /// The exceptions that may suppress findings: valid and not expired.
    public var exceptions: [Exception]
    public var errors: [Problem]
    /// Expiring soon; stale-entry warnings are added once findings are known.
    public var warnings: [Problem]

    public static let empty = Allowlist(file: nil, exceptions: [], errors: [], warnings: [])
    static let expiryWarningDays = 14
    static let fields: Set<String> = ["id", "diff_key", "owner", "issue", "expiry", "justification"]

    /// Reads and validates an allowlist against the schema and the rules of
    /// the runbook. A file that cannot be read at all is an error of the run;
    /// anything wrong inside it becomes a `Problem`.
    public static func load(_ path: String, today: CalendarDate) throws(LayerContractError) -> Allowlist {
        let root = try JSONCursor.open(path)
        var result = Allowlist(file: path, exceptions: [], errors: [], warnings: [])
        result.validate(root, today: today)
        return result
    }

    private mutating func validate(_ root: JSONCursor, today: CalendarDate) {
        guard root.isMapping else {
            errors.append(Problem(text: "\(root.location): allowlist must be a JSON object", location: root.location))
            return
        }
        for (key, _) in root.entries() where key.value != "schema_version" && key.value != "exceptions" {
            errors.append(Problem(text: "\(key.location): unknown field `\(key.value)`", location: key.location))
        }
        if let version = root.child("schema_version") {
            if version.scalar != .int(1) {
                errors.append(Problem(text: "\(version.location): schema_version must be 1", location: version.location))
            }
        } else {
            errors.append(Problem(text: "\(root.location): missing field `schema_version`", location: root.location))
        }
        guard let list = root.child("exceptions") else {
            errors.append(Problem(text: "\(root.location): missing field `exceptions`", location: root.location))
            return
        }
        guard list.isSequence else {
            errors.append(Problem(text: "\(list.location): `exceptions` must be an array", location: list.location))
            return
        }
        var seenIDs: [String: SourceLocation] = [:]
        for (index, entry) in list.items().enumerated() {
            guard let exception = readException(entry, index: index, today: today) else { continue }
            if let first = seenIDs[exception.id.value] {
                errors.append(Problem(text: "\(exception.id.value): duplicate id (first at \(first))",
                                      location: exception.id.location))
                continue
            }
            seenIDs[exception.id.value] = exception.id.location
            if let why = Self.broadness(of: exception.diffKey.value) {
                errors.append(Problem(text: "\(exception.id.value): broad pattern `\(exception.diffKey.value)`: \(why)",
                                      location: exception.diffKey.location))
                continue
            }
            if exception.expiry < today {
                errors.append(Problem(text: "\(exception.id.value): expired on \(exception.expiry)", location: exception.location))
                continue
            }
            let left = today.days(until: exception.expiry)
            if left <= Self.expiryWarningDays {
                warnings.append(Problem(text: "\(exception.id.value): expires on \(exception.expiry) (in \(left) day\(left == 1 ? "" : "s")); fix the drift or renew it",
                                        location: exception.location))
            }
            exceptions.append(exception)
        }
    }

    private mutating func readException(_ entry: JSONCursor, index: Int, today: CalendarDate) -> Exception? {
        guard entry.isMapping else {
            errors.append(Problem(text: "\(entry.location): exceptions[\(index)] must be an object", location: entry.location))
            return nil
        }
        var values: [String: Located<String>] = [:]
        var valid = true
        for (key, value) in entry.entries() {
            guard Self.fields.contains(key.value) else {
                errors.append(Problem(text: "\(key.location): exceptions[\(index)]: unknown field `\(key.value)`", location: key.location))
                valid = false
                continue
            }
            guard case .string(let text)? = value.scalar else {
                errors.append(Problem(text: "\(value.location): exceptions[\(index)].\(key.value) must be a string", location: value.location))
                valid = false
                continue
            }
            guard !text.isEmpty else {
                errors.append(Problem(text: "\(value.location): exceptions[\(index)].\(key.value) must not be empty", location: value.location))
                valid = false
                continue
            }
            values[key.value] = Located(text, at: value.location)
        }
        for field in Self.fields.sorted() where values[field] == nil && entry.child(field) == nil {
            errors.append(Problem(text: "\(entry.location): exceptions[\(index)]: missing field `\(field)`", location: entry.location))
            valid = false
        }
        guard valid, let id = values["id"], let key = values["diff_key"], let expiryText = values["expiry"] else { return nil }
        guard let expiry = CalendarDate(expiryText.value) else {
            errors.append(Problem(text: "\(id.value): invalid expiry `\(expiryText.value)`", location: expiryText.location))
            return nil
        }
        return Exception(id: id, diffKey: key, owner: values["owner"]!.value, issue: values["issue"]!.value,
                         expiry: expiry, justification: values["justification"]!.value, location: entry.location)
    }

    /// Why a pattern hides drift across components: a wildcard in either of
    /// the first two segments of the key.
    static func broadness(of pattern: String) -> String? {
        let segments = pattern.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        for (index, segment) in segments.prefix(2).enumerated() where segment.contains(where: { "*?[".contains($0) }) {
            return "a wildcard in the \(index == 0 ? "first" : "second") segment matches across components; name the component and resource"
        }
        return nil
    }
}

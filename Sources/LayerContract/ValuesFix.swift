import ManifestModel
import ValuesAnchors

/// What can be mended of a triage at the values it owns: for every finding
/// a values key owns and whose contract value is known, the one-scalar edit
/// of the owning values file that sets it to the contract's value; for every
/// other finding, why not and where its owner is.
///
/// The same edits feed `check --fix`, the editor's quick fix and SARIF
/// `fixes`. File contents come in through `read`, so an editor's unsaved
/// buffer is edited as it stands, not the file on disk.
public struct ValuesFix: Sendable, Hashable {
    public var diffKey: String
    public var anchor: String
    public var file: String
    public var edit: ScalarEdit
    public var expected: ReportValue

    /// A finding that is not mended, and what a reviewer must do instead.
    public struct Unfixable: Sendable, Hashable {
        public var diffKey: String
        public var reason: String
        public var owner: Owner
    }

    public struct Plan: Sendable {
        public var fixes: [ValuesFix] = []
        public var unfixable: [Unfixable] = []

        /// The edits grouped by file, in file order.
        public var byFile: [(file: String, edits: [ScalarEdit])] {
            var order: [String] = []
            var grouped: [String: [ScalarEdit]] = [:]
            for fix in fixes {
                if grouped[fix.file] == nil { order.append(fix.file) }
                grouped[fix.file, default: []].append(fix.edit)
            }
            return order.map { ($0, grouped[$0]!) }
        }
    }

    /// Plans the fixes of `findings`; `read` gives a values file's bytes
    /// (nil when it cannot be read).
    public static func plan(_ findings: [Finding], read: (String) -> [UInt8]?) -> Plan {
        var plan = Plan()
        var cache: [String: [UInt8]] = [:]
        var planned: [SourceLocation: ReportValue] = [:]
        for finding in findings {
            let owner = finding.owner
            func refuse(_ reason: String) {
                plan.unfixable.append(Unfixable(diffKey: finding.diffKey, reason: reason, owner: owner))
            }
            guard owner.layer == .values, let anchor = owner.anchor, let location = owner.location else {
                refuse(owner.layer == .values ? "the owning values key has no place in a file"
                                              : "owned by the \(owner.layer.rawValue) layer, not a values key")
                continue
            }
            if location.file == "--set" || location.file == "--set-string" {
                refuse("\(anchor) is set by \(location.file) argument \(location.line): change that argument")
                continue
            }
            guard finding.family != .valuesUnused else {
                refuse("\(anchor) is read by no template: remove it or make a template read it")
                continue
            }
            guard let wanted = Self.scalar(finding.expected) else {
                refuse("the contract's value (\(finding.expected.text)) is not one scalar")
                continue
            }
            let key = SourceLocation(file: location.file, line: location.line, column: location.column)
            if let earlier = planned[key] {
                if earlier != finding.expected { refuse("\(anchor) would need two values (\(earlier.text) and \(finding.expected.text))") }
                continue
            }
            guard let bytes = cache[location.file] ?? read(location.file) else {
                refuse("\(location.file) cannot be read")
                continue
            }
            cache[location.file] = bytes
            do {
                let edit = try ScalarEdit.make(in: bytes, key: key, to: wanted)
                // Only a value copied whole into the rendered key is the key's
                // value to set; a value computed from it (a prefix, a sum) is not.
                guard Self.copies(edit.original, finding.actual) else {
                    refuse("the rendered value \(finding.actual.text) is computed from \(anchor) (\(edit.original)), not copied from it")
                    continue
                }
                planned[key] = finding.expected
                plan.fixes.append(ValuesFix(diffKey: finding.diffKey, anchor: anchor, file: location.file, edit: edit,
                                            expected: finding.expected))
            } catch {
                refuse(error.problem)
            }
        }
        return plan
    }

    static func scalar(_ value: ReportValue) -> ScalarValue? {
        switch value {
        case .int(let number): return .int(number)
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .null, .array: return nil
        }
    }

    /// True when the scalar's text `original` is the rendered `actual`
    /// (or the one value of an `actual` list).
    static func copies(_ original: String, _ actual: ReportValue) -> Bool {
        var text = original
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            text = String(text.dropFirst().dropLast())
        }
        switch actual {
        case .int(let number): return text == String(number)
        case .bool(let flag): return text == (flag ? "true" : "false")
        case .string(let value): return text == value
        case .array(let values): return values.count == 1 && copies(original, values[0])
        case .null: return false
        }
    }
}

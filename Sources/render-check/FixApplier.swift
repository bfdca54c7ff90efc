import ArgumentParser
import LayerContract
import ManifestModel
import ValuesAnchors

/// `check --fix`: plans the values edits for a triage's active findings,
/// then writes each owning values file atomically, or (`--dry-run`) prints
/// the unified diff instead. What cannot be fixed is listed with its owner.
struct FixApplier {
    var dryRun: Bool

    struct Outcome {
        var fixed: Int
        var unfixable: Int
        var diff: String
    }

    /// The fixes of a triage's active findings, by diff key, for SARIF.
    static func fixesByKey(_ triage: Triage) -> [String: ValuesFix] {
        let plan = ValuesFix.plan(triage.active) { try? FileBytes.read($0) }
        return Dictionary(plan.fixes.map { ($0.diffKey, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func apply(_ triage: Triage) throws -> Outcome {
        let plan = ValuesFix.plan(triage.active) { try? FileBytes.read($0) }
        var diff = ""
        for (file, edits) in plan.byFile {
            guard let before = try? FileBytes.read(file) else {
                Console.error("render-check: error: \(file) cannot be read again; not fixed")
                throw ExitCode(2)
            }
            let after = ScalarEdit.apply(edits, to: before)
            if dryRun {
                diff += UnifiedDiff.make(path: file, before: before, after: after)
            } else {
                do {
                    try AtomicFile.write(String(decoding: after, as: UTF8.self), to: file)
                } catch {
                    Console.error(error.description)
                    throw ExitCode(2)
                }
            }
        }
        let verb = dryRun ? "would fix" : "fixed"
        for fix in plan.fixes {
            Console.error("render-check: \(verb) \(fix.anchor) at \(fix.edit.key): \(fix.edit.original) -> \(fix.edit.replacement) [\(fix.diffKey)]")
        }
        for item in plan.unfixable {
            Console.error("render-check: not fixable [\(item.diffKey)]: \(item.reason); owner: \(item.owner.summary)")
        }
        return Outcome(fixed: plan.fixes.count, unfixable: plan.unfixable.count, diff: diff)
    }
}

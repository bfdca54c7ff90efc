import ManifestModel

/// The outcome of a run: findings split by the allowlist, the allowlist's
/// own problems, and what the inputs made the run skip.
public struct Triage: Sendable {
    public struct Suppressed: Sendable {
        public var finding: Finding
        public var exceptionID: String
    }

    public var contractVersion: String
    public var contractFile: String
    public var active: [Finding]
    public var suppressed: [Suppressed]
    public var allowlistErrors: [Allowlist.Problem]
    public var allowlistWarnings: [Allowlist.Problem]
    public var notices: [ManifestNotice]
    public var inputErrors: [YAMLError]
    public var resourceCount: Int
    public var inputCount: Int

    public init(contract: Contract, findings: [Finding], allowlist: Allowlist, notices: [ManifestNotice] = [],
                inputErrors: [YAMLError] = [], resourceCount: Int = 0, inputCount: Int = 0,
                reportsStaleExceptions: Bool = true) {
        contractVersion = contract.contractVersion.value
        contractFile = contract.file
        active = []
        suppressed = []
        var used = Set<String>()
        for finding in findings {
            if let exception = allowlist.exceptions.first(where: { $0.matches(finding.diffKey) }) {
                suppressed.append(Suppressed(finding: finding, exceptionID: exception.id.value))
                used.insert(exception.id.value)
            } else {
                active.append(finding)
            }
        }
        active.sort { ($0.diffKey, $0.location) < ($1.diffKey, $1.location) }
        suppressed.sort { ($0.finding.diffKey, $0.exceptionID) < ($1.finding.diffKey, $1.exceptionID) }
        allowlistErrors = allowlist.errors.sorted()
        var warnings = allowlist.warnings
        for exception in allowlist.exceptions where reportsStaleExceptions && !used.contains(exception.id.value)
            && !findings.contains(where: { exception.matches($0.diffKey) }) {
            warnings.append(Allowlist.Problem(
                text: "\(exception.id.value): stale: `\(exception.diffKey.value)` matches no current finding; remove it",
                location: exception.location))
        }
        allowlistWarnings = warnings.sorted()
        self.notices = notices.sorted()
        self.inputErrors = inputErrors
        self.resourceCount = resourceCount
        self.inputCount = inputCount
    }

    public var activeErrors: Int { active.filter { $0.severity == .error }.count }
    public var activeWarnings: Int { active.filter { $0.severity == .warning }.count }

    /// 0 clean; 1 active drift or allowlist errors; 2 unreadable input.
    public var exitCode: Int32 {
        if !inputErrors.isEmpty { return 2 }
        return activeErrors > 0 || !allowlistErrors.isEmpty ? 1 : 0
    }
}

// libFuzzer target over render-check's parse-and-check entry point.
//
// Each input is, in turn:
//   1. a rendered manifest stream: YAMLStreamParser/ManifestReader over
//      InputSource.bytes, then the drift check (DriftChecker with the fixture
//      contract ops/inventory/layers.json, loaded once) and the triage with an
//      empty allowlist, plus blame over the fixture chart bijux-atlas;
//   2. (inputs up to 64 KiB) the same bytes as a contract, an allowlist and a
//      values file, written to one scratch file: the JSON/YAML readers behind
//      --contract, --allowlist and -f.
// Built by fuzz/build.sh; run with `make fuzz SECONDS=N`.
import LayerContract
import ManifestModel
import ValuesAnchors
#if canImport(Glibc)
import Glibc
#endif

/// The repository root: FUZZ_REPO_ROOT, else the folder above this file's.
private let repositoryRoot: String = {
    if let root = getenv("FUZZ_REPO_ROOT") { return String(cString: root) }
    let file = #filePath
    let fuzzFolder = file.lastIndex(of: "/").map { String(file[..<$0]) } ?? "."
    return fuzzFolder.lastIndex(of: "/").map { String(fuzzFolder[..<$0]) } ?? ".."
}()

private struct Fixtures: @unchecked Sendable {
    let contract: Contract
    let chart: LoadedChart?
    let scratch: String
}

/// Loaded once per process: the fixture contract and chart never change.
private let fixtures: Fixtures = {
    let contractPath = repositoryRoot + "/ops/inventory/layers.json"
    let contract: Contract
    do {
        contract = try Contract.load(contractPath)
    } catch {
        let message = Array("fuzz: cannot load the fixture contract \(contractPath): \(error)\n".utf8)
        _ = message.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
        exit(2)
    }
    let chart = try? ChartContext(directory: repositoryRoot + "/charts-fixtures/bijux-atlas",
                                  release: "atlas-e2e", namespace: "atlas-e2e").load()
    var template = Array("/tmp/render-check-fuzz-XXXXXX".utf8CString)
    let descriptor = mkstemp(&template)
    if descriptor >= 0 { close(descriptor) }
    let scratch = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return Fixtures(contract: contract, chart: chart, scratch: scratch)
}()

/// Smaller than the CLI's defaults so that one input stays well inside
/// libFuzzer's -timeout and -rss_limit_mb; the checks are the same.
private let limits = ParseLimits(maxDepth: 512, maxAliasExpansion: 200_000, maxDocumentBytes: 8 << 20)

/// Loads the fixtures before the first input, so that what they keep for the
/// whole run is not taken for a leak of that input.
@_cdecl("LLVMFuzzerInitialize")
public func renderCheckFuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?,
                                      _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    _ = fixtures
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func renderCheckFuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let fixtures = fixtures

    // 1. Manifests -> resources -> drift -> triage.
    var index = RenderedPathIndex()
    let facts = ManifestReader.read(.bytes(bytes, name: "fuzz.yaml"), limits: limits) { document in
        index.add(document, origin: .rendered)
    }
    let resources = facts.resources.map { CheckedResource($0, origin: .rendered) }
    var findings = DriftChecker(contract: fixtures.contract,
                                options: .init(releaseNamespace: "atlas-e2e")).check(resources)
    if let chart = fixtures.chart {
        findings = Ownership(chart: chart).assignOwners(findings, index: index)
    }
    let triage = Triage(contract: fixtures.contract, findings: findings, allowlist: .empty,
                        notices: facts.notices, inputErrors: facts.error.map { [$0] } ?? [],
                        resourceCount: resources.count, inputCount: 1)
    precondition((0...2).contains(triage.exitCode))
    for finding in triage.active { _ = finding.diffKey.count + finding.message.count }
    for error in triage.inputErrors { _ = error.description }

    // Blame: every rendered scalar through the ownership machinery.
    _ = Blame(chart: fixtures.chart, limits: limits).run(.bytes(bytes, name: "fuzz.yaml")).entries.count

    // 2. The same bytes as a contract, an allowlist and a values file.
    guard size <= 64 << 10, write(bytes, to: fixtures.scratch) else { return 0 }
    _ = try? Contract.load(fixtures.scratch)
    if let allowlist = try? Allowlist.load(fixtures.scratch, today: CalendarDate(daysSinceEpoch: 20_000)) {
        _ = Triage(contract: fixtures.contract, findings: findings, allowlist: allowlist).exitCode
    }
    _ = try? ValuesLoader(limits: limits).loadFile(fixtures.scratch)
    return 0
}

private func write(_ bytes: [UInt8], to path: String) -> Bool {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
        if written < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += written
    }
    return true
}

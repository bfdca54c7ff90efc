// libFuzzer target over every reader of outside input in render-check.
//
// The first input byte picks the reader (byte % 5; the seeds use the ASCII
// digits '0'...'4', so a seed file shows its reader in its first character);
// the rest of the input is what that reader receives:
//   0  a rendered stream: CheckRun (what `render-check check` runs) with the
//      fixture contract and the fixture chart bijux-atlas (static ownership),
//      then Blame over the same bytes; every report encoder on the triage and
//      both blame encoders on the entries; `contract generate` over the
//      stream, on the fixture contract and from nothing (twice: same bytes).
//   1  values: up to the first NUL a values file (ValuesLoader, as -f reads
//      it); after it, one `--set` expression a line (odd lines `--set-string`),
//      applied through ValuesLoader.load as the command line does.
//   2  a contract, an allowlist and a `.render-check.yaml`: the same bytes
//      through Contract.load, Allowlist.load, ProjectConfiguration.load and
//      ContractGenerator.Existing.load (+ ContractDiff against the fixture);
//      the triage with the allowlist through every report encoder.
//   3  Helm output as measured ownership receives it: NUL-separated parts,
//      part 0 Helm's computed values, the others the renders a fake Helm hands
//      back (a part starting with "!refused" / "!unavailable" is that
//      outcome): OwnershipExperiment.measure with a small budget, the
//      measurement encoded and decoded again (must round-trip), Blame with it;
//      also RenderedLeaves(stream:) and MeasuredOwnership(decoding:digest:)
//      over the whole rest.
//   4  the language server: the bytes through MessageFramer, each frame to a
//      LanguageServer already initialized on an empty scratch folder.
// Built by fuzz/build.sh; run with `make fuzz SECONDS=N`.
import LanguageServer
import LayerContract
import ManifestModel
import Reporting
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
    let contractPath: String
    let contract: Contract
    let contractTree: ContractGenerator.Existing
    let chart: LoadedChart?
    let rendered: [UInt8]
    /// A scratch folder (mkdtemp) for readers that only take paths.
    let scratch: String
}

private func fail(_ text: String) -> Never {
    let message = Array("fuzz: \(text)\n".utf8)
    _ = message.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    exit(2)
}

/// Loaded once per process: the fixture contract and chart never change.
private let fixtures: Fixtures = {
    let contractPath = repositoryRoot + "/ops/inventory/layers.json"
    let contract: Contract
    let tree: ContractGenerator.Existing
    do {
        contract = try Contract.load(contractPath)
        tree = try ContractGenerator.Existing.load(contractPath)
    } catch {
        fail("cannot load the fixture contract \(contractPath): \(error)")
    }
    let chart = try? ChartContext(directory: repositoryRoot + "/charts-fixtures/bijux-atlas",
                                  release: "atlas-e2e", namespace: "atlas-e2e").load()
    let rendered = (try? FileBytes.read(repositoryRoot + "/charts-fixtures/rendered/bijux-atlas.yaml")) ?? []
    var template = Array("/tmp/render-check-fuzz-XXXXXX".utf8CString)
    guard mkdtemp(&template) != nil else { fail("cannot make a scratch folder") }
    let scratch = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return Fixtures(contractPath: contractPath, contract: contract, contractTree: tree, chart: chart,
                    rendered: rendered, scratch: scratch)
}()

/// Smaller than the CLI's defaults so that one input stays well inside
/// libFuzzer's -timeout and -rss_limit_mb; the checks are the same.
private let limits = ParseLimits(maxDepth: 512, maxAliasExpansion: 200_000, maxDocumentBytes: 8 << 20)
private let today = CalendarDate(daysSinceEpoch: 20_000)
private let reportContext = ReportContext(toolVersion: "fuzz", informationURI: "https://example.invalid",
                                          configuration: ".render-check.yaml")

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
    guard let data, size > 0 else { return 0 }
    let selector = data[0] % 5
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch selector {
    case 0: fuzzRenderedStream(bytes)
    case 1: fuzzValues(bytes)
    case 2: fuzzContractFiles(bytes)
    case 3: fuzzMeasuredOwnership(bytes)
    default: fuzzLanguageServer(bytes)
    }
    return 0
}

// MARK: - 0: rendered stream -> check, blame, every encoder

private func fuzzRenderedStream(_ bytes: [UInt8]) {
    var run = CheckRun(contractPath: fixtures.contractPath, allowlistPath: nil, today: today)
    run.renderedStreams = [.bytes(bytes, name: "fuzz.yaml")]
    run.options = .init(releaseNamespace: "atlas-e2e")
    run.limits = limits
    run.preloadedChart = fixtures.chart
    if let triage = try? run.run() {
        encodeEverywhere(triage)
    }
    blame(bytes, measured: nil)
    generateContracts(bytes)
}

/// `contract generate` over the stream, on the fixture contract and from
/// nothing: generating twice must give the same bytes.
private func generateContracts(_ bytes: [UInt8]) {
    guard let directory = fixtures.chart?.context.directory else { return }
    for existing in [fixtures.contractTree, nil] {
        var generator = ContractGenerator(chartDirectory: directory, release: "atlas-e2e", namespace: "atlas-e2e",
                                          existing: existing)
        generator.renderedStreams = [.bytes(bytes, name: "fuzz.yaml")]
        generator.limits = limits
        guard let first = try? generator.generate(), first.inputErrors.isEmpty else { continue }
        let text = JSONValue(first.contract).formatted()
        let again = try? generator.generate()
        precondition(again.map { JSONValue($0.contract).formatted() } == text, "contract generate is not deterministic")
    }
}

private func blame(_ bytes: [UInt8], measured: MeasuredOwnership?) {
    var first = true
    var text = 0
    let result = Blame(chart: fixtures.chart, measured: measured, limits: limits).run(.bytes(bytes, name: "fuzz.yaml")) { entries in
        text += BlameReporter.jsonLeaves(entries, first: first).utf8.count + BlameReporter.text(entries).utf8.count
        first = false
    }
    text += BlameReporter.jsonEnd(empty: first).utf8.count
    precondition(text > 0)
    for notice in result.notices { _ = notice.message.count }
    _ = result.error?.description
}

/// Every report format on `triage`; each must be well-formed enough to be
/// non-empty, and the exit code in range.
private func encodeEverywhere(_ triage: Triage) {
    precondition((0...2).contains(triage.exitCode))
    for format in ReportFormat.allCases {
        let report = format.reporter().report(triage, context: reportContext)
        if format == .json || format == .sarif { precondition(report.hasPrefix("{"), "\(format) report is not a JSON object") }
    }
}

// MARK: - 1: values files and --set expressions

private func fuzzValues(_ bytes: [UInt8]) {
    let split = bytes.firstIndex(of: 0) ?? bytes.endIndex
    let file = Array(bytes[..<split])
    let expressions = split < bytes.endIndex ? bytes[(split + 1)...].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        .prefix(64).map { String(decoding: $0, as: UTF8.self) } : []
    var sets: [String] = []
    var setStrings: [String] = []
    for (index, expression) in expressions.enumerated() {
        if index % 2 == 0 { sets.append(expression) } else { setStrings.append(expression) }
        _ = try? SetExpression(expression, forceString: index % 2 == 1).parse()
    }
    let name = "fuzz-values.yaml"
    let loader = ValuesLoader(limits: limits, buffers: [name: file])
    _ = try? loader.loadFile(name)
    _ = try? loader.load(chart: nil, valueFiles: [name], set: sets, setString: setStrings)
}

// MARK: - 2: contract, allowlist, .render-check.yaml

private func fuzzContractFiles(_ bytes: [UInt8]) {
    guard bytes.count <= 64 << 10 else { return }
    let path = fixtures.scratch + "/" + ProjectConfiguration.fileName
    guard write(bytes, to: path) else { return }
    _ = try? Contract.load(path)
    _ = try? ProjectConfiguration.load(path)
    if let existing = try? ContractGenerator.Existing.load(path) {
        let diff = ContractDiff(from: fixtures.contractTree.tree, to: existing.tree)
        for change in diff.changes {
            _ = change.summary
            _ = ContractDiff.location(of: change, in: existing.locations)
        }
        _ = existing.releaseDefault("namespace")
    }
    if let allowlist = try? Allowlist.load(path, today: today) {
        var run = CheckRun(contractPath: fixtures.contractPath, allowlistPath: path, today: today)
        run.renderedStreams = [.bytes(fixtures.rendered, name: "fixture.yaml")]
        run.options = .init(releaseNamespace: "atlas-e2e")
        run.limits = limits
        if let triage = try? run.run() { encodeEverywhere(triage) }
        _ = allowlist.errors.count + allowlist.warnings.count
    }
}

// MARK: - 3: Helm output as measured ownership receives it

/// A Helm whose every answer comes from the fuzz input; stateless, so an
/// overlay always gets the same answer.
private struct FuzzRenderer: ChartRendering {
    var parts: [[UInt8]]

    func computedValues() -> RenderOutcome { outcome(parts[0]) }

    func render(_ overlays: [String?]) -> [RenderOutcome] {
        overlays.map { overlay in
            guard parts.count > 1 else { return .unavailable("no render in the input") }
            guard let overlay else { return outcome(parts[1]) }
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in overlay.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return outcome(parts[1 + Int(hash % UInt64(parts.count - 1))])
        }
    }

    private func outcome(_ part: [UInt8]) -> RenderOutcome {
        if part.starts(with: Array("!refused".utf8)) { return .refused(message: "refused", output: Array(part.dropFirst(8))) }
        if part.starts(with: Array("!unavailable".utf8)) { return .unavailable("unavailable") }
        return .output(part)
    }
}

private func fuzzMeasuredOwnership(_ bytes: [UInt8]) {
    _ = try? RenderedLeaves(stream: bytes, name: "helm output", limits: limits)
    if let decoded = MeasuredOwnership(decoding: bytes, digest: "fuzz") {
        blame(fixtures.rendered, measured: decoded)
    }
    let parts = bytes.split(separator: 0, maxSplits: 16, omittingEmptySubsequences: false).map(Array.init)
    let experiment = OwnershipExperiment(budget: .init(maxRenders: 8, softRenders: 6, waveRenders: 2, batch: 2), seed: 1)
    guard case .success(let measured) = experiment.measure(FuzzRenderer(parts: parts)) else { return }
    let encoded = measured.encoded(digest: "fuzz")
    let again = MeasuredOwnership(decoding: Array(encoded.utf8), digest: "fuzz")
    precondition(again == measured, "measured ownership does not survive its cache form")
    if parts.count > 1 { blame(parts[1], measured: measured) }
}

// MARK: - 4: language server framing and JSON-RPC

private func fuzzLanguageServer(_ bytes: [UInt8]) {
    var server = LanguageServer(today: today, limits: limits)
    let root = "file://" + fixtures.scratch
    _ = server.handle(body: Array("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"rootUri\":\"\(root)\",\"capabilities\":{}}}".utf8))
    _ = server.handle(body: Array("{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}".utf8))
    var framer = MessageFramer(maxContentLength: 1 << 20)
    // Fed in two pieces: a frame split across reads must come out the same.
    let cut = bytes.count / 2
    let frames = framer.feed(bytes[..<cut]) + framer.feed(bytes[cut...])
    for frame in frames.prefix(64) {
        for response in server.handle(frame) { _ = response.json.utf8.count }
        if server.exitStatus != nil { break }
    }
    // Bodies straight to the server as well: JSON-RPC without the framing.
    for response in server.handle(body: bytes) { _ = response.json.utf8.count }
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

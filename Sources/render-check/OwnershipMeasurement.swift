import LayerContract
import ManifestModel
import ValuesAnchors
#if canImport(Glibc)
import Glibc
#endif

/// Supplies measured ownership to a run: from the cache when nothing that
/// shapes the render changed, else by experiment with the Helm found; never
/// fatal: without a Helm, or when Helm fails, owners come from the reading
/// and a notice says so.
struct OwnershipMeasurement {
    var mode: OwnershipOptions.Mode
    var useCache: Bool
    var environment: RunEnvironment
    var timeLimit: Double = 60

    struct Outcome {
        var measured: MeasuredOwnership?
        var notices: [String] = []
    }

    func measure(_ chart: ChartContext) -> Outcome {
        guard mode != .static else { return Outcome() }
        // Helm follows symbolic links; the reading does not leave the chart (spec section 11).
        if let link = Self.linkLeaving(chart.directory) {
            return Outcome(notices: ["\(link) is a symbolic link out of the chart folder, which Helm would follow: "
                + "owners come from the static reading"])
        }
        let program = environment.helmProgram ?? "helm"
        let helm = Self.identity(of: program, path: environment.path)
        var digest = RenderDigest()
        digest.add(field: "format", OwnershipExperiment.version)
        digest.add(folder: chart.directory)
        for file in chart.valueFiles { digest.add(file: file) }
        for expression in chart.set { digest.add(field: "set", expression) }
        digest.add(field: "release", chart.release ?? "release-name")
        digest.add(field: "namespace", chart.namespace ?? "")
        let cache = useCache ? environment.cacheDirectory.map(MeasurementCache.init) : nil
        if let cache, let cached = cache.load(digest, helm: helm) {
            return Outcome(measured: cached)
        }
        guard let helm else {
            let notice = "no Helm found (`\(program)`): owners come from the static reading"
            return Outcome(notices: mode == .exact ? [notice] : [])
        }
        let renderer = HelmChartRenderer(
            process: HelmProcess(program: program, temporaryDirectory: environment.temporaryDirectory, timeLimit: timeLimit),
            chart: chart, parallel: environment.cores)
        let experiment = OwnershipExperiment(budget: .init(batch: environment.cores))
        switch experiment.measure(renderer, tested: ConditionReads.scan(chart: chart.directory)) {
        case .success(let measured):
            var outcome = Outcome(measured: measured)
            outcome.notices.append("ownership measured with \(measured.renders) Helm renders over \(measured.keyCount) values keys"
                + (measured.unmeasured.isEmpty ? "" : " (\(measured.unmeasured.count) refused a change: owned by the static reading)"))
            if let cache {
                do {
                    try cache.store(measured, digest: digest, helm: helm)
                } catch {
                    outcome.notices.append("measured ownership not cached: \(error.description)")
                }
            }
            return outcome
        case .failure(let failure):
            let detail = failure.message.split(separator: "\n").suffix(3).joined(separator: " ")
            return Outcome(notices: ["measured ownership unavailable (\(detail)); owners come from the static reading"])
        }
    }

    /// The first path under `directory` that is a symbolic link resolving
    /// outside it, or nil. Links are not followed into; a tree of more than
    /// `limit` entries is looked at no further.
    static func linkLeaving(_ directory: String, limit: Int = 100_000) -> String? {
        guard let rootPointer = realpath(directory, nil) else { return nil }
        let root = String(cString: rootPointer)
        free(rootPointer)
        var pending = [directory]
        var seen = 0
        while let folder = pending.popLast() {
            for name in DirectoryListing.names(folder) {
                seen += 1
                guard seen <= limit else { return nil }
                let path = folder + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: pending.append(path)
                case S_IFLNK:
                    guard let target = realpath(path, nil) else { continue }
                    let resolved = String(cString: target)
                    free(target)
                    if resolved != root, !resolved.hasPrefix(root == "/" ? "/" : root + "/") { return path }
                default: continue
                }
            }
        }
        return nil
    }

    /// Which Helm this is, for the cache: where it resolves and the size and
    /// time of that file; nil when there is none.
    static func identity(of program: String, path: String) -> String? {
        let candidates = program.contains("/") ? [program]
            : path.split(separator: ":").map { String($0) + "/" + program }
        for candidate in candidates {
            var info = stat()
            guard stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 else { continue }
            return "\(candidate) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        }
        return nil
    }
}

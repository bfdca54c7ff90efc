import Foundation
import XCTest

/// The bounds every hostile-input test enforces on the real binary.
///
/// - Memory: the child runs with its address space limited to 1 GiB
///   (`ulimit -v`, inherited through `exec`, so the limit applies to
///   render-check itself). A runaway allocation then fails inside the child —
///   a signal, which the tests reject — instead of exhausting the machine.
/// - Time: 60 seconds of wall-clock time per run, a hang guard only (the
///   slowest case, a 100 MB scalar in a debug build, takes a few seconds).
///   A run past it is killed and the test fails; speed itself is measured by
///   the benchmark, never asserted here.
enum Bounds {
    static let addressSpaceKiB = 1 << 20
    static let timeout: TimeInterval = 60
}

/// What one bounded run of `render-check` produced.
struct BoundedResult {
    var arguments: [String]
    var status: Int32
    /// True when the process ended on a signal (crash, abort, kill).
    var signalled: Bool
    var stdout: String
    var stderr: String
    var elapsed: TimeInterval

    /// Both streams: text reports go to stdout, errors to stderr.
    var output: String { stdout + stderr }

    var summary: String {
        let head = "render-check \(arguments.joined(separator: " ").prefix(300)) -> "
            + (signalled ? "signal \(status)" : "exit \(status)") + String(format: " in %.1fs", elapsed)
        return head + "\n--- stderr (head) ---\n" + String(stderr.prefix(2000))
            + "\n--- stdout (head) ---\n" + String(stdout.prefix(1000))
    }
}

enum BoundedRunError: Error, CustomStringConvertible {
    case binaryNotFound([String])
    case timedOut([String], TimeInterval)

    var description: String {
        switch self {
        case .binaryNotFound(let searched):
            return "render-check binary not found; looked in:\n" + searched.joined(separator: "\n")
        case .timedOut(let arguments, let seconds):
            return "render-check \(arguments.joined(separator: " ").prefix(300)) did not finish within \(Int(seconds)) s (hang guard)"
        }
    }
}

/// Runs the real, built `render-check` executable under `Bounds`.
enum BoundedRun {
    static let executableName = "render-check"

    /// The repository root (this file is `Tests/RobustnessTests/BoundedRun.swift`).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func repo(_ relative: String) -> String {
        packageRoot.appendingPathComponent(relative).path
    }

    /// The fixture contract every `check` here runs against.
    static var contract: String { repo("ops/inventory/layers.json") }
    static var fixtureChart: String { repo("charts-fixtures/bijux-atlas") }
    static var fixtureRendered: String { repo("charts-fixtures/rendered/bijux-atlas.yaml") }
    static var fixtureStack: String { repo("charts-fixtures/stack") }
    static var fixtureAllowlist: String { repo("ops/policy/layer-live-diff-allowlist.json") }

    /// `check` with the fixture contract, no configuration file and a fixed date.
    static func checkArguments(_ rest: [String]) -> [String] {
        ["check", "--no-config", "--contract", contract, "--today", "2026-06-01"] + rest
    }

    static func binary() throws -> URL {
        var searched: [String] = []
        var directories: [URL] = []
        if let override = ProcessInfo.processInfo.environment["RENDER_CHECK_BINARY"], !override.isEmpty {
            directories.append(URL(fileURLWithPath: override).deletingLastPathComponent())
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        directories.append(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent())
        if let first = CommandLine.arguments.first {
            directories.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        for directory in directories {
            let candidate = directory.appendingPathComponent(executableName)
            searched.append(candidate.path)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw BoundedRunError.binaryNotFound(searched)
    }

    /// Runs the binary with `arguments` in `directory`, with standard input
    /// from `stdinFile` (never the test's own), under the memory and time
    /// bounds. `asUser` runs it as that uid/gid (through setpriv; for root).
    /// `wrapper` goes before the binary (e.g. strace); it runs under the same bounds.
    static func run(_ arguments: [String], in directory: URL? = nil, stdinFile: URL? = nil,
                    asUser: UInt32? = nil, wrapper: [String] = [],
                    timeout: TimeInterval = Bounds.timeout) throws -> BoundedResult {
        let binary = try binary()
        let process = Process()
        // `exec` keeps the pid: a signal that ends render-check ends this process.
        var command = ["/bin/sh", "-c", "ulimit -v \(Bounds.addressSpaceKiB) && exec \"$@\"", "sh"]
            + wrapper + [binary.path] + arguments
        if let uid = asUser {
            command = ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--"] + command
        }
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        if let directory { process.currentDirectoryURL = directory }
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment

        // Files, not pipes: a chatty run cannot fill a pipe and stall.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("render-check-robust-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stdoutURL = scratch.appendingPathComponent("stdout"), stderrURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        let stderrHandle = try FileHandle(forWritingTo: stderrURL)
        let stdinHandle = try stdinFile.map { try FileHandle(forReadingFrom: $0) }
        defer {
            try? stdoutHandle.close()
            try? stderrHandle.close()
            try? stdinHandle?.close()
        }
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        process.standardInput = stdinHandle ?? FileHandle.nullDevice

        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        let start = Date()
        try process.run()
        guard finished.wait(timeout: .now() + timeout) == .success else {
            kill(process.processIdentifier, SIGKILL)
            _ = finished.wait(timeout: .now() + 10)
            throw BoundedRunError.timedOut(arguments, timeout)
        }
        let elapsed = Date().timeIntervalSince(start)
        return BoundedResult(arguments: arguments, status: process.terminationStatus,
                             signalled: process.terminationReason == .uncaughtSignal,
                             stdout: read(stdoutURL), stderr: read(stderrURL), elapsed: elapsed)
    }

    /// At most the first and last 64 KiB of an output file: some runs print
    /// the 100 MB scalar back, which the assertions need not hold.
    private static func read(_ url: URL) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let window: UInt64 = 64 << 10
        if size <= 2 * window {
            try? handle.seek(toOffset: 0)
            return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        }
        try? handle.seek(toOffset: 0)
        let head = (try? handle.read(upToCount: Int(window))) ?? Data()
        try? handle.seek(toOffset: size - window)
        let tail = (try? handle.readToEnd()) ?? Data()
        return String(decoding: head, as: UTF8.self) + "\n[... \(size - 2 * window) bytes ...]\n"
            + String(decoding: tail, as: UTF8.self)
    }
}

/// A temporary folder for one test, removed afterwards.
final class Scratch {
    let root: URL

    init(_ label: String = "case") throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("render-check-robust-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit {
        // Undo read-only folders made by a test before removing.
        if let enumerator = FileManager.default.enumerator(atPath: root.path) {
            for case let relative as String in enumerator {
                chmod(root.appendingPathComponent(relative).path, 0o755)
            }
        }
        try? FileManager.default.removeItem(at: root)
    }

    func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }
    func path(_ relative: String) -> String { url(relative).path }

    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let url = url(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        try write(relative, Array(text.utf8))
    }

    /// Copies a file or folder of the repository into the scratch folder.
    @discardableResult
    func copy(_ source: String, to relative: String) throws -> String {
        let target = url(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: target.path)
        return target.path
    }
}

extension XCTestCase {
    /// The contract of every hostile case: the run ended by itself with 0, 1
    /// or 2 — never a signal — within the bounds.
    @discardableResult
    func assertBounded(_ result: BoundedResult, _ allowed: Set<Int32> = [0, 1, 2],
                       file: StaticString = #filePath, line: UInt = #line) -> BoundedResult {
        XCTAssertFalse(result.signalled, "ended by a signal\n" + result.summary, file: file, line: line)
        XCTAssertTrue(allowed.contains(result.status), "exit status not in \(allowed.sorted())\n" + result.summary,
                      file: file, line: line)
        return result
    }

    /// Asserts that the output names `name:LINE:COLUMN:` followed by `kind`
    /// (error, warning, note) and, when given, a message fragment; returns
    /// the first matching line.
    @discardableResult
    func assertPositioned(_ result: BoundedResult, file name: String, _ kind: String = "error",
                          containing fragment: String? = nil, at position: (Int, Int)? = nil,
                          file: StaticString = #filePath, line: UInt = #line) -> String? {
        let prefix = NSRegularExpression.escapedPattern(for: name)
        let where_ = position.map { "\($0.0):\($0.1)" } ?? "[0-9]+:[0-9]+"
        let pattern = "^\(prefix):\(where_): \(kind)"
        let regex = try! NSRegularExpression(pattern: pattern)
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let match = lines.first { candidate in
            regex.firstMatch(in: candidate, range: NSRange(candidate.startIndex..., in: candidate)) != nil
                && (fragment.map { candidate.contains($0) } ?? true)
        }
        XCTAssertNotNil(match, "no line `\(pattern)…\(fragment ?? "")`\n" + result.summary, file: file, line: line)
        return match
    }
}

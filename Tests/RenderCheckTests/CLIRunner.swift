import Foundation
import XCTest

/// What one run of the `render-check` binary produced.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String

    var stdoutLines: [String] { Self.lines(stdout) }
    var stderrLines: [String] { Self.lines(stderr) }

    private static func lines(_ text: String) -> [String] {
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

enum CLIRunnerError: Error, CustomStringConvertible {
    case binaryNotFound([String])
    case timedOut([String])

    var description: String {
        switch self {
        case .binaryNotFound(let searched):
            return "render-check binary not found; looked in:\n" + searched.joined(separator: "\n")
        case .timedOut(let arguments):
            return "render-check \(arguments.joined(separator: " ")) did not finish in time"
        }
    }
}

/// Runs the real, built `render-check` executable, the way a user or CI does.
///
/// The binary is the one SwiftPM built next to the test bundle, so
/// `swift test` and `swift test --scratch-path X` each test their own build.
/// `RENDER_CHECK_BINARY` overrides the lookup.
enum CLIRunner {
    static let executableName = "render-check"

    /// The repository root (this file is `Tests/RenderCheckTests/CLIRunner.swift`).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The manifest fixtures shared with the model's tests.
    static let fixtures = packageRoot.appendingPathComponent("Tests/ManifestModelTests/Fixtures")

    static func binary() throws -> URL {
        var searched: [String] = []
        for directory in productDirectories() {
            let candidate = directory.appendingPathComponent(executableName)
            searched.append(candidate.path)
            if isExecutableFile(candidate) { return candidate }
        }
        // Last resort: any scratch folder of this package (`.build`, `.build-*`), newest binary first.
        var probed: [(URL, Date)] = []
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: packageRoot.path)) ?? []
        for entry in entries where entry.hasPrefix(".build") {
            for configuration in ["debug", "release"] {
                let candidate = packageRoot.appendingPathComponent("\(entry)/\(configuration)/\(executableName)")
                searched.append(candidate.path)
                if isExecutableFile(candidate),
                   let modified = try? FileManager.default.attributesOfItem(atPath: candidate.path)[.modificationDate] as? Date {
                    probed.append((candidate, modified))
                }
            }
        }
        if let newest = probed.max(by: { $0.1 < $1.1 }) { return newest.0 }
        throw CLIRunnerError.binaryNotFound(searched)
    }

    /// Where SwiftPM puts products for the build that made this test bundle.
    private static func productDirectories() -> [URL] {
        var directories: [URL] = []
        if let override = ProcessInfo.processInfo.environment["RENDER_CHECK_BINARY"], !override.isEmpty {
            directories.append(URL(fileURLWithPath: override).deletingLastPathComponent())
        }
        // macOS: the .xctest bundle sits in the products directory.
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            directories.append(bundle.bundleURL.deletingLastPathComponent())
        }
        // Linux: the test runner is itself an executable in the products directory.
        directories.append(Bundle.main.bundleURL)
        directories.append(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent())
        if let first = CommandLine.arguments.first {
            directories.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        return directories
    }

    /// A real helm binary for `--render` and measured ownership: `RENDER_CHECK_HELM`,
    /// else `<repo>/.build-tools/bin/helm` (`make helm`), else `helm` on PATH, else
    /// `/opt/helm/bin/helm`; nil when there is none (the caller skips).
    static func helm() -> String? {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let named = environment["RENDER_CHECK_HELM"], !named.isEmpty { candidates.append(named) }
        candidates.append(packageRoot.appendingPathComponent(".build-tools/bin/helm").path)
        for folder in (environment["PATH"] ?? "").split(separator: ":") where !folder.isEmpty {
            candidates.append(URL(fileURLWithPath: String(folder)).appendingPathComponent("helm").path)
        }
        candidates.append("/opt/helm/bin/helm")
        return candidates.first { isExecutableFile(URL(fileURLWithPath: $0)) }
    }

    private static func isExecutableFile(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: url.path)
    }

    /// A cache folder of this test process's own.
    static let cacheHome: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("render-check-cache-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }()

    /// Runs the binary with `arguments`, feeding `stdin` (or nothing: never
    /// the test's own standard input) and capturing both output streams.
    static func run(_ arguments: [String], stdin: Data? = nil, in directory: URL? = nil,
                    environment extra: [String: String] = [:], timeout: TimeInterval = 120) throws -> CLIResult {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        // Measured ownership is cached per test process, never from an earlier run.
        environment["XDG_CACHE_HOME"] = cacheHome.path
        environment.merge(extra) { $1 }
        process.environment = environment

        // Files, not pipes, for the output: a chatty run cannot fill a pipe and stall.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("render-check-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stdoutURL = scratch.appendingPathComponent("stdout"), stderrURL = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        let stderrHandle = try FileHandle(forWritingTo: stderrURL)
        defer {
            try? stdoutHandle.close()
            try? stderrHandle.close()
        }
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle

        let inputPipe = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : inputPipe

        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()

        if let stdin {
            // A pipe, as in `helm template ... | render-check resources -`; written
            // from another thread so input larger than the pipe buffer cannot block.
            let writer = inputPipe.fileHandleForWriting
            DispatchQueue.global().async {
                writer.write(stdin)
                try? writer.close()
            }
        }
        guard finished.wait(timeout: .now() + timeout) == .success else {
            process.terminate()
            throw CLIRunnerError.timedOut(arguments)
        }
        return CLIResult(status: process.terminationStatus,
                         stdout: String(decoding: try Data(contentsOf: stdoutURL), as: UTF8.self),
                         stderr: String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self))
    }
}

/// A temporary folder of files for one test, removed afterwards.
struct TemporaryTree {
    let root: URL

    init(_ files: [String: String]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("render-check-tree-\(UUID().uuidString)")
        for (path, contents) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}

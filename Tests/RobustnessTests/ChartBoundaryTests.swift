import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `--chart` reads the chart folder and nothing else: `# Source:` headers
/// with `..` or absolute paths, and symlinks out of the folder (to
/// /etc/passwd, to a folder outside, to a FIFO that would block whoever
/// opens it), are never followed. Where strace is installed, every path the
/// process opens is checked; without it, the FIFO still turns any open into
/// a hang the 60 s guard reports.
final class ChartBoundaryTests: XCTestCase {
    /// A copy of the fixture chart beside an `outside/` folder whose files
    /// must never be opened.
    struct Layout {
        let scratch: Scratch
        var chart: String { scratch.path("chart") }
        var outside: String { scratch.path("outside") }
        var rendered: String { scratch.path("rendered.yaml") }
    }

    private static let leakingTemplate = """
        apiVersion: v1
        kind: Service
        metadata:
          name: {{ .Values.leak.name }}
        spec:
          ports:
            - name: http
              port: {{ .Values.leak.port }}

        """

    private func makeLayout(_ label: String) throws -> Layout {
        let scratch = try Scratch(label)
        try scratch.copy(BoundedRun.fixtureChart, to: "chart")
        try scratch.copy(BoundedRun.fixtureRendered, to: "rendered.yaml")
        try scratch.write("outside/secret.yaml", Self.leakingTemplate)
        try scratch.write("outside/templates/service.yaml", Self.leakingTemplate)
        try scratch.write("outside/values.yaml", "leak:\n  name: stolen\n  port: 1\nservice:\n  port: 1\n")
        XCTAssertEqual(mkfifo(scratch.path("outside/pipe.yaml"), 0o644), 0, "mkfifo")
        return Layout(scratch: scratch)
    }

    private func symlink(_ target: String, at path: String) {
        XCTAssertEqual(Glibc.symlink(target, path), 0, "symlink \(path) -> \(target)")
    }

    private static var strace: String? {
        ["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// One opened (or otherwise touched) path from an strace log.
    struct Access {
        var call: String
        var path: String
        var line: String
        var writes: Bool
    }

    /// Runs render-check under strace (when installed) and returns the
    /// result with every file system call that names a path.
    private func traced(_ arguments: [String], in directory: URL) throws -> (BoundedResult, [Access]?) {
        guard let strace = Self.strace else {
            return (try BoundedRun.run(arguments, in: directory), nil)
        }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("render-check-strace-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let result = try BoundedRun.run(arguments, in: directory, wrapper: [
            strace, "-f", "-qq", "-s", "4096", "-o", log, "-e",
            "trace=open,openat,openat2,creat,truncate,unlink,unlinkat,rename,renameat,renameat2,mkdir,mkdirat,"
                + "chmod,fchmodat,chown,fchownat,lchown,utimensat,utimes,link,linkat,symlink,symlinkat,rmdir",
        ])
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let quoted = try NSRegularExpression(pattern: #""((?:[^"\\]|\\.)*)""#)
        var accesses: [Access] = []
        for line in text.split(separator: "\n").map(String.init) {
            // "<pid>  call(args) = result"
            let body = line.drop { $0 != " " }.drop { $0 == " " }
            guard let paren = body.firstIndex(of: "(") else { continue }
            let call = String(body[..<paren])
            let range = NSRange(line.startIndex..., in: line)
            for match in quoted.matches(in: line, range: range) {
                guard let pathRange = Range(match.range(at: 1), in: line) else { continue }
                let raw = String(line[pathRange])
                let path = raw.hasPrefix("/") ? raw : directory.appendingPathComponent(raw).path
                let writes = call.hasPrefix("open") || call == "creat"
                    ? ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND"].contains { line.contains($0) } || call == "creat"
                    : true
                accesses.append(Access(call: call, path: path, line: line, writes: writes))
            }
        }
        return (result, accesses)
    }

    /// True when `path`, with its symlinks resolved, lies in `folder` (or is it).
    private static func resolves(_ path: String, into folder: String) -> Bool {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let base = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        return resolved == base || resolved.hasPrefix(base + "/")
    }

    /// Nothing under `outside/` and not /etc/passwd was opened, through any
    /// path or symlink; nothing in the chart was opened for writing or changed.
    private func assertConfined(_ accesses: [Access]?, _ layout: Layout, chartRead: Bool = true,
                                file: StaticString = #filePath, line: UInt = #line) {
        guard let accesses else { return }
        // The trace sees the chart being read: it would see a read outside.
        XCTAssertTrue(!chartRead || accesses.contains { $0.call.hasPrefix("open") && Self.resolves($0.path, into: layout.chart) },
                      "strace recorded no open in the chart", file: file, line: line)
        for access in accesses where access.call.hasPrefix("open") || access.call == "creat" {
            XCTAssertFalse(Self.resolves(access.path, into: layout.outside), "opened outside the chart: \(access.line)",
                           file: file, line: line)
            XCTAssertFalse(Self.resolves(access.path, into: "/etc/passwd"), "opened /etc/passwd: \(access.line)",
                           file: file, line: line)
        }
        for access in accesses where access.writes {
            XCTAssertFalse(Self.resolves(access.path, into: layout.chart), "changed the chart: \(access.line)",
                           file: file, line: line)
            XCTAssertFalse(Self.resolves(access.path, into: layout.outside), "changed outside: \(access.line)",
                           file: file, line: line)
        }
    }

    private func blameArguments(_ layout: Layout, _ input: String = "rendered.yaml") -> [String] {
        ["blame", "--ownership", "static", "--chart", "chart", "--release", "atlas-e2e", "--namespace", "atlas-e2e", "--format", "json", input]
    }

    private func checkArguments(_ layout: Layout, _ input: String = "rendered.yaml") -> [String] {
        BoundedRun.checkArguments(["--ownership", "static", "--chart", "chart", "--release", "atlas-e2e", "--namespace", "atlas-e2e",
                                   "--format", "json", input])
    }

    /// Nothing the outside files would have contributed shows up.
    private func assertNoLeak(_ result: BoundedResult, file: StaticString = #filePath, line: UInt = #line) {
        for marker in ["values.leak", "stolen", "root:x:0:0"] {
            XCTAssertFalse(result.stdout.contains(marker), "output mentions \(marker)\n" + result.summary, file: file, line: line)
        }
    }

    // MARK: - Symlinks

    func testTemplatesSymlinkedOutOfTheChartAreNotRead() throws {
        let layout = try makeLayout("symlinks")
        symlink("/etc/passwd", at: layout.scratch.path("chart/templates/passwd.yaml"))
        symlink("../../outside/secret.yaml", at: layout.scratch.path("chart/templates/secret.yaml"))
        symlink(layout.outside + "/pipe.yaml", at: layout.scratch.path("chart/templates/pipe.yaml"))
        symlink("../../outside/templates", at: layout.scratch.path("chart/templates/more"))
        symlink("../../outside/pipe.yaml", at: layout.scratch.path("chart/templates/_helpers-pipe.tpl"))

        let (blame, blameAccesses) = try traced(blameArguments(layout), in: layout.scratch.root)
        assertBounded(blame, [0])
        assertConfined(blameAccesses, layout)
        assertNoLeak(blame)
        XCTAssertTrue(blame.stdout.contains("\"anchor\": \"values.service.port\""), blame.summary)

        let (check, checkAccesses) = try traced(checkArguments(layout), in: layout.scratch.root)
        assertBounded(check, [1])
        assertConfined(checkAccesses, layout)
        assertNoLeak(check)
        // Left out, but said: spec section 3 drops nothing silently.
        XCTAssertTrue(check.stdout.contains("\"file\": \"chart/templates/passwd.yaml\""), check.summary)
        XCTAssertTrue(check.stdout.contains("\"message\": \"resolves outside the chart folder; not followed\""), check.summary)
        XCTAssertTrue(blame.stderr.contains("chart/templates/passwd.yaml:1:1: note: skipped: resolves outside the chart folder"),
                      blame.summary)
    }

    func testValuesFileSymlinkedOutOfTheChartIsRefused() throws {
        let layout = try makeLayout("values-link")
        let values = layout.scratch.path("chart/values.yaml")
        try FileManager.default.removeItem(atPath: values)
        symlink("../outside/values.yaml", at: values)
        for arguments in [blameArguments(layout), checkArguments(layout)] {
            let (result, accesses) = try traced(arguments, in: layout.scratch.root)
            assertBounded(result, [2])
            assertPositioned(result, file: "chart/values.yaml", "error", containing: "outside the chart folder", at: (1, 1))
            assertConfined(accesses, layout)
            assertNoLeak(result)
        }
        // A FIFO behind the link would block whoever opened it.
        try FileManager.default.removeItem(atPath: values)
        symlink("../outside/pipe.yaml", at: values)
        let (result, accesses) = try traced(blameArguments(layout), in: layout.scratch.root)
        assertBounded(result, [2])
        assertConfined(accesses, layout)
    }

    func testChartYamlSymlinkedOutOfTheChartIsRefused() throws {
        let layout = try makeLayout("chart-link")
        let chartFile = layout.scratch.path("chart/Chart.yaml")
        try FileManager.default.removeItem(atPath: chartFile)
        symlink("../outside/pipe.yaml", at: chartFile)
        for arguments in [blameArguments(layout), checkArguments(layout)] {
            let (result, accesses) = try traced(arguments, in: layout.scratch.root)
            assertBounded(result, [2])
            assertPositioned(result, file: "chart/Chart.yaml", "error", containing: "outside the chart folder", at: (1, 1))
            assertConfined(accesses, layout, chartRead: false)
        }
    }

    /// A FIFO (or a device) inside the chart is not a template: reading it
    /// would block, or never end.
    func testSpecialFilesInsideTheChartAreNotRead() throws {
        let layout = try makeLayout("fifo")
        XCTAssertEqual(mkfifo(layout.scratch.path("chart/templates/fifo.yaml"), 0o644), 0)
        symlink("/dev/zero", at: layout.scratch.path("chart/templates/zero.yaml"))
        let (blame, accesses) = try traced(blameArguments(layout), in: layout.scratch.root)
        assertBounded(blame, [0])
        assertConfined(accesses, layout)
        let check = try BoundedRun.run(checkArguments(layout), in: layout.scratch.root)
        assertBounded(check, [1])
    }

    // MARK: - `# Source:` headers

    private func renderedWithSources(_ sources: [String]) throws -> String {
        var text = try String(contentsOfFile: BoundedRun.fixtureRendered, encoding: .utf8)
        let headers = ["# Source: bijux-atlas/templates/service.yaml", "# Source: bijux-atlas/templates/deployment.yaml"]
        for (header, source) in zip(headers, sources) {
            text = text.replacingOccurrences(of: header, with: "# Source: " + source)
        }
        return text
    }

    func testSourceHeadersWithDotDotAreNotFollowed() throws {
        let layout = try makeLayout("source-dotdot")
        // Joined naively to the chart folder, each would land in outside/.
        try layout.scratch.write("dotdot.yaml", try renderedWithSources([
            "bijux-atlas/templates/../../outside/secret.yaml",
            "bijux-atlas/../outside/templates/service.yaml",
        ]))
        for arguments in [blameArguments(layout, "dotdot.yaml"), checkArguments(layout, "dotdot.yaml")] {
            let (result, accesses) = try traced(arguments, in: layout.scratch.root)
            assertBounded(result, [0, 1])
            assertConfined(accesses, layout)
            assertNoLeak(result)
        }
        // Blame names the header as written and owns the leaves by the rendered output only.
        let blame = try BoundedRun.run(blameArguments(layout, "dotdot.yaml"), in: layout.scratch.root)
        XCTAssertTrue(blame.stdout.contains("\"source\": \"bijux-atlas/templates/../../outside/secret.yaml\""), blame.summary)
        XCTAssertFalse(blame.stdout.contains("\"anchor\": \"values.service.port\""), blame.summary)
    }

    func testSourceHeadersWithAbsolutePathsAreNotFollowed() throws {
        let layout = try makeLayout("source-absolute")
        try layout.scratch.write("absolute.yaml", try renderedWithSources([
            layout.outside + "/secret.yaml",
            "bijux-atlas//etc/passwd",
        ]))
        for arguments in [blameArguments(layout, "absolute.yaml"), checkArguments(layout, "absolute.yaml")] {
            let (result, accesses) = try traced(arguments, in: layout.scratch.root)
            assertBounded(result, [0, 1])
            assertConfined(accesses, layout)
            assertNoLeak(result)
        }
    }
}

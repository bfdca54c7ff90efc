import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Writes are whole or not at all, and only where asked: the `--output`
/// triage artifact and `contract diff --write` go through a temporary file
/// in the same folder and a rename; inputs are never modified; a chart
/// folder is only read.
final class WriteSafetyTests: XCTestCase {
    /// Everything about a file tree that a write would change (not atime).
    struct Snapshot: Equatable, CustomStringConvertible {
        struct Entry: Equatable {
            var kind: String
            var mode: UInt32
            var inode: UInt64
            var modified: Int64
            var modifiedNanoseconds: Int64
            var changed: Int64
            var bytes: Data?
            var link: String?
        }

        var entries: [String: Entry]

        var description: String { entries.keys.sorted().joined(separator: "\n") }

        /// Snapshots `paths` (files or folders, walked without following symlinks).
        init(_ paths: [String]) {
            entries = [:]
            var pending = paths
            while let path = pending.popLast() {
                var info = stat()
                guard lstat(path, &info) == 0 else { entries[path] = nil; continue }
                let type = info.st_mode & S_IFMT
                var entry = Entry(kind: type == S_IFDIR ? "dir" : type == S_IFLNK ? "link" : type == S_IFREG ? "file" : "other",
                                  mode: info.st_mode, inode: UInt64(info.st_ino),
                                  modified: Int64(info.st_mtim.tv_sec), modifiedNanoseconds: Int64(info.st_mtim.tv_nsec),
                                  changed: Int64(info.st_ctim.tv_sec), bytes: nil, link: nil)
                if type == S_IFREG { entry.bytes = FileManager.default.contents(atPath: path) }
                if type == S_IFLNK { entry.link = try? FileManager.default.destinationOfSymbolicLink(atPath: path) }
                if type == S_IFDIR {
                    for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                        pending.append(path + "/" + name)
                    }
                }
                entries[path] = entry
            }
        }
    }

    private func assertUnchanged(_ before: Snapshot, _ after: Snapshot, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Set(before.entries.keys), Set(after.entries.keys), "files added or removed", file: file, line: line)
        for (path, entry) in before.entries {
            XCTAssertEqual(after.entries[path], entry, "\(path) changed", file: file, line: line)
        }
    }

    private func temporaryFiles(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.contains(".tmp-") }
    }

    /// The uid to run as so that folder permissions apply (root ignores
    /// them): nobody, through setpriv, when the tests run as root.
    private var unprivileged: UInt32? {
        get throws {
            guard geteuid() == 0 else { return nil }
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
                throw XCTSkip("running as root without setpriv: a read-only folder cannot be enforced")
            }
            return 65534
        }
    }

    private func check(_ rest: [String], in scratch: Scratch, asUser: UInt32? = nil) throws -> BoundedResult {
        assertBounded(try BoundedRun.run(BoundedRun.checkArguments(
            ["--allowlist", BoundedRun.fixtureAllowlist, "--stack", BoundedRun.fixtureStack, "--namespace", "atlas-e2e"] + rest),
            in: scratch.root, asUser: asUser))
    }

    // MARK: - The triage artifact

    func testOutputIntoAReadOnlyFolderFailsCleanly() throws {
        let scratch = try Scratch("readonly")
        try FileManager.default.createDirectory(atPath: scratch.path("ro"), withIntermediateDirectories: true)
        try scratch.write("ro/existing.json", "old\n")
        XCTAssertEqual(chmod(scratch.path("ro"), 0o555), 0)
        let before = Snapshot([scratch.path("ro")])
        for target in ["ro/triage.json", "ro/existing.json", "ro/sub/triage.json"] {
            let result = try check(["--output", target, BoundedRun.fixtureRendered], in: scratch, asUser: try unprivileged)
            XCTAssertEqual(result.status, 2, result.summary)
            XCTAssertTrue(result.stderr.contains("\(target): error: cannot write: Permission denied"), result.summary)
            XCTAssertTrue(temporaryFiles(in: scratch.path("ro")).isEmpty)
        }
        assertUnchanged(before, Snapshot([scratch.path("ro")]))
    }

    /// mkstemp succeeds, the rename fails (the target is a folder): the
    /// temporary file is removed, the folder untouched.
    func testOutputWhoseRenameFailsLeavesNoTemporaryFile() throws {
        let scratch = try Scratch("rename")
        try scratch.write("out/triage.json/keep.txt", "keep\n")
        // (The folder `out` itself changes: the temporary file came and went.)
        let before = Snapshot([scratch.path("out/triage.json")])
        let result = try check(["--output", "out/triage.json", BoundedRun.fixtureRendered], in: scratch)
        XCTAssertEqual(result.status, 2, result.summary)
        XCTAssertTrue(result.stderr.contains("out/triage.json: error: cannot write: Is a directory"), result.summary)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch.path("out")), ["triage.json"])
        assertUnchanged(before, Snapshot([scratch.path("out/triage.json")]))
    }

    func testOutputBelowARegularFileFailsCleanly() throws {
        let scratch = try Scratch("notdir")
        try scratch.write("file.txt", "text\n")
        let before = Snapshot([scratch.root.path])
        let result = try check(["--output", "file.txt/triage.json", BoundedRun.fixtureRendered], in: scratch)
        XCTAssertEqual(result.status, 2, result.summary)
        XCTAssertTrue(result.stderr.contains("file.txt/triage.json: error: cannot write: Not a directory"), result.summary)
        assertUnchanged(before, Snapshot([scratch.root.path]))
    }

    func testExistingArtifactIsReplacedWhole() throws {
        let scratch = try Scratch("replace")
        let garbage = Data(repeating: UInt8(ascii: "#"), count: 1 << 20)
        try scratch.write("artifacts/triage.json", Array(garbage))
        let oldInode = Snapshot([scratch.path("artifacts/triage.json")]).entries.values.first?.inode
        let result = try check(["--format", "json", "--output", "artifacts/triage.json", BoundedRun.fixtureRendered], in: scratch)
        XCTAssertEqual(result.status, 0, result.summary)
        let written = try String(contentsOfFile: scratch.path("artifacts/triage.json"), encoding: .utf8)
        XCTAssertEqual(written, result.stdout, "the artifact is the whole report, nothing of the old file")
        XCTAssertTrue(written.hasSuffix("}\n"))
        let entry = Snapshot([scratch.path("artifacts/triage.json")]).entries.values.first
        XCTAssertNotEqual(entry?.inode, oldInode, "replaced by a rename, not rewritten in place")
        XCTAssertEqual((entry?.mode ?? 0) & 0o777, 0o644)
        XCTAssertEqual(temporaryFiles(in: scratch.path("artifacts")), [])

        // Parent folders are created.
        let nested = try check(["--output", "a/b/c/triage.json", BoundedRun.fixtureRendered], in: scratch)
        XCTAssertEqual(nested.status, 0, nested.summary)
        XCTAssertEqual(try String(contentsOfFile: scratch.path("a/b/c/triage.json"), encoding: .utf8), written)
    }

    /// A rerun with the same result leaves the artifact as it is (move-if-change):
    /// same inode, same mtime. A different result, a different mode or a
    /// symlink in its place is replaced by a rename as before.
    func testUnchangedArtifactIsLeftAlone() throws {
        let scratch = try Scratch("unchanged")
        let drift = BoundedRun.repo("charts-fixtures/variants/port-drift/rendered.yaml")
        let arguments = ["--format", "json", "--output", "triage.json"]
        XCTAssertEqual(try check(arguments + [BoundedRun.fixtureRendered], in: scratch).status, 0)
        let first = Snapshot([scratch.path("triage.json")])
        Thread.sleep(forTimeInterval: 0.02)
        XCTAssertEqual(try check(arguments + [BoundedRun.fixtureRendered], in: scratch).status, 0)
        assertUnchanged(first, Snapshot([scratch.path("triage.json")]))

        let drifted = try check(arguments + [drift], in: scratch)
        XCTAssertEqual(drifted.status, 1, drifted.summary)
        let second = Snapshot([scratch.path("triage.json")]).entries.values.first
        XCTAssertNotEqual(second?.inode, first.entries.values.first?.inode, "a new result is renamed in")
        XCTAssertEqual(try String(contentsOfFile: scratch.path("triage.json"), encoding: .utf8), drifted.stdout)

        // Same bytes, other mode: written again, with the artifact's mode.
        XCTAssertEqual(chmod(scratch.path("triage.json"), 0o600), 0)
        XCTAssertEqual(try check(arguments + [drift], in: scratch).status, 1)
        let third = Snapshot([scratch.path("triage.json")]).entries.values.first
        XCTAssertNotEqual(third?.inode, second?.inode)
        XCTAssertEqual((third?.mode ?? 0) & 0o777, 0o644)

        // A symlink to a file of the same bytes is replaced by the artifact itself.
        try FileManager.default.moveItem(atPath: scratch.path("triage.json"), toPath: scratch.path("target.json"))
        try FileManager.default.createSymbolicLink(atPath: scratch.path("triage.json"), withDestinationPath: "target.json")
        XCTAssertEqual(try check(arguments + [drift], in: scratch).status, 1)
        XCTAssertEqual(Snapshot([scratch.path("triage.json")]).entries.values.first?.kind, "file")
        XCTAssertEqual(temporaryFiles(in: scratch.root.path), [])
    }

    /// A reader polling the artifact while it is rewritten, again and again
    /// with two different contents, only ever sees one of them whole.
    func testReadersNeverSeeAPartialArtifact() throws {
        let scratch = try Scratch("concurrent")
        let drift = BoundedRun.repo("charts-fixtures/variants/port-drift/rendered.yaml")
        let clean = try check(["--format", "json", BoundedRun.fixtureRendered], in: scratch).stdout
        let drifted = try check(["--format", "json", drift], in: scratch).stdout
        XCTAssertNotEqual(clean, drifted)
        let artifact = scratch.path("triage.json")
        try scratch.write("triage.json", clean)

        final class Observations: @unchecked Sendable {
            let lock = NSLock()
            var reads = 0
            var bad: [String] = []
            var stop = false
        }
        let observations = Observations()
        let expected: Set<String> = [clean, drifted]
        let reader = Thread {
            while true {
                observations.lock.lock()
                let stop = observations.stop
                observations.lock.unlock()
                if stop { break }
                guard let data = FileManager.default.contents(atPath: artifact) else { continue }
                let text = String(decoding: data, as: UTF8.self)
                observations.lock.lock()
                observations.reads += 1
                if !expected.contains(text) { observations.bad.append(String(text.prefix(200))) }
                observations.lock.unlock()
            }
        }
        reader.start()
        for round in 0..<12 {
            let result = try check(["--output", "triage.json", round.isMultiple(of: 2) ? drift : BoundedRun.fixtureRendered],
                                   in: scratch)
            XCTAssertEqual(result.status, round.isMultiple(of: 2) ? 1 : 0, result.summary)
        }
        observations.lock.lock()
        observations.stop = true
        observations.lock.unlock()
        Thread.sleep(forTimeInterval: 0.2)
        observations.lock.lock()
        defer { observations.lock.unlock() }
        XCTAssertGreaterThan(observations.reads, 12)
        XCTAssertEqual(observations.bad, [], "a reader saw a partial or foreign artifact")
        XCTAssertEqual(temporaryFiles(in: scratch.root.path), [])
    }

    /// An artifact from input that could not be read would be a half-truth:
    /// the old one stays.
    func testUnreadableInputLeavesTheArtifactAlone() throws {
        let scratch = try Scratch("no-artifact")
        try scratch.write("triage.json", "previous\n")
        try scratch.write("bad.yaml", "kind: Service\nmetadata: {name: [x\n")
        let before = Snapshot([scratch.path("triage.json")])
        let result = try check(["--output", "triage.json", BoundedRun.fixtureRendered, "bad.yaml"], in: scratch)
        XCTAssertEqual(result.status, 2, result.summary)
        assertPositioned(result, file: "bad.yaml", "error")
        assertUnchanged(before, Snapshot([scratch.path("triage.json")]))
        XCTAssertEqual(temporaryFiles(in: scratch.root.path), [])
    }

    // MARK: - contract diff --write

    private func contractDiff(_ contract: String, in scratch: Scratch, write: Bool, asUser: UInt32? = nil) throws -> BoundedResult {
        assertBounded(try BoundedRun.run(["contract", "diff", "--no-config", "--contract", contract,
                                          "--chart", BoundedRun.fixtureChart, "--stack", BoundedRun.fixtureStack]
                                         + (write ? ["--write"] : [])
                                         + [BoundedRun.repo("charts-fixtures/variants/port-drift/rendered.yaml")],
                                         in: scratch.root, asUser: asUser))
    }

    func testContractDiffWriteIsWholeOrNothing() throws {
        let scratch = try Scratch("contract-write")
        try scratch.copy(BoundedRun.contract, to: "ro/layers.json")
        XCTAssertEqual(chmod(scratch.path("ro"), 0o555), 0)
        let before = Snapshot([scratch.path("ro")])
        let refused = try contractDiff("ro/layers.json", in: scratch, write: true, asUser: try unprivileged)
        XCTAssertEqual(refused.status, 2, refused.summary)
        XCTAssertTrue(refused.stderr.contains("ro/layers.json: error: cannot write: Permission denied"), refused.summary)
        assertUnchanged(before, Snapshot([scratch.path("ro")]))

        try scratch.copy(BoundedRun.contract, to: "rw/layers.json")
        let oldInode = Snapshot([scratch.path("rw/layers.json")]).entries.values.first?.inode
        let written = try contractDiff("rw/layers.json", in: scratch, write: true)
        XCTAssertEqual(written.status, 0, written.summary)
        XCTAssertTrue(written.stdout.contains("rw/layers.json: updated (1 change)"), written.summary)
        let entry = Snapshot([scratch.path("rw/layers.json")]).entries.values.first
        XCTAssertNotEqual(entry?.inode, oldInode, "replaced by a rename")
        XCTAssertEqual(temporaryFiles(in: scratch.path("rw")), [])
        let text = try String(contentsOfFile: scratch.path("rw/layers.json"), encoding: .utf8)
        XCTAssertTrue(text.contains("\"service\": 9090"), text)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(text.utf8)))
        // Written once, it is up to date.
        let again = try contractDiff("rw/layers.json", in: scratch, write: false)
        XCTAssertEqual(again.status, 0, again.summary)
    }

    // MARK: - Inputs and the chart are only read

    func testInputsAreNeverModified() throws {
        let scratch = try Scratch("inputs")
        try scratch.copy(BoundedRun.fixtureRendered, to: "in/rendered.yaml")
        try scratch.copy(BoundedRun.fixtureStack, to: "in/stack")
        try scratch.copy(BoundedRun.contract, to: "in/layers.json")
        try scratch.copy(BoundedRun.fixtureAllowlist, to: "in/allowlist.json")
        try scratch.copy(BoundedRun.fixtureChart, to: "in/chart")
        try scratch.copy(BoundedRun.repo("charts-fixtures/snapshots/live.json"), to: "in/live.json")
        try scratch.write("in/values.yaml", "service:\n  port: 9090\n")
        try scratch.write("in/.render-check.yaml", "contract: layers.json\nallowlist: allowlist.json\ninputs: [rendered.yaml]\nstack: [stack]\nnamespace: atlas-e2e\n")
        let before = Snapshot([scratch.path("in")])
        let runs: [[String]] = [
            ["check", "--contract", "in/layers.json", "--allowlist", "in/allowlist.json", "--stack", "in/stack",
             "--live", "in/live.json", "--chart", "in/chart", "-f", "in/values.yaml", "--namespace", "atlas-e2e",
             "--today", "2026-06-01", "--output", "out/triage.json", "in/rendered.yaml"],
            ["check", "--config", "in/.render-check.yaml", "--format", "sarif", "--output", "out/config.json"],
            ["blame", "--chart", "in/chart", "-f", "in/values.yaml", "--format", "json", "in/rendered.yaml"],
            ["resources", "in/rendered.yaml", "in/stack", "in/live.json"],
            ["contract", "diff", "--no-config", "--contract", "in/layers.json", "--chart", "in/chart", "--stack", "in/stack",
             "in/rendered.yaml"],
            ["contract", "generate", "--no-config", "--contract", "in/layers.json", "--chart", "in/chart", "--stack", "in/stack",
             "--output", "out/generated.json", "in/rendered.yaml"],
        ]
        for arguments in runs {
            let result = assertBounded(try BoundedRun.run(arguments, in: scratch.root))
            XCTAssertNotEqual(result.status, 2, result.summary)
        }
        assertUnchanged(before, Snapshot([scratch.path("in")]))
    }

    /// Standard input read in full is never written back: the file behind it stays.
    func testStandardInputFileIsNotModified() throws {
        let scratch = try Scratch("stdin")
        try scratch.copy(BoundedRun.fixtureRendered, to: "rendered.yaml")
        let before = Snapshot([scratch.path("rendered.yaml")])
        let result = assertBounded(try BoundedRun.run(BoundedRun.checkArguments(["-"]), in: scratch.root,
                                                      stdinFile: scratch.url("rendered.yaml")))
        XCTAssertEqual(result.status, 1, result.summary)
        assertUnchanged(before, Snapshot([scratch.path("rendered.yaml")]))
    }

    func testChartFolderIsOnlyRead() throws {
        let scratch = try Scratch("chart-read-only")
        try scratch.copy(BoundedRun.fixtureChart, to: "chart")
        try scratch.write("chart/templates/extra/notes.txt", "not a template\n")
        XCTAssertEqual(symlink("../values.yaml", scratch.path("chart/templates/values-link.yaml")), 0)
        let before = Snapshot([scratch.path("chart")])
        let runs: [[String]] = [
            BoundedRun.checkArguments(["--chart", "chart", "--release", "atlas-e2e", "--namespace", "atlas-e2e",
                                       "--output", "out/triage.json", BoundedRun.fixtureRendered]),
            BoundedRun.checkArguments(["--chart", "chart", "--release", "atlas-e2e", "--namespace", "atlas-e2e"]),
            ["blame", "--chart", "chart", "--release", "atlas-e2e", "--namespace", "atlas-e2e", BoundedRun.fixtureRendered],
            ["blame", "--chart", "chart", "--format", "json", BoundedRun.fixtureRendered],
        ]
        for arguments in runs {
            let result = assertBounded(try BoundedRun.run(arguments, in: scratch.root))
            XCTAssertNotEqual(result.status, 2, result.summary)
        }
        assertUnchanged(before, Snapshot([scratch.path("chart")]))
    }
}

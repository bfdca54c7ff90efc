import LayerContract
import ManifestModel
#if canImport(Glibc)
import Glibc
#endif

/// Runs Helm processes, several at once, each with a time limit. Output goes
/// to temporary files rather than pipes, so children that print a lot never
/// block while the parent waits on another one.
struct HelmProcess: Sendable {
    struct Run: Sendable {
        enum Status: Sendable, Equatable {
            case exited(Int32)
            case signalled
            case timedOut
            case notStarted(String)
        }

        var status: Status
        var output: [UInt8]
        var errors: String
    }

    var program: String
    var temporaryDirectory: String
    /// Seconds one run may take before it is killed.
    var timeLimit: Double

    /// Runs every argument list, at most `parallel` at a time; results in order.
    func run(_ argumentLists: [[String]], parallel: Int) -> [Run] {
        var results = [Run?](repeating: nil, count: argumentLists.count)
        var running: [(index: Int, child: pid_t, started: Double, out: String, err: String)] = []
        var next = 0
        while next < argumentLists.count || !running.isEmpty {
            while next < argumentLists.count, running.count < max(1, parallel) {
                switch spawn(argumentLists[next]) {
                case .success(let started):
                    running.append((next, started.child, Self.now(), started.out, started.err))
                case .failure(let failure):
                    results[next] = Run(status: .notStarted(failure.message), output: [], errors: failure.message)
                }
                next += 1
            }
            var finished: [Int] = []
            for (slot, entry) in running.enumerated() {
                var status: Int32 = 0
                let waited = waitpid(entry.child, &status, WNOHANG)
                var outcome: Run.Status?
                if waited == entry.child {
                    outcome = status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled
                } else if Self.now() - entry.started > timeLimit {
                    kill(entry.child, SIGKILL)
                    while waitpid(entry.child, &status, 0) < 0 && errno == EINTR {}
                    outcome = .timedOut
                }
                guard let outcome else { continue }
                results[entry.index] = Run(status: outcome, output: Self.readAndRemove(entry.out),
                                           errors: String(decoding: Self.readAndRemove(entry.err), as: UTF8.self))
                finished.append(slot)
            }
            for slot in finished.reversed() { running.remove(at: slot) }
            if finished.isEmpty && !running.isEmpty { usleep(2000) }
        }
        return results.map { $0! }
    }

    struct SpawnFailure: Error { var message: String }

    private func spawn(_ arguments: [String]) -> Result<(child: pid_t, out: String, err: String), SpawnFailure> {
        guard let out = makeTemporary("out"), let err = makeTemporary("err") else {
            return .failure(SpawnFailure(message: "cannot create a temporary file in \(temporaryDirectory)"))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_TRUNC, 0o600)
        let argv0 = [program] + arguments
        var argv: [UnsafeMutablePointer<CChar>?] = argv0.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let spawned = posix_spawnp(&child, program, &actions, nil, &argv, environ)
        guard spawned == 0 else {
            unlink(out)
            unlink(err)
            return .failure(SpawnFailure(message: "cannot run `\(program)` (\(String(cString: strerror(spawned))))"))
        }
        return .success((child, out, err))
    }

    /// A new, empty file for one run; removed once its content is read.
    func makeTemporary(_ suffix: String) -> String? {
        var template = Array(FilePath.join(temporaryDirectory, "render-check-\(suffix)-XXXXXX").utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else { return nil }
        close(descriptor)
        return String(cString: template)
    }

    /// Writes `text` to a new temporary file (an overlay for `-f`).
    func writeTemporary(_ text: String) -> String? {
        guard let path = makeTemporary("values") else { return nil }
        let descriptor = open(path, O_WRONLY | O_TRUNC)
        guard descriptor >= 0 else { return nil }
        let ok = Console.writeAll(text, to: descriptor)
        close(descriptor)
        return ok ? path : nil
    }

    static func readAndRemove(_ path: String) -> [UInt8] {
        defer { unlink(path) }
        return (try? FileBytes.read(path, limit: 1 << 30)) ?? []
    }

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

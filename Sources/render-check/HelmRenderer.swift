import LayerContract
#if canImport(Glibc)
import Glibc
#endif

/// Runs `helm template` (the `helm` on PATH, or the program RENDER_CHECK_HELM
/// names) and returns what it printed. render-check never renders itself.
struct HelmRenderer {
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { "render-check: error: \(message)" }
    }

    var program: String

    init(environment: RunEnvironment) {
        program = environment.helmProgram ?? "helm"
    }

    func arguments(for chart: ChartContext) -> [String] {
        var arguments = ["template", chart.release ?? "release-name", chart.directory]
        if let namespace = chart.namespace { arguments += ["--namespace", namespace] }
        for file in chart.valueFiles { arguments += ["--values", file] }
        for expression in chart.set { arguments += ["--set", expression] }
        return arguments
    }

    /// The rendered stream, or a failure carrying helm's own message.
    func render(_ chart: ChartContext) throws(Failure) -> [UInt8] {
        let arguments = [program] + arguments(for: chart)
        var output: [Int32] = [0, 0]
        var errors: [Int32] = [0, 0]
        guard pipe(&output) == 0, pipe(&errors) == 0 else { throw Failure(message: "cannot create a pipe for helm") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        for descriptor in output + errors { posix_spawn_file_actions_addclose(&actions, descriptor) }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let spawned = posix_spawnp(&child, program, &actions, nil, &argv, environ)
        close(output[1])
        close(errors[1])
        guard spawned == 0 else {
            close(output[0])
            close(errors[0])
            throw Failure(message: "cannot run `\(program)` (\(String(cString: strerror(spawned)))); install helm or set RENDER_CHECK_HELM (this repository ships tools/helm_template.py)")
        }
        // helm's stderr is small; read it after stdout is drained.
        let rendered = Self.readAll(output[0])
        let message = String(decoding: Self.readAll(errors[0]), as: UTF8.self)
        close(output[0])
        close(errors[0])
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        guard exited, code == 0 else {
            let detail = message.split(separator: "\n").suffix(5).joined(separator: "\n")
            throw Failure(message: "`\(arguments.joined(separator: " "))` failed\(exited ? " with exit status \(code)" : " on a signal"):\n\(detail)")
        }
        return rendered
    }

    private static func readAll(_ descriptor: Int32) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            result.append(contentsOf: chunk[0..<count])
        }
        return result
    }
}

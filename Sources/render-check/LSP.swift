import ArgumentParser
import LanguageServer
import LayerContract
#if canImport(Glibc)
import Glibc
#endif

extension RenderCheck {
    /// `render-check lsp`: the language server on standard input and output.
    /// This loop owns the streams and the clock; the server is a value that
    /// turns messages into messages.
    struct LSP: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lsp",
            abstract: "Run the Language Server Protocol 3.17 server on standard input and output.",
            discussion: """
                Diagnostics for values files, templates and rendered files from the editor's unsaved buffers, \
                hover with the owner of a rendered scalar, a quick fix for values-owned drift, and go-to-definition \
                to the owner. Configured from .render-check.yaml found from the workspace root. Exit status: 0 after \
                shutdown then exit, 1 on exit without shutdown or when the input ends first.
                """)

        @OptionGroup var limits: LimitOptions

        @Option(help: "The largest message accepted, in bytes; larger ones are answered with an error and skipped.")
        var maxMessageBytes = 32 << 20

        func run() throws {
            let environment = RunEnvironment.current()
            var server = LanguageServer(today: environment.today, limits: limits.parseLimits)
            var framer = MessageFramer(maxContentLength: maxMessageBytes)
            var chunk = [UInt8](repeating: 0, count: 65536)
            // A client that goes away does not kill the server with SIGPIPE mid-write.
            signal(SIGPIPE, SIG_IGN)
            while server.exitStatus == nil {
                // Diagnostics wait for the client to be quiet for the debounce time.
                if server.diagnosticsPending && !Self.readable(timeoutMilliseconds: Int32(server.debounceMilliseconds)) {
                    send(server.publishDiagnostics())
                    continue
                }
                let count = chunk.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw ExitCode(1)
                }
                // The input ended without `exit`: the client is gone.
                if count == 0 { throw ExitCode(1) }
                for frame in framer.feed(chunk[0..<count]) {
                    send(server.handle(frame))
                    if server.exitStatus != nil { break }
                }
            }
            throw ExitCode(server.exitStatus ?? 1)
        }

        private func send(_ messages: [LSPValue]) {
            guard !messages.isEmpty else { return }
            var bytes: [UInt8] = []
            for message in messages { bytes += MessageFramer.frame(message.json) }
            Console.writeAll(String(decoding: bytes, as: UTF8.self), to: 1)
        }

        private static func readable(timeoutMilliseconds: Int32) -> Bool {
            var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            while true {
                let ready = poll(&descriptor, 1, timeoutMilliseconds)
                if ready < 0 && errno == EINTR { continue }
                return ready != 0
            }
        }
    }
}

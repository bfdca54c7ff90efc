import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// Exit status: 0 clean, 1 findings or allowlist errors, 2 bad invocation or
/// unreadable input. Argument errors (64 by default in ArgumentParser) are 2.
@main
enum Main {
    static func main() {
        do {
            let arguments = RenderCheck.withDefaultSubcommand(Array(CommandLine.arguments.dropFirst()))
            if let quick = QuickCheckLine.command(arguments) {
                try quick.run()
            } else {
                var command = try RenderCheck.parseAsRoot(arguments)
                try command.run()
            }
            exit(0)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            let code = RenderCheck.exitCode(for: error)
            let message = RenderCheck.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(0)
            }
            Console.error(message)
            exit(2)
        }
    }
}

import LayerContract
#if canImport(Glibc)
import Glibc
#endif

/// What the process gets from its surroundings: the working directory, the
/// clock, the environment and the terminal. Read once here and passed down,
/// so nothing below the command line touches them.
struct RunEnvironment {
    var workingDirectory: String
    var today: CalendarDate
    var colour: Bool
    var helmProgram: String?

    static func current() -> RunEnvironment {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let directory = getcwd(&buffer, buffer.count).map { _ in String(cString: buffer) } ?? "."
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        let today = CalendarDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
            ?? CalendarDate(daysSinceEpoch: 0)
        let colour = isatty(1) == 1 && getenv("NO_COLOR") == nil && String(cString: getenv("TERM") ?? strdup("")) != "dumb"
        let helm = getenv("RENDER_CHECK_HELM").map { String(cString: $0) }
        return RunEnvironment(workingDirectory: directory, today: today, colour: colour, helmProgram: helm)
    }
}

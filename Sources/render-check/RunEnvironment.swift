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
    var temporaryDirectory: String = "/tmp"
    /// Where measured ownership is cached: `$XDG_CACHE_HOME/render-check`, else `~/.cache/render-check`.
    var cacheDirectory: String?
    var cores: Int = 1
    var path: String = "/usr/local/bin:/usr/bin:/bin"

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
        var environment = RunEnvironment(workingDirectory: directory, today: today, colour: colour, helmProgram: helm)
        if let temporary = getenv("TMPDIR").map({ String(cString: $0) }), !temporary.isEmpty {
            environment.temporaryDirectory = temporary
        }
        if let cache = getenv("XDG_CACHE_HOME").map({ String(cString: $0) }), cache.hasPrefix("/") {
            environment.cacheDirectory = cache + "/render-check"
        } else if let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty {
            environment.cacheDirectory = home + "/.cache/render-check"
        }
        if let path = getenv("PATH").map({ String(cString: $0) }) { environment.path = path }
        environment.cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        return environment
    }
}

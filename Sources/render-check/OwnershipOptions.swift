import ArgumentParser

/// How owners are found (spec section 5.1).
struct OwnershipOptions: ParsableArguments {
    enum Mode: String, ExpressibleByArgument, CaseIterable, Sendable {
        /// Measured when a Helm is found, static otherwise; a warm cache either way.
        case auto
        /// Measured with Helm (static, with a notice, where Helm fails).
        case exact
        /// Read from the templates only: no Helm, milliseconds.
        case `static`
    }

    @Option(help: "How owners are found: auto (measured when a Helm is found, else static), exact (measured with Helm), static (read from the templates).")
    var ownership: Mode?

    @Flag(help: "Measure ownership afresh: neither read nor write the cache.")
    var noCache = false

    static let defaultHelmTimeout: Double = 60

    @Option(help: "Seconds one Helm render of the ownership experiment may take before it is stopped.")
    var helmTimeout: Double = Self.defaultHelmTimeout

    func validate() throws {
        guard helmTimeout > 0 else { throw ValidationError("--helm-timeout must be more than 0 seconds") }
    }

    func mode(configured: String?) -> Mode {
        ownership ?? configured.flatMap(Mode.init(rawValue:)) ?? .auto
    }
}

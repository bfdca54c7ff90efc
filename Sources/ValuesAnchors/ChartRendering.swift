/// What measured ownership asks of Helm: the values it computed for the
/// chart, and renders of the chart with extra values laid over the user's.
/// The executable supplies it (a `helm` process); the experiment only sees
/// values in and rendered streams out, so no template semantics live here.
public protocol ChartRendering: Sendable {
    /// Helm's computed values: the chart's defaults coalesced with its
    /// subcharts', the user's overlays and `--set`s, as YAML.
    func computedValues() -> RenderOutcome
    /// Renders the chart once per overlay (nil: as the user gave it; else a
    /// values document laid over the user's values, last), as concurrently
    /// as the machine allows. Outcomes come back in the overlays' order.
    func render(_ overlays: [String?]) -> [RenderOutcome]
}

/// One Helm run, as the experiment sees it.
public enum RenderOutcome: Sendable {
    /// The rendered stream (or, for computed values, their YAML).
    case output([UInt8])
    /// Helm ran and refused these values (a schema, `fail`, `required`, a
    /// template that no longer parses): the message, or the output printed
    /// up to the failure, names the culprit more often than not.
    case refused(message: String, output: [UInt8])
    /// Helm could not be run, or did not finish in time.
    case unavailable(String)
}

import LayerContract

/// One output format. A reporter turns a triage into the whole report; the
/// command line writes it. Reporters read nothing but their arguments: no
/// environment, no clock, no terminal.
public protocol Reporter: Sendable {
    func report(_ triage: Triage, context: ReportContext) -> String
}

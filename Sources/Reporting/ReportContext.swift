import LayerContract

/// What a reporter needs to know about the run beyond the triage itself.
public struct ReportContext: Sendable, Hashable {
    /// The tool's version, as SARIF's `tool.driver.version` writes it.
    public var toolVersion: String
    /// Whether the text report may use ANSI colour. The command line decides
    /// (a terminal and no `NO_COLOR`); reporters never look.
    public var colour: Bool
    /// SARIF's `tool.driver.informationUri`: where to read about the tool.
    /// Left out of the SARIF log when nil.
    public var informationURI: String?
    /// The one-scalar values edit that mends a finding, by diff key: SARIF's `fixes`.
    public var fixes: [String: ValuesFix]
    /// The `.render-check.yaml` the run took its defaults from; every report
    /// names it. Nil: none was used, and reports say nothing of one.
    public var configuration: String?

    public init(toolVersion: String, colour: Bool = false, informationURI: String? = nil, fixes: [String: ValuesFix] = [:],
                configuration: String? = nil) {
        self.toolVersion = toolVersion
        self.colour = colour
        self.informationURI = informationURI
        self.fixes = fixes
        self.configuration = configuration
    }
}

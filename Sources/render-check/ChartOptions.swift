import ArgumentParser
import LayerContract

/// The chart behind the rendered inputs, as Helm takes it: the folder, the
/// values overlays in order, `--set`s, the release and namespace.
struct ChartOptions: ParsableArguments {
    @Option(help: "The chart folder behind the rendered input: enables ownership and the values-anchor checks.")
    var chart: String?

    @Option(name: [.customShort("f"), .customLong("values")], help: "A values overlay, in Helm's order (later wins). Repeatable.")
    var values: [String] = []

    @Option(help: "A value in Helm's --set syntax (a.b=c,d[0]=e). Repeatable.")
    var set: [String] = []

    @Option(help: "The release name the chart renders with.")
    var release: String?

    /// The chart context from flags, else from the configuration file.
    func context(configuration: ProjectConfiguration?, namespace: String?) -> ChartContext? {
        guard let directory = chart ?? configuration?.chart else { return nil }
        let fromFlags = chart != nil
        return ChartContext(directory: directory,
                            valueFiles: fromFlags || !values.isEmpty ? values : configuration?.values ?? [],
                            set: fromFlags || !set.isEmpty ? set : configuration?.set ?? [],
                            release: release ?? configuration?.release,
                            namespace: namespace ?? configuration?.namespace)
    }
}

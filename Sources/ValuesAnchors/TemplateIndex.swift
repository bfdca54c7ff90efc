import ManifestModel

/// Which template line writes which rendered key, and which values reach it.
/// Built by reading the chart's templates and helpers: the text is only read,
/// never executed, and Helm is not re-implemented.
public struct TemplateIndex: Sendable {
    /// Sites per template, keyed by its path inside the chart (`templates/service.yaml`).
    public private(set) var sites: [String: [TemplateSite]] = [:]
    /// Every values pattern any template reads, as output, fallback, condition
    /// or block target: what the unused-anchor check compares with.
    public private(set) var reads: Set<[PatternSegment]> = []

    struct HelperDefinition {
        var name: String
        var file: String
        var lines: [TemplateLexer.Line]
    }

    /// Indexes `files`: (path inside the chart, display path, text) for every
    /// file under `templates/` of a chart without subcharts.
    public init(files: [(chartPath: String, displayPath: String, text: String)]) {
        self.init(charts: [(files, [], "", false)])
    }

    /// Indexes a chart with its subcharts and library charts. Helm's template
    /// namespace is one for the whole tree: a `define` of any chart can be
    /// included from any other (the root's wins a clash, as it loads last).
    /// A subchart's templates are keyed `charts/<name>/templates/x.yaml`, as
    /// `# Source:` names them after the root chart's name, and read their
    /// `.Values` under the values path the parent passes them.
    /// With `values`, a branch whose condition the values decide is not read.
    public init(chart: ChartFiles, values: ValuesNode? = nil) {
        self.init(Lexed(chart: chart), values: values)
    }

    init(charts: [Lexed.Chart], values: ValuesNode? = nil) {
        self.init(Lexed(charts: charts), values: values)
    }

    /// A chart tree's templates lexed once, and the `define`s of every chart
    /// in it: what each reading of the same templates starts from.
    struct Lexed {
        typealias Chart = (files: [(chartPath: String, displayPath: String, text: String)], valuesPrefix: [String],
                           sourcePrefix: String, isLibrary: Bool)

        var helpers: [String: HelperDefinition] = [:]
        var rendered: [(chartPath: String, displayPath: String, lines: [TemplateLexer.Line], context: ValueReference)] = []

        init(chart: ChartFiles) {
            self.init(charts: chart.tree.map { entry in
                (entry.chart.templates.map { ($0.chartPath, $0.displayPath, $0.text) }, entry.valuesPrefix,
                 entry.sourcePrefix, entry.chart.isLibrary)
            })
        }

        init(charts: [Chart]) {
            for chart in charts.reversed() {
                for file in chart.files {
                    let lines = TemplateLexer.lines(of: file.text)
                    if !chart.isLibrary, TemplateIndex.isRendered(file.chartPath) {
                        rendered.append((chart.sourcePrefix + file.chartPath, file.displayPath, lines, .root(chart.valuesPrefix)))
                    }
                    for helper in TemplateIndex.definitions(in: lines, file: file.displayPath) { helpers[helper.name] = helper }
                }
            }
            rendered.sort { $0.chartPath < $1.chartPath }
        }
    }

    /// Reads lexed templates; with `values`, a branch whose condition the
    /// values decide is not read. `extent` (else `values`): the values whose
    /// depth bounds a helper that walks a map by calling itself.
    init(_ lexed: Lexed, values: ValuesNode? = nil, extent: ValuesNode? = nil) {
        var analyzer = TemplateAnalyzer(helpers: lexed.helpers, values: values, extent: extent)
        for file in lexed.rendered {
            sites[file.chartPath] = analyzer.analyze(file.lines[...], file: file.displayPath, context: file.context,
                                                     basePath: [], via: [], depth: 0, skipDefinitions: true)
        }
        reads = analyzer.reads
    }

    /// Templates Helm renders into manifests: not partials, not NOTES.txt.
    static func isRendered(_ chartPath: String) -> Bool {
        let name = chartPath.split(separator: "/").last.map(String.init) ?? chartPath
        return !name.hasPrefix("_") && name != "NOTES.txt"
            && (name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".tpl") || name.hasSuffix(".json"))
    }

    /// `define` blocks of a file, with their body lines.
    static func definitions(in lines: [TemplateLexer.Line], file: String) -> [HelperDefinition] {
        var result: [HelperDefinition] = []
        var open: [(name: String?, start: Int)] = []
        for (index, line) in lines.enumerated() {
            for action in line.actions {
                let tokens = action.tokens
                guard case .identifier(let keyword)? = tokens.first else { continue }
                switch keyword {
                case "define", "block":
                    open.append((TemplateExpression.stringLiteral(tokens.dropFirst().first), index))
                case "if", "with", "range":
                    open.append((nil, index))
                case "end":
                    guard let block = open.popLast() else { continue }
                    if let name = block.name {
                        // The body keeps its define and end lines: the analyzer enters and
                        // leaves the helper on those actions.
                        result.append(HelperDefinition(name: name, file: file, lines: Array(lines[block.start...index])))
                    }
                default:
                    continue
                }
            }
        }
        return result
    }
}

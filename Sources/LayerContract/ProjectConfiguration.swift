import ManifestModel

/// `.render-check.yaml` at the repository root: the defaults a bare
/// `render-check` runs with. Paths in it are relative to the file's folder
/// and come out resolved against it.
public struct ProjectConfiguration: Sendable {
    public static let fileName = ".render-check.yaml"

    public var file: String
    public var contract: String?
    public var allowlist: String?
    public var inputs: [String] = []
    public var stack: [String] = []
    public var live: [String] = []
    public var chart: String?
    public var values: [String] = []
    public var set: [String] = []
    public var release: String?
    public var namespace: String?
    public var components: [String] = []
    public var output: String?
    /// `auto`, `exact` or `static`: how owners are found (spec section 5.1).
    public var ownership: String?
    static let ownershipModes = ["auto", "exact", "static"]

    /// `render: true`: a bare `render-check` renders `chart` with Helm and checks the output.
    public var render = false
    /// Several charts or environments, each rendered with Helm and checked.
    public var charts: [ChartEntry] = []

    /// The folder the configuration sits in: the repository it configures.
    public var directory: String { FilePath.directory(of: file) }

    static let knownKeys: Set<String> = [
        "contract", "allowlist", "inputs", "stack", "live", "chart", "values", "set", "release", "namespace",
        "component", "components", "output", "render", "charts", "ownership",
    ]

    /// The configuration file found by walking up from the working directory.
    public static func find(workingDirectory: String) -> String? {
        FilePath.findUpwards(fileName, workingDirectory: workingDirectory)
    }

    public static func load(_ path: String) throws(LayerContractError) -> ProjectConfiguration {
        let root = try JSONCursor.open(path)
        guard root.isMapping else { throw root.typeError("a mapping of options") }
        let base = FilePath.directory(of: path)
        var configuration = ProjectConfiguration(file: path)
        for (key, value) in root.entries() {
            guard knownKeys.contains(key.value) else {
                throw LayerContractError("unknown option `\(key.value)`; known: \(knownKeys.sorted().joined(separator: ", "))",
                                         at: key.location)
            }
            switch key.value {
            case "contract": configuration.contract = FilePath.join(base, try value.requireString().value)
            case "allowlist": configuration.allowlist = FilePath.join(base, try value.requireString().value)
            case "chart": configuration.chart = FilePath.join(base, try value.requireString().value)
            case "output": configuration.output = FilePath.join(base, try value.requireString().value)
            case "inputs": configuration.inputs = try paths(value, base)
            case "stack": configuration.stack = try paths(value, base)
            case "live": configuration.live = try paths(value, base)
            case "values": configuration.values = try paths(value, base)
            case "set": configuration.set = try value.requireStrings().map(\.value)
            case "release": configuration.release = try value.requireString().value
            case "namespace": configuration.namespace = try value.requireString().value
            case "component": configuration.components = [try value.requireString().value]
            case "components": configuration.components = try value.requireStrings().map(\.value)
            case "ownership":
                let mode = try value.requireString()
                guard ownershipModes.contains(mode.value) else {
                    throw LayerContractError("ownership must be one of \(ownershipModes.joined(separator: ", ")), not `\(mode.value)`",
                                             at: mode.location)
                }
                configuration.ownership = mode.value
            case "render":
                guard case .bool(let flag)? = value.scalar else { throw value.typeError("true or false") }
                configuration.render = flag
            case "charts":
                guard value.isSequence else { throw value.typeError("a list of charts entries") }
                var seen: [String: SourceLocation] = [:]
                for item in value.items() {
                    let entry = try ChartEntry.read(item, base: base)
                    if let first = seen[entry.name.value] {
                        throw LayerContractError("two charts entries are named `\(entry.name.value)` (the first at \(first))",
                                                 at: entry.name.location)
                    }
                    seen[entry.name.value] = entry.name.location
                    configuration.charts.append(entry)
                }
            default: break
            }
        }
        return configuration
    }

    static func paths(_ value: JSONCursor, _ base: String) throws(LayerContractError) -> [String] {
        try strings(value).map { FilePath.join(base, $0) }
    }

    /// One string or a list of them.
    static func strings(_ value: JSONCursor) throws(LayerContractError) -> [String] {
        if case .string(let single)? = value.scalar { return [single] }
        return try value.requireStrings().map(\.value)
    }
}

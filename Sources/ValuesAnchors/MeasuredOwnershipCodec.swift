import ManifestModel

/// The cache's form of a measurement: JSON, read back through the same
/// parser as every other input, so a damaged or foreign entry is an error
/// to ignore, never a crash.
extension MeasuredOwnership {
    static let format = "render-check measured ownership"
    static let formatVersion = 1

    /// One JSON document; `digest` names what it was measured from.
    public func encoded(digest: String) -> String {
        var text = "{\"format\":" + JSONText.quoted(Self.format) + ",\"version\":\(Self.formatVersion)"
        text += ",\"digest\":" + JSONText.quoted(digest) + ",\"keys\":\(keyCount),\"renders\":\(renders)"
        text += ",\"unmeasured\":[" + unmeasured.map { JSONText.quoted($0.description) }.joined(separator: ",") + "]"
        text += ",\"leaves\":["
        let places = leaves.keys.sorted { ($0.source, $0.document, $0.path) < ($1.source, $1.document, $1.path) }
        for (index, place) in places.enumerated() {
            let leaf = leaves[place]!
            if index > 0 { text += "," }
            text += "[" + [place.source, place.document, place.path, leaf.value, leaf.status.rawValue].map(JSONText.quoted).joined(separator: ",")
            text += ",\(leaf.carried),[" + leaf.drivers.map { JSONText.quoted($0.description) }.joined(separator: ",") + "]]"
        }
        return text + "]}\n"
    }

    /// The measurement in `bytes`, or nil when they are not a measurement
    /// of `digest` in this format.
    public init?(decoding bytes: [UInt8], digest: String) {
        guard let document = try? YAMLStreamParser.documents(.bytes(bytes, name: "cache")).first,
              let root = document.root, document.kind(root) == .mapping else { return nil }
        func text(_ key: StaticString) -> String? {
            guard let node = document.value(in: root, forKey: key), document.kind(node) == .scalar else { return nil }
            return document.text(node)
        }
        guard text("format") == Self.format, text("version") == String(Self.formatVersion), text("digest") == digest,
              let keys = text("keys").flatMap({ Int($0) }), let renders = text("renders").flatMap({ Int($0) }),
              let unmeasuredNode = document.value(in: root, forKey: "unmeasured"), document.kind(unmeasuredNode) == .sequence,
              let leavesNode = document.value(in: root, forKey: "leaves"), document.kind(leavesNode) == .sequence else { return nil }
        var unmeasured: [ValuesPath] = []
        for item in document.items(unmeasuredNode) {
            guard document.kind(item) == .scalar, let path = ValuesPath(document.text(item)) else { return nil }
            unmeasured.append(path)
        }
        var leaves: [Place: Leaf] = [:]
        for item in document.items(leavesNode) {
            guard document.kind(item) == .sequence else { return nil }
            let fields = document.items(item)
            guard fields.count == 7, (0..<6).allSatisfy({ document.kind(fields[$0]) == .scalar }),
                  document.kind(fields[6]) == .sequence,
                  let status = Status(rawValue: document.text(fields[4])),
                  let carried = Int(document.text(fields[5])) else { return nil }
            var drivers: [ValuesPath] = []
            for driver in document.items(fields[6]) {
                guard document.kind(driver) == .scalar, let path = ValuesPath(document.text(driver)) else { return nil }
                drivers.append(path)
            }
            guard carried >= 0, carried <= drivers.count else { return nil }
            leaves[Place(source: document.text(fields[0]), document: document.text(fields[1]), path: document.text(fields[2]))] =
                Leaf(value: document.text(fields[3]), status: status, drivers: drivers, carried: carried)
        }
        self.init(leaves: leaves, keyCount: keys, unmeasured: unmeasured, renders: renders)
    }
}

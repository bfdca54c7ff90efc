import ManifestModel

/// The other places one resource was read again, byte for byte the same
/// document (`DocumentFingerprint`): concatenated renders repeat the same
/// Deployments and Services thousands of times. A repeat costs no facts, only
/// a count; the first `limit` of them keep their place, so a finding can say
/// where else its key sits and how many more there were.
public struct ResourceRepeats: Sendable, Hashable {
    /// Where a repeated document starts.
    public struct Place: Sendable, Hashable {
        public var file: String
        public var line: Int
    }

    /// Places kept per resource; with the first one, a finding lists at most
    /// `Finding.locationLimit` locations.
    public static let limit = Finding.locationLimit - 1

    public private(set) var places: [Place] = []
    /// Every repeat, listed or not.
    public private(set) var count = 0

    public init() {}

    mutating func add(_ place: Place) {
        count += 1
        if places.count < Self.limit { places.append(place) }
    }

    /// Adds another resource's own place and its repeats after these.
    mutating func add(_ other: ResourceRepeats, first place: Place) {
        add(place)
        for repeated in other.places { add(repeated) }
        count += other.count - other.places.count
    }
}

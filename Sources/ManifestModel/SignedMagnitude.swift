extension Int64 {
    /// The integer a sign and a magnitude stand for, or nil when it does not
    /// fit: `-9223372036854775808` fits, its positive twin does not.
    public init?(magnitude: UInt64, negative: Bool) {
        let limit = UInt64(Int64.max)
        if negative {
            guard magnitude <= limit + 1 else { return nil }
            self = magnitude == limit + 1 ? Int64.min : -Int64(magnitude)
        } else {
            guard magnitude <= limit else { return nil }
            self = Int64(magnitude)
        }
    }
}

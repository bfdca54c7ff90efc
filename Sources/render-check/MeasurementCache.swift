import LayerContract
import ManifestModel
import ValuesAnchors
#if canImport(Glibc)
import Glibc
#endif

/// Measured ownership kept between runs, one file per chart render digest
/// under `$XDG_CACHE_HOME/render-check/`. The Helm that measured is part of
/// the entry: a different Helm measures again, and without any Helm the
/// last measurement is still used (`--ownership auto` on a warm cache).
struct MeasurementCache {
    var directory: String

    func path(_ digest: RenderDigest) -> String {
        FilePath.join(directory, "measured-\(digest).tsv")
    }

    /// The cached measurement for `digest`, if there is a sound one from
    /// `helm` (any Helm when nil).
    func load(_ digest: RenderDigest, helm: String?) -> MeasuredOwnership? {
        guard let bytes = try? FileBytes.read(path(digest)) else { return nil }
        // The first line names the Helm; the rest is the measurement.
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let measuredBy = String(decoding: bytes[..<newline], as: UTF8.self)
        if let helm, measuredBy != helm { return nil }
        return MeasuredOwnership(decoding: Array(bytes[(newline + 1)...]), digest: digest.description)
    }

    func store(_ measured: MeasuredOwnership, digest: RenderDigest, helm: String) throws(AtomicFile.Failure) {
        let header = helm.filter { $0 != "\n" }
        try AtomicFile.write(header + "\n" + measured.encoded(digest: digest.description), to: path(digest), durability: .regenerated)
    }
}

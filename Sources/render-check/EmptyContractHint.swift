#if canImport(Glibc)
import Glibc
#endif

/// `render-check contract generate ... > ops/inventory/layers.json` empties
/// the contract before render-check reads it: the shell truncates the file
/// when it sets up the redirection. An empty contract is that mistake far
/// more often than anything else, so its error says how to avoid it.
enum EmptyContractHint {
    static func message(for path: String) -> String? {
        var facts = stat()
        guard stat(path, &facts) == 0, facts.st_size == 0 else { return nil }
        return "render-check: hint: \(path) is empty; a shell redirection onto the contract (`> \(path)`) truncates it before render-check reads it: write it with `render-check contract generate ... --output \(path)` (atomic, safe onto the contract it reads), then restore the lost one from version control"
    }
}

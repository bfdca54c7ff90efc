import Foundation
import LayerContract
import XCTest

/// ops/CONTRACT.md explains every diff-key family the registry holds, and no
/// family the registry lacks.
final class ContractDocumentTests: XCTestCase {
    func documentedKeys() throws -> [String] {
        let text = try String(contentsOfFile: RepositoryPaths.path("ops/CONTRACT.md"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `"), let end = line.dropFirst(3).firstIndex(of: "`") else { return nil }
            let key = String(line[line.index(line.startIndex, offsetBy: 3)..<end])
            return key.contains("<") ? key : nil
        }
    }

    func testEveryFamilyIsDocumentedAndNothingElse() throws {
        let documented = try documentedKeys()
        XCTAssertEqual(Set(documented), Set(CheckFamily.all.map(\.pattern)))
        XCTAssertEqual(documented.count, Set(documented).count, "a family is documented twice")
    }

    func testRegistryIdentifiersAreUniqueAndWellFormed() {
        let ids = CheckFamily.all.map(\.id)
        XCTAssertEqual(ids.count, Set(ids).count)
        for family in CheckFamily.all {
            XCTAssertNotNil(family.id.range(of: "^[a-z]+(-[a-z]+)*$", options: .regularExpression), family.id)
            XCTAssertFalse(family.summary.isEmpty)
            XCTAssertEqual(family.severity, family.id == "values-unused" ? .warning : .error)
        }
        XCTAssertEqual(CheckFamily.all.filter(\.isReferenceFamily).map(\.pattern),
                       ["service.<component>.missing", "service.<component>.port.<key>", "<kind>.<name>.label.<label>"])
    }
}

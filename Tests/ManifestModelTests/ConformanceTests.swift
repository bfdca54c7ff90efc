import ManifestModel
import XCTest

/// Runs the model over the official YAML test suite (read-only, skipped when
/// absent). For every case libyaml accepts, the tree written back as event
/// lines must equal libyaml's own events, so building the tree loses nothing;
/// the count of cases that also equal the suite's `test.event` is reported.
final class ConformanceTests: XCTestCase {
    struct Case {
        let name: String
        let directory: String
        let isError: Bool
    }

    static var suiteDirectory: String {
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/yaml-test-suite").path
    }

    static func cases() throws -> [Case] {
        let manager = FileManager.default
        let root = suiteDirectory
        var result: [Case] = []
        for name in try manager.contentsOfDirectory(atPath: root).sorted() {
            let directory = root + "/" + name
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            var candidates = [(name, directory)]
            if !manager.fileExists(atPath: directory + "/in.yaml") {
                candidates = try manager.contentsOfDirectory(atPath: directory).sorted()
                    .map { ("\(name)/\($0)", directory + "/" + $0) }
            }
            for (caseName, caseDirectory) in candidates where manager.fileExists(atPath: caseDirectory + "/in.yaml") {
                result.append(Case(name: caseName, directory: caseDirectory,
                                   isError: manager.fileExists(atPath: caseDirectory + "/error")))
            }
        }
        return result
    }

    func testTreeKeepsEveryEventLibyamlProduces() throws {
        guard FileManager.default.fileExists(atPath: Self.suiteDirectory) else {
            throw XCTSkip("yaml-test-suite not found at \(Self.suiteDirectory)")
        }
        let cases = try Self.cases()
        XCTAssertGreaterThan(cases.count, 300)
        var libyamlAccepts = 0, treeMatchesLibyaml = 0, treeMatchesSuite = 0, libyamlMatchesSuite = 0
        var errorCases = 0, errorCasesRejected = 0
        var errorCasesLibyamlAccepts: [String] = []
        var validCasesLibyamlRejects: [String] = []
        var lost: [String] = []

        for testCase in cases {
            let input = InputSource.file(testCase.directory + "/in.yaml")
            let baseline = try? EventLines.libyaml(input)
            let tree: String?
            do {
                tree = EventLines.stream(try YAMLStreamParser.documents(input))
            } catch {
                tree = nil
                XCTAssertFalse(error.problem.isEmpty, "\(testCase.name): empty error message")
                XCTAssertGreaterThanOrEqual(error.location.line, 1, "\(testCase.name): error without a line")
            }
            if testCase.isError {
                errorCases += 1
                if tree == nil { errorCasesRejected += 1 } else { errorCasesLibyamlAccepts.append(testCase.name) }
                if baseline == nil { XCTAssertNil(tree, "\(testCase.name): libyaml rejects it but the model accepts it") }
                continue
            }
            guard let baseline else {
                validCasesLibyamlRejects.append(testCase.name)
                continue
            }
            libyamlAccepts += 1
            if tree == baseline { treeMatchesLibyaml += 1 } else { lost.append(testCase.name) }
            let expected = try String(contentsOfFile: testCase.directory + "/test.event", encoding: .utf8)
            if tree == expected { treeMatchesSuite += 1 }
            if baseline == expected { libyamlMatchesSuite += 1 }
        }

        print("""
            yaml-test-suite: \(cases.count) cases; valid cases libyaml accepts: \(libyamlAccepts); \
            tree equals libyaml's events: \(treeMatchesLibyaml)/\(libyamlAccepts); \
            tree equals test.event: \(treeMatchesSuite)/\(libyamlAccepts) (libyaml alone: \(libyamlMatchesSuite)); \
            error cases rejected: \(errorCasesRejected)/\(errorCases); \
            valid cases libyaml rejects: \(validCasesLibyamlRejects.count); \
            error cases libyaml accepts: \(errorCasesLibyamlAccepts.joined(separator: " "))
            """)
        XCTAssertEqual(lost, [], "the tree lost events libyaml produced")
        XCTAssertEqual(treeMatchesSuite, libyamlMatchesSuite, "the tree matches the suite less often than libyaml does")
    }
}

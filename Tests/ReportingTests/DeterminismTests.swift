@testable import LayerContract
import ManifestModel
import Reporting
import XCTest

/// Same triage, same bytes: run twice, and with findings, notices and input
/// errors produced in any order.
final class DeterminismTests: XCTestCase {
    /// A small seeded generator so the shuffles are the same on every run.
    private struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    private func orders<T>(_ items: [T], seed: UInt64) -> [[T]] {
        var generator = SplitMix(state: seed)
        var result = [items, Array(items.reversed()), Array(items.dropFirst(1) + items.prefix(1))]
        for _ in 0..<5 { result.append(items.shuffled(using: &generator)) }
        return result
    }

    func testSameTriageTwiceGivesIdenticalBytes() throws {
        let fixture = try TriageFixture()
        for format in ReportFormat.allCases {
            let reporter = format.reporter()
            let first = reporter.report(fixture.triage(), context: TriageFixture.context)
            let second = reporter.report(fixture.triage(), context: TriageFixture.context)
            XCTAssertEqual(first, second, "\(format)")
            XCTAssertFalse(first.isEmpty, "\(format)")
        }
    }

    func testShuffledInputsGiveIdenticalBytes() throws {
        let fixture = try TriageFixture()
        let findings = fixture.findings
        // Two findings that tie on diff key and location, to exercise the tie-break.
        var twin = findings[1]
        twin.resource = ResourceIdentity(kind: "Service", namespace: "atlas-canary", name: "bijux-atlas")
        let all = findings + [twin]
        let findingOrders = orders(all, seed: 7)
        let noticeOrders = orders(TriageFixture.notices, seed: 11)
        let errorOrders = orders(TriageFixture.inputErrors, seed: 13)
        for format in ReportFormat.allCases {
            let reporter = format.reporter()
            let expected = reporter.report(fixture.triage(findings: all), context: TriageFixture.context)
            for (index, order) in findingOrders.enumerated() {
                let triage = fixture.triage(findings: order, notices: noticeOrders[index % noticeOrders.count],
                                            inputErrors: errorOrders[index % errorOrders.count])
                XCTAssertEqual(reporter.report(triage, context: TriageFixture.context), expected,
                               "\(format) output depends on input order (order \(index))")
            }
        }
    }
}

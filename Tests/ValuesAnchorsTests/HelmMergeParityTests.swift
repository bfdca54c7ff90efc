import Foundation
import ManifestModel
import ValuesAnchors
import XCTest

/// The merged values equal what real Helm (helm-python-sdk: the user values
/// built as `helm template` builds them, coalesced by `Chart.merge_values`)
/// gives for the same chart, files and `--set` arguments.
final class HelmMergeParityTests: XCTestCase {
    struct Combination {
        var chart: String
        var files: [String] = []
        var set: [String] = []
        var setString: [String] = []
    }

    func testMergedValuesEqualHelms() throws {
        let chart = ValuesFixtures.chart
        let variants = ValuesFixtures.repository + "/charts-fixtures/variants"
        let overlays = try FileManager.default.contentsOfDirectory(atPath: variants).sorted().flatMap { variant in
            try FileManager.default.contentsOfDirectory(atPath: variants + "/" + variant).sorted()
                .filter { $0.hasPrefix("values-") && $0.hasSuffix(".yaml") }
                .map { variants + "/" + variant + "/" + $0 }
        }
        XCTAssertGreaterThanOrEqual(overlays.count, 4, "the fixture chart's variant overlays")

        let temporary = try ValuesFixtures.temporaryFolder(self)
        let nestedNulls = temporary + "/nested-nulls.yaml"
        try """
            service:
              port: null
              annotations:
                team: null
                owner: platform
            rollout:
              strategy: null
              podLabels:
                track: stable
            server: {}
            image:
              tag: "1.2.3"
              pullPolicy: ~
            list:
              - a
              - null
              - {x: null}
            """.write(toFile: nestedNulls, atomically: true, encoding: .utf8)
        let lists = temporary + "/lists.yaml"
        try """
            rollout:
              strategy:
                canary:
                  steps: []
            podAnnotations:
              checksum/config: abc
            resources:
              requests: [cpu, memory]
            """.write(toFile: lists, atomically: true, encoding: .utf8)

        var combinations: [Combination] = [Combination(chart: chart)]
        combinations += overlays.map { Combination(chart: chart, files: [$0]) }
        combinations += [
            Combination(chart: chart, files: overlays),
            Combination(chart: chart, files: overlays.reversed()),
            Combination(chart: chart, files: [ValuesFixtures.variant("port-drift", "values-port-drift.yaml")],
                        set: ["service.port=7070,server.logLevel=debug", "image.tag=v2"]),
            Combination(chart: chart, set: ["rollout.strategy.canary.steps[0].setWeight=5,rollout.enabled=true"]),
            Combination(chart: chart, set: ["service.port=null", "podLabels.team=null,podLabels.app=atlas"]),
            Combination(chart: chart, set: [#"podAnnotations.prometheus\.io/scrape=true,server.args={--a,--b,3}"#]),
            Combination(chart: chart, set: ["resources=null", "nameOverride="], setString: ["server.port=8080,replicaCount=3"]),
            Combination(chart: chart, files: [ValuesFixtures.path("values-nulls.yaml")]),
            Combination(chart: chart, files: [ValuesFixtures.path("values-nulls.yaml"), ValuesFixtures.path("values-second.yaml")]),
            Combination(chart: chart, files: [ValuesFixtures.path("values-second.yaml"), ValuesFixtures.path("values-nulls.yaml")]),
            Combination(chart: chart, files: [ValuesFixtures.path("values-shapes.yaml")]),
            Combination(chart: chart, files: [ValuesFixtures.path("values-shapes.yaml"), ValuesFixtures.path("values-nulls.yaml")],
                        set: ["replicaCount.min=2,extra.keep=now"]),
            Combination(chart: chart, files: [ValuesFixtures.path("values-duplicate.yaml"), ValuesFixtures.path("values-empty.yaml"),
                                              ValuesFixtures.path("values-comments.yaml")]),
            Combination(chart: chart, files: [nestedNulls]),
            Combination(chart: chart, files: [nestedNulls, lists], set: ["rollout.podLabels.track=null"]),
            Combination(chart: chart, files: [lists, ValuesFixtures.variant("rollout", "values-rollout.yaml")]),
            // A chart whose own defaults have several documents, nulls, anchors.
            Combination(chart: ValuesFixtures.path("chart-multidoc")),
            Combination(chart: ValuesFixtures.path("chart-multidoc"), set: ["service.labels.gone=back,topNull=set,limits.memory=1Gi"]),
            Combination(chart: ValuesFixtures.path("chart-multidoc"), files: [nestedNulls],
                        set: ["base=null,service.labels.tier=null"]),
        ]

        let loader = ValuesLoader()
        var cases: [HelmPython.Case] = []
        for combination in combinations {
            var mine: String?
            do throws(ValuesError) {
                mine = try loader.load(chart: combination.chart, valueFiles: combination.files, set: combination.set,
                                       setString: combination.setString).values.jsonText
            } catch {
                XCTFail("render-check could not load \(combination): \(error)")
            }
            cases.append(HelmPython.Case(mode: "merge", chart: combination.chart, files: combination.files,
                                         set: combination.set, setString: combination.setString, mine: mine))
        }
        let answers = try HelmPython.answers(cases)
        for (index, answer) in answers.enumerated() where !answer.equal {
            let combination = combinations[index]
            XCTFail("""
                chart \(combination.chart) -f \(combination.files) --set \(combination.set) --set-string \(combination.setString):
                render-check \(answer.mine ?? "error")
                Helm         \(answer.helm ?? "error: \(answer.helmError ?? "")")
                """)
        }
    }
}

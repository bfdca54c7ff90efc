import Foundation
import ManifestModel
@testable import ValuesAnchors
import XCTest

/// The ownership experiment against the real helm binary, on a chart small
/// enough to know every owner by hand; and the pieces it is made of.
final class OwnershipExperimentTests: XCTestCase {
    static let chart = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/measured").path

    /// Helm as a process, as the executable supplies it (spawned here with Foundation).
    struct ProcessRenderer: ChartRendering {
        var helm: String
        var chart: String

        func run(_ arguments: [String]) -> RenderOutcome {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: helm)
            process.arguments = arguments
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rc-exp-\(UUID().uuidString)")
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let out = folder.appendingPathComponent("out"), err = folder.appendingPathComponent("err")
            FileManager.default.createFile(atPath: out.path, contents: nil)
            FileManager.default.createFile(atPath: err.path, contents: nil)
            guard let outHandle = try? FileHandle(forWritingTo: out), let errHandle = try? FileHandle(forWritingTo: err) else {
                return .unavailable("cannot create output files")
            }
            process.standardOutput = outHandle
            process.standardError = errHandle
            do { try process.run() } catch { return .unavailable("\(error)") }
            process.waitUntilExit()
            try? outHandle.close()
            try? errHandle.close()
            let output = [UInt8]((try? Data(contentsOf: out)) ?? Data())
            let message = String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self)
            return process.terminationStatus == 0 ? .output(output) : .refused(message: message, output: output)
        }

        func computedValues() -> RenderOutcome {
            guard case .output(let bytes) = run(["install", "rel", chart, "-n", "ns", "--dry-run=client", "--debug"]) else {
                return .unavailable("no computed values")
            }
            let text = String(decoding: bytes, as: UTF8.self)
            guard let start = text.range(of: "COMPUTED VALUES:\n"), let end = text.range(of: "\nHOOKS:", range: start.upperBound..<text.endIndex)
            else { return .unavailable("no COMPUTED VALUES section") }
            return .output(Array(text[start.upperBound..<end.lowerBound].utf8))
        }

        func render(_ overlays: [String?]) -> [RenderOutcome] {
            overlays.map { overlay in
                var arguments = ["template", "rel", chart, "-n", "ns"]
                var file: URL?
                if let overlay {
                    file = FileManager.default.temporaryDirectory.appendingPathComponent("rc-overlay-\(UUID().uuidString).json")
                    try? overlay.write(to: file!, atomically: true, encoding: .utf8)
                    arguments += ["-f", file!.path]
                }
                defer { if let file { try? FileManager.default.removeItem(at: file) } }
                return run(arguments)
            }
        }
    }

    func helm() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var candidates: [String?] = [environment["RENDER_CHECK_HELM"], root.appendingPathComponent(".build-tools/bin/helm").path]
        candidates += (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/helm" }
        candidates.append("/opt/helm/bin/helm")
        guard let found = candidates.compactMap({ $0 }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("no helm binary (run `make helm`)")
        }
        return found
    }

    func measure() throws -> MeasuredOwnership {
        let renderer = ProcessRenderer(helm: try helm(), chart: Self.chart)
        let tested = ConditionReads.scan(chart: Self.chart)
        switch OwnershipExperiment().measure(renderer, tested: tested) {
        case .success(let measured): return measured
        case .failure(let failure): throw failure
        }
    }

    func leaf(_ measured: MeasuredOwnership, _ template: String, _ path: String) throws -> MeasuredOwnership.Leaf {
        let kind = template == "service.yaml" ? "Service" : "Deployment"
        return try XCTUnwrap(measured.leaf(source: "measured/templates/\(template)", identity: "\(kind)//rel-web",
                                           ordinal: 0, path: path, value: nil), "\(template) \(path)")
    }

    func anchors(_ leaf: MeasuredOwnership.Leaf) -> [String] { leaf.drivers.map(\.anchor) }

    func testEveryOwnerOfTheSmallChartIsMeasured() throws {
        let measured = try measure()
        XCTAssertLessThanOrEqual(measured.renders, 40)
        XCTAssertEqual(measured.unmeasured.map(\.anchor), ["values.level"], "the schema refuses a changed level")

        let port = try leaf(measured, "service.yaml", "spec.ports[name=http].port")
        XCTAssertEqual(port.status, .measured)
        XCTAssertEqual(anchors(port), ["values.port"])
        XCTAssertEqual(port.carried, 1)

        let name = try leaf(measured, "service.yaml", "metadata.name")
        XCTAssertEqual(anchors(name), ["values.name"])

        let image = try leaf(measured, "deployment.yaml", "spec.template.spec.containers[name=app].image")
        XCTAssertEqual(Set(anchors(image)), ["values.image.registry", "values.image.repository", "values.image.tag"])
        XCTAssertEqual(image.carried, 3, "all three values are copied into the image")

        // A hash of the config: changed by it, carrying nothing of it.
        let checksum = try leaf(measured, "deployment.yaml", "metadata.annotations.checksum/config")
        XCTAssertEqual(anchors(checksum), ["values.config"])
        XCTAssertEqual(checksum.carried, 0)

        // A switch on a string picks the text: it changes the value without being in it.
        let mode = try leaf(measured, "deployment.yaml", "spec.template.spec.containers[name=app].env[name=MODE].value")
        XCTAssertEqual(anchors(mode), ["values.mode"])
        XCTAssertEqual(mode.carried, 0)

        let ratio = try leaf(measured, "deployment.yaml", "spec.template.spec.containers[name=app].env[name=RATIO].value")
        XCTAssertEqual(anchors(ratio), ["values.ratio"])

        XCTAssertEqual(anchors(try leaf(measured, "deployment.yaml", "spec.template.spec.containers[name=app].args[1]")), ["values.args[1]"])
        XCTAssertEqual(anchors(try leaf(measured, "deployment.yaml", "spec.replicas")), ["values.replicas"])

        // Literals of the templates: no values key changes them.
        let kind = try leaf(measured, "deployment.yaml", "kind")
        XCTAssertEqual(kind.status, .measured)
        XCTAssertTrue(kind.drivers.isEmpty)
    }

    func testTheSameChartMeasuresTheSameOwners() throws {
        let first = try measure(), second = try measure()
        XCTAssertEqual(first.leaves, second.leaves, "fixed seeds: the same groups, the same owners")
        XCTAssertEqual(first.encoded(digest: "d"), second.encoded(digest: "d"))
    }

    /// With every key changed at once, the container is renamed: its leaves
    /// are read through the renamed item, so the image and the env value are
    /// measured from that one render, and the key that renamed the item owns
    /// none of them (renaming is existence).
    func testLeavesUnderARenamedItemAreReadThroughIt() throws {
        // The base, its repeat, and the two all-keys renders: nothing else to learn from.
        let measured = try measure(fixture: "renamed", budget: .init(maxRenders: 4, softRenders: 4, waveRenders: 0))
        XCTAssertEqual(measured.renders, 4)
        func leaf(_ path: String) throws -> MeasuredOwnership.Leaf {
            try XCTUnwrap(measured.leaf(source: "renamed/templates/deployment.yaml", identity: "Deployment//rel-app",
                                        ordinal: 0, path: path, value: nil), path)
        }
        let image = try leaf("spec.template.spec.containers[name=app].image")
        XCTAssertEqual(image.status, .measured)
        XCTAssertEqual(anchors(image), ["values.image"])
        let level = try leaf("spec.template.spec.containers[name=app].env[name=LOG_LEVEL].value")
        XCTAssertEqual(level.status, .measured)
        XCTAssertEqual(anchors(level), ["values.logLevel"])
        let name = try leaf("spec.template.spec.containers[name=app].name")
        XCTAssertFalse(anchors(name).contains("values.nameOverride"), "a renamed item is another item, not a changed name")
    }

    func measure(fixture: String, budget: OwnershipExperiment.Budget = .init()) throws -> MeasuredOwnership {
        let chart = Self.chart.replacingOccurrences(of: "/measured", with: "/\(fixture)")
        let renderer = ProcessRenderer(helm: try helm(), chart: chart)
        switch OwnershipExperiment(budget: budget).measure(renderer, tested: ConditionReads.scan(chart: chart)) {
        case .success(let result): return result
        case .failure(let failure): throw failure
        }
    }

    /// The key name of an existing secret is printed only when the secret is
    /// named: changed alone (spec section 5.2) it changes nothing, so its mark,
    /// seen only with the secret's, does not make it an owner.
    func testAMarkSeenOnlyWithTheKeyThatEnablesItIsNoOwner() throws {
        let measured = try measure(fixture: "companions")
        let key = try XCTUnwrap(measured.leaf(source: "companions/templates/deployment.yaml", identity: "Deployment//rel-app", ordinal: 0,
                                              path: "spec.template.spec.volumes[name=password].secret.items[0].key", value: nil))
        XCTAssertFalse(anchors(key).contains("values.existingSecretKey"), "\(anchors(key))")
        XCTAssertEqual(anchors(key), ["values.existingSecret"], "naming the secret alone switches the key name")
        let image = try XCTUnwrap(measured.leaf(source: "companions/templates/deployment.yaml", identity: "Deployment//rel-app", ordinal: 0,
                                                path: "spec.template.spec.containers[name=app].image", value: nil))
        XCTAssertEqual(anchors(image), ["values.image"])
    }

    /// Three keys a helper refuses, one failure at a time, each named by its
    /// mark in Helm's message: all three are refused, the printed keys measured.
    func testKeysTheChartRefusesAreUnmeasuredAndTheRestMeasured() throws {
        let measured = try measure(fixture: "refusing")
        XCTAssertEqual(Set(measured.unmeasured.map(\.anchor)), ["values.preset", "values.tier", "values.mode"])
        let port = try XCTUnwrap(measured.leaf(source: "refusing/templates/deployment.yaml", identity: "Deployment//rel-web", ordinal: 0,
                                               path: "spec.template.spec.containers[name=app].ports[0].containerPort", value: nil))
        XCTAssertEqual(anchors(port), ["values.port"])
    }

    // MARK: - Pieces

    /// A refusal read after another key of the same batch was refused: the
    /// key Helm's message names is refused at once, not sent again unread.
    func testARefusalNamesItsKeyEvenAfterAnotherWasRefused() throws {
        let values = try OwnershipExperiment.values(Array("a: first\nb: second\nc: third\n".utf8))
        let perturbation = ValuesPerturbation(values: values)
        var run = OwnershipExperiment.Run(perturbation: perturbation, budget: .init(), seed: 1, held: [])
        run.refuse(1)
        guard case .suffix(let mark) = perturbation.keys[0].mark else { return XCTFail("a string key is marked by a suffix") }
        let retry = run.refused(.all(3), message: "Error: execution error: first\(mark) is not allowed", near: "")
        XCTAssertEqual(run.refused.members, [0, 1], "the key the message names is refused")
        XCTAssertEqual(retry.map(\.members), [[2]], "only the rest is rendered again")
    }

    func testMarksAreFoundInRenderedText() throws {
        let values = try OwnershipExperiment.values(Array("a: x\nb: 80\nc: \"\"\nd: 1.5\ne: true\nf: null\nblock: |\n  k: v\n".utf8))
        let perturbation = ValuesPerturbation(values: values)
        XCTAssertEqual(perturbation.keys.map(\.path.description), ["a", "b", "c", "d", "block"], "booleans and nulls are not changed")
        guard case .string(let a) = perturbation.keys[0].changed, case .int(let b) = perturbation.keys[1].changed,
              case .string(let block) = perturbation.keys[4].changed else { return XCTFail("wrong kinds of change") }
        XCTAssertEqual(b, 80 + ValuesPerturbation.integerShift)
        XCTAssertTrue(block.hasSuffix("\n") && block.hasPrefix("k: v"), "the mark goes before a trailing line break: \(block)")
        XCTAssertEqual(perturbation.marks(in: "prefix-\(a.uppercased())-suffix"), [0], "marks survive upper-casing")
        XCTAssertEqual(perturbation.marks(in: String(b + 1)), [1], "an integer one off still carries the mark")
        XCTAssertEqual(perturbation.marks(in: "http://host:\(b)/path"), [1])
        XCTAssertEqual(perturbation.marks(in: "nothing here 80"), [])
    }

    func testAnOverlayChangesOnlyItsKeysAndGivesListsWhole() throws {
        let values = try OwnershipExperiment.values(Array("a:\n  b: 1\n  c: 2\nlist:\n  - x\n  - w\nkeep: z\n".utf8))
        let perturbation = ValuesPerturbation(values: values)
        let index = try XCTUnwrap(perturbation.keys.firstIndex { $0.path.description == "list[1]" })
        let overlay = perturbation.overlay(KeySet(capacity: perturbation.keys.count, members: [index]))
        guard case .string(let changed) = perturbation.keys[index].changed else { return XCTFail() }
        XCTAssertEqual(overlay, "{\"list\":[\"x\",\"\(changed)\"]}")
        let b = try XCTUnwrap(perturbation.keys.firstIndex { $0.path.description == "a.b" })
        XCTAssertEqual(perturbation.overlay(KeySet(capacity: perturbation.keys.count, members: [b])),
                       "{\"a\":{\"b\":\(1 + ValuesPerturbation.integerShift)}}")
    }

    func testKeySetAlgebra() {
        var set = KeySet(capacity: 130, members: [0, 63, 64, 129])
        XCTAssertEqual(set.members, [0, 63, 64, 129])
        XCTAssertEqual(set.count, 4)
        let other = KeySet(capacity: 130, members: [63, 100])
        XCTAssertEqual(set.intersection(other).members, [63])
        XCTAssertEqual(set.union(other).count, 5)
        set.subtract(other)
        XCTAssertEqual(set.members, [0, 64, 129])
        XCTAssertTrue(KeySet(capacity: 130, members: [64]).isSubset(of: set))
        XCTAssertTrue(set.isDisjoint(with: other))
        XCTAssertTrue(KeySet(capacity: 130).isEmpty)
    }

    func testTheCacheFormRoundTripsAndRefusesAnythingElse() throws {
        let path = try XCTUnwrap(ValuesPath("a[\"b.c\"].d"))
        let original = MeasuredOwnership(
            leaves: [.init(source: "x/templates/a.yaml", document: "Service//n", path: "spec.ports[name=http].port"):
                        .init(value: "80\n\"q\"\ta\\tb\\\r", status: .measured, drivers: [path, .root.appending(key: "e")], carried: 1),
                     .init(source: "", document: "#2", path: "kind"): .init(value: "Service", status: .unresolved)],
            keyCount: 3, unmeasured: [.root.appending(key: "z")], renders: 17)
        let bytes = Array(original.encoded(digest: "abc").utf8)
        XCTAssertEqual(MeasuredOwnership(decoding: bytes, digest: "abc"), original)
        XCTAssertNil(MeasuredOwnership(decoding: bytes, digest: "other"), "a measurement of something else")
        XCTAssertNil(MeasuredOwnership(decoding: Array(bytes.prefix(bytes.count / 2)), digest: "abc"), "a truncated entry")
        XCTAssertNil(MeasuredOwnership(decoding: Array("[1, 2]".utf8), digest: "abc"))
        XCTAssertNil(MeasuredOwnership(decoding: [0xff, 0xfe, 0x00], digest: "abc"))
        let text = original.encoded(digest: "abc")
        XCTAssertEqual(text.split(separator: "\n").count, 5, "a header, one unmeasured key, two leaves, the end line: \(text)")
        XCTAssertNil(MeasuredOwnership(decoding: Array(text.replacingOccurrences(of: "end\t2", with: "end\t3").utf8), digest: "abc"),
                     "a leaf missing from the count")
        XCTAssertNil(MeasuredOwnership(decoding: Array(text.replacingOccurrences(of: "\tmeasured\t1\t", with: "\tmeasured\t3\t").utf8),
                                       digest: "abc"), "more carried keys than drivers")
        XCTAssertNil(MeasuredOwnership(decoding: Array(text.replacingOccurrences(of: "\tunresolved\t", with: "\tlost\t").utf8),
                                       digest: "abc"), "a status this version does not know")
    }

    func testRenderedLeavesCountDocumentsPerTemplate() throws {
        let stream = """
            ---
            # Source: c/templates/a.yaml
            kind: Service
            metadata:
              name: one
            ---
            # Source: c/templates/a.yaml
            kind: Service
            metadata:
              name: two
            spec:
              ports:
                - name: http
                  port: 80
                - port: 81
            """
        let leaves = try RenderedLeaves(stream: Array(stream.utf8), name: "stream")
        XCTAssertEqual(leaves.values[.init(source: "c/templates/a.yaml", ordinal: 1, path: "spec.ports[name=http].port")], "80")
        XCTAssertEqual(leaves.values[.init(source: "c/templates/a.yaml", ordinal: 1, path: "spec.ports[1].port")], "81")
        XCTAssertEqual(leaves.values[.init(source: "c/templates/a.yaml", ordinal: 0, path: "metadata.name")], "one")
        XCTAssertEqual(leaves.sequenceCounts[.init(source: "c/templates/a.yaml", ordinal: 1, path: "spec.ports")], 2)
        XCTAssertEqual(leaves.identities[.init(source: "c/templates/a.yaml", ordinal: 1)], "Service//two")
    }

    /// A later render read against the base: documents whose bytes are the
    /// base's at the same source and ordinal are taken from it unread; a
    /// changed one is read; an identical one pushed to another ordinal is read.
    func testALaterRenderReusesTheBaseDocumentsItRepeats() throws {
        func document(_ source: String, _ name: String, _ port: Int) -> String {
            "---\n# Source: c/templates/\(source)\nkind: Service\nmetadata:\n  name: \(name)\nspec:\n  ports:\n    - name: http\n      port: \(port)\n"
        }
        let base = try RenderedLeaves(stream: Array((document("a.yaml", "one", 80) + document("b.yaml", "two", 90)).utf8), name: "base")
        let later = try RenderedLeaves(stream: Array((document("a.yaml", "one", 80) + document("b.yaml", "two", 91)).utf8),
                                       name: "later", baseline: base)
        let a = RenderedLeaves.Key(source: "c/templates/a.yaml", ordinal: 0, path: "spec.ports[name=http].port")
        let b = RenderedLeaves.Key(source: "c/templates/b.yaml", ordinal: 0, path: "spec.ports[name=http].port")
        XCTAssertEqual(later.unchanged, [.init(source: "c/templates/a.yaml", ordinal: 0)])
        XCTAssertNil(later.values[a], "not read again")
        XCTAssertEqual(later.value(a), "80")
        XCTAssertEqual(later.value(b), "91")
        XCTAssertEqual(later.sequenceCount(.init(source: "c/templates/a.yaml", ordinal: 0, path: "spec.ports")), 1)
        XCTAssertEqual(later.names(ofItemsIn: .init(source: "c/templates/a.yaml", ordinal: 0, path: "spec.ports")), ["http"])

        // A new first document of a.yaml: the old one, byte for byte the same, is now ordinal 1.
        let shifted = try RenderedLeaves(stream: Array((document("a.yaml", "zero", 70) + document("a.yaml", "one", 80)).utf8),
                                         name: "shifted", baseline: base)
        XCTAssertTrue(shifted.unchanged.isEmpty)
        XCTAssertEqual(shifted.value(a), "70")
        XCTAssertEqual(shifted.value(.init(source: "c/templates/a.yaml", ordinal: 1, path: "spec.ports[name=http].port")), "80")
        XCTAssertNil(shifted.value(b), "b.yaml is gone")
    }

    func testConditionReadsFindTestedKeysOnly() {
        let found = ConditionReads.tested(in: """
            {{- if .Values.a.enabled }}
            name: {{ .Values.name }}
            {{- if and (eq .Values.mode "x") (not $.Values.off) }}
            {{ ternary "a" "b" .Values.flag }}
            """).map(\.description)
        XCTAssertEqual(found, ["a.enabled", "mode", "off", "flag"])
    }
}

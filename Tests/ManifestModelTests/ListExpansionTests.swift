import ManifestModel
import XCTest

/// `kind: List` (as `kubectl get svc,deploy -o json` prints it) and `*List`
/// kinds expand into their items; JSON goes through the same parser as YAML.
final class ListExpansionTests: XCTestCase {
    private func kubectlList() -> ManifestReader.InputFacts {
        ManifestReader.read(.file(Fixture.path("kubectl-list.json")))
    }

    func testKubectlJSONListIsOneDocument() throws {
        let documents = try Fixture.documents("kubectl-list.json")
        XCTAssertEqual(documents.count, 1)
        XCTAssertFalse(documents[0].explicitStart)
        XCTAssertNil(documents[0].source)
        XCTAssertEqual(documents[0].collectionStyle(try XCTUnwrap(documents[0].root)), .flow)
    }

    func testListItemsBecomeResourcesWithTheirItemIndex() {
        let facts = kubectlList()
        XCTAssertNil(facts.error)
        XCTAssertEqual(facts.resources.map(\.kindName), ["Service", "Deployment"])
        XCTAssertEqual(facts.resources.map(\.nameValue), ["shop-web", "shop-web"])
        XCTAssertEqual(facts.resources.map(\.itemIndex), [0, 1])
        XCTAssertEqual(facts.resources.map(\.documentIndex), [0, 0])
        XCTAssertEqual(facts.notices, [])
    }

    func testListItemsArePositionedInsideTheJSON() {
        let facts = kubectlList()
        XCTAssertEqual(facts.resources.map { $0.location.span }, [span(4, 9, 35, 10), span(36, 9, 73, 10)])
        assertLocated(facts.resources[0].kind, "Service", at: 6, 21)
        assertLocated(facts.resources[0].name, "shop-web", at: 11, 25)
        assertLocated(facts.resources[1].apiVersion, "apps/v1", at: 37, 27)
        assertLocated(facts.resources[1].namespace, "shop", at: 41, 30)
    }

    func testJSONNumbersAreIntsAndJSONStringsAreStrings() throws {
        let service = try XCTUnwrap(kubectlList().resources.first?.service)
        XCTAssertEqual(service.ports.count, 2)
        assertLocated(service.ports[0].port, .int(80), at: 19, 33)
        assertLocated(service.ports[0].targetPort, .name("http"), at: 21, 39)
        assertLocated(service.ports[1].port, .int(8080), at: 25, 33)
        assertLocated(service.ports[1].targetPort, .number(9090), at: 27, 39)
        assertLocated(service.type, "ClusterIP", at: 33, 25)
        assertLocated(service.selector?["app.kubernetes.io/name"]?.value, "shop", at: 31, 47)
    }

    func testDeploymentInsideAListKeepsItsPodTemplate() throws {
        let workload = try XCTUnwrap(kubectlList().resources.last?.workload)
        assertLocated(workload.matchLabels?["app.kubernetes.io/name"]?.value, "shop", at: 47, 51)
        assertLocated(workload.templateLabels?["app.kubernetes.io/name"]?.value, "shop", at: 53, 55)
        XCTAssertEqual(workload.containers.map { $0.name?.value }, ["web"])
        assertLocated(workload.containers.first?.ports.first?.containerPort, .int(8080), at: 63, 58)
    }

    func testServiceListKindExpandsAndReportsItemsThatAreNotObjects() {
        let facts = ManifestReader.read(.file(Fixture.path("service-list.yaml")))
        XCTAssertNil(facts.error)
        XCTAssertEqual(facts.resources.map(\.nameValue), ["alpha", "beta"])
        XCTAssertEqual(facts.resources.map(\.itemIndex), [0, 2])
        XCTAssertEqual(facts.resources.map { $0.location.span.start }, [mark(6, 5), mark(14, 5)])
        assertLocated(facts.resources[1].service?.ports.first?.port, .int(81), at: 20, 17)

        XCTAssertEqual(facts.notices.count, 1)
        XCTAssertEqual(facts.notices.first?.kind, .skipped)
        XCTAssertEqual(facts.notices.first?.message, "ServiceList item 1 is not a Kubernetes object")
        XCTAssertEqual(facts.notices.first?.location.span, span(13, 5, 13, 18))
    }

    func testListWhoseItemsIsNotASequenceIsInvalid() throws {
        let document = try XCTUnwrap(parse("kind: List\nitems: {a: 1}\n").first)
        let extracted = ResourceExtractor.resources(in: document)
        XCTAssertEqual(extracted.resources.count, 0)
        XCTAssertEqual(extracted.notices.map(\.kind), [.invalid])
        XCTAssertEqual(extracted.notices.first?.message, "List.items is not a sequence")
        XCTAssertEqual(extracted.notices.first?.location.span.start, mark(2, 8))
    }

    func testEmptyListYieldsNoResourcesAndNoNotices() throws {
        let document = try XCTUnwrap(parse("apiVersion: v1\nkind: List\nitems: []\n").first)
        let extracted = ResourceExtractor.resources(in: document)
        XCTAssertEqual(extracted.resources.count, 0)
        XCTAssertEqual(extracted.notices, [])
    }
}

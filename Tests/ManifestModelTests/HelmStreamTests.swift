import ManifestModel
import XCTest

/// `Fixtures/helm-template.yaml` is laid out exactly as `helm template`
/// writes a release: `---`, `# Source: <chart>/templates/<file>`, the
/// document. It holds a Service, a ConfigMap whose block scalar contains a
/// `# Source:` line of its own, an empty template, and a Deployment.
final class HelmStreamTests: XCTestCase {
    private var documents: [YAMLDocument] = []

    override func setUpWithError() throws {
        documents = try Fixture.documents("helm-template.yaml")
    }

    private var service: YAMLDocument { documents[0] }
    private var configMap: YAMLDocument { documents[1] }
    private var empty: YAMLDocument { documents[2] }
    private var deployment: YAMLDocument { documents[3] }

    func testEverySeparatorStartsADocumentIncludingTheEmptyTemplate() {
        XCTAssertEqual(documents.count, 4)
        XCTAssertEqual(documents.map(\.index), [0, 1, 2, 3])
        XCTAssertEqual(documents.map(\.explicitStart), [true, true, true, true])
        XCTAssertEqual(documents.map(\.explicitEnd), [false, false, false, false])
        XCTAssertEqual(documents.map(\.file), Array(repeating: Fixture.path("helm-template.yaml"), count: 4))
    }

    func testSourceCommentNamesEachDocumentsTemplate() {
        XCTAssertEqual(documents.map { $0.source?.value }, [
            "shop/templates/service.yaml",
            "shop/templates/configmap.yaml",
            "shop/templates/empty.yaml",
            "shop/templates/deployment.yaml",
        ])
        XCTAssertEqual(documents.map { $0.source?.location.line }, [2, 26, 43, 45])
        XCTAssertEqual(documents.map { $0.source?.location.column }, [1, 1, 1, 1])
    }

    func testSourceCommentSpanCoversTheWholeCommentLine() {
        // "# Source: shop/templates/service.yaml" is 37 characters long.
        XCTAssertEqual(service.source?.location.span, span(2, 1, 2, 38))
        XCTAssertEqual(service.source?.location.file, Fixture.path("helm-template.yaml"))
    }

    func testSourceLineInsideABlockScalarIsContentNotASource() throws {
        let script = try XCTUnwrap(configMap.node("data", "entrypoint.sh"))
        XCTAssertEqual(configMap.text(script), "#!/bin/sh\n# Source: fake.yaml\nexec shop\n")
        XCTAssertEqual(configMap.source?.value, "shop/templates/configmap.yaml")
        XCTAssertEqual(empty.source?.value, "shop/templates/empty.yaml")
        XCTAssertFalse(documents.contains { $0.source?.value == "fake.yaml" })
    }

    func testSourceLineAtColumnOneInsideAQuotedScalarIsNotTheNextDocumentsSource() throws {
        let documents = try parse("""
            ---
            # Source: chart/templates/a.yaml
            kind: ConfigMap
            data:
              x: "first
            # Source: fake.yaml
              last"
            ---
            kind: ConfigMap

            """)
        XCTAssertEqual(documents.count, 2)
        XCTAssertEqual(documents[0].source?.value, "chart/templates/a.yaml")
        XCTAssertEqual(documents[0].node("data", "x").map(documents[0].text), "first # Source: fake.yaml last")
        XCTAssertNil(documents[1].source)
    }

    func testEmptyTemplateIsADocumentWithANullRoot() throws {
        let root = try XCTUnwrap(empty.root)
        XCTAssertEqual(empty.kind(root), .scalar)
        XCTAssertEqual(empty.value(root), .null)
        XCTAssertEqual(empty.text(root), "")
        // libyaml places the empty scalar at the token that ends the document.
        XCTAssertEqual(empty.span(root), span(44, 1, 44, 1))
        XCTAssertEqual(empty.span, span(42, 1, 44, 1))
    }

    func testDocumentSpansRunFromTheirSeparatorToTheNextOne() {
        XCTAssertEqual(service.span, span(1, 1, 25, 1))
        XCTAssertEqual(configMap.span, span(25, 1, 42, 1))
        XCTAssertEqual(deployment.span, span(44, 1, 79, 1))
    }

    func testResourceRootStartsAfterItsSourceComment() throws {
        XCTAssertEqual(service.span(try XCTUnwrap(service.root)).start, mark(3, 1))
        XCTAssertEqual(configMap.span(try XCTUnwrap(configMap.root)).start, mark(27, 1))
        XCTAssertEqual(deployment.span(try XCTUnwrap(deployment.root)).start, mark(46, 1))
    }

    func testServicePortKeyAndValueKeepTheirPositions() throws {
        let key = try XCTUnwrap(service.keyNode("spec", "ports", 0, "port"))
        let value = try XCTUnwrap(service.node("spec", "ports", 0, "port"))
        XCTAssertEqual(service.text(key), "port")
        XCTAssertEqual(service.span(key), span(18, 7, 18, 11))
        XCTAssertEqual(service.span(value), span(18, 13, 18, 15))
        XCTAssertEqual(service.value(value), .int(80))
    }

    func testLabelKeyAndValueKeepTheirPositions() throws {
        let key = try XCTUnwrap(service.keyNode("metadata", "labels", "app.kubernetes.io/name"))
        let value = try XCTUnwrap(service.node("metadata", "labels", "app.kubernetes.io/name"))
        XCTAssertEqual(service.span(key), span(9, 5, 9, 27))
        XCTAssertEqual(service.span(value), span(9, 29, 9, 33))
        XCTAssertEqual(service.location(value).description, "\(Fixture.path("helm-template.yaml")):9:29")
    }

    func testCollectionsEndWhereTheNextTokenStarts() throws {
        XCTAssertEqual(service.span(try XCTUnwrap(service.root)), span(3, 1, 25, 1))
        XCTAssertEqual(service.span(try XCTUnwrap(service.node("metadata", "labels"))), span(9, 5, 11, 1))
        XCTAssertEqual(service.span(try XCTUnwrap(service.node("spec", "ports"))), span(17, 5, 25, 1))
        XCTAssertEqual(service.span(try XCTUnwrap(service.node("spec", "ports", 0))), span(17, 7, 22, 5))
        XCTAssertEqual(service.collectionStyle(try XCTUnwrap(service.node("spec", "ports"))), .block)
    }

    func testScalarStylesArePreserved() throws {
        let type = try XCTUnwrap(service.node("spec", "type"))
        let tier = try XCTUnwrap(service.node("metadata", "labels", "tier"))
        let note = try XCTUnwrap(configMap.node("metadata", "annotations", "note"))
        let script = try XCTUnwrap(configMap.node("data", "entrypoint.sh"))
        let summary = try XCTUnwrap(configMap.node("data", "summary"))

        XCTAssertEqual(service.scalarStyle(type), .plain)
        XCTAssertEqual(service.scalarStyle(tier), .singleQuoted)
        XCTAssertEqual(configMap.scalarStyle(note), .doubleQuoted)
        XCTAssertEqual(configMap.scalarStyle(script), .literal)
        XCTAssertEqual(configMap.scalarStyle(summary), .folded)
    }

    func testQuotedAndBlockScalarsKeepTheirTextAndSpans() throws {
        let tier = try XCTUnwrap(service.node("metadata", "labels", "tier"))
        let note = try XCTUnwrap(configMap.node("metadata", "annotations", "note"))
        let script = try XCTUnwrap(configMap.node("data", "entrypoint.sh"))
        let summary = try XCTUnwrap(configMap.node("data", "summary"))

        XCTAssertEqual(service.text(tier), "frontend")
        XCTAssertEqual(service.span(tier), span(10, 11, 10, 21))
        XCTAssertEqual(configMap.text(note), "say \"hi\"")
        XCTAssertEqual(configMap.span(note), span(33, 11, 33, 23))
        XCTAssertEqual(configMap.span(script), span(35, 18, 39, 1))
        XCTAssertEqual(configMap.text(summary), "folded text\n")
        XCTAssertEqual(configMap.span(summary), span(39, 12, 42, 1))
    }

    func testExplicitStrTagMakesANumberAString() throws {
        let tagged = try XCTUnwrap(service.node("spec", "ports", 1, "port"))
        XCTAssertEqual(service.tag(tagged), "tag:yaml.org,2002:str")
        XCTAssertEqual(service.text(tagged), "8080")
        XCTAssertEqual(service.value(tagged), .string("8080"))
        XCTAssertEqual(service.span(tagged), span(23, 13, 23, 23))

        let untagged = try XCTUnwrap(service.node("spec", "ports", 1, "targetPort"))
        XCTAssertNil(service.tag(untagged))
        XCTAssertEqual(service.value(untagged), .int(9090))
    }

    func testReaderListsTheThreeResourcesWithTheirTemplates() {
        let facts = ManifestReader.read(.file(Fixture.path("helm-template.yaml")))
        XCTAssertNil(facts.error)
        XCTAssertEqual(facts.documents, 4)
        XCTAssertEqual(facts.resources.map(\.kindName), ["Service", "ConfigMap", "Deployment"])
        XCTAssertEqual(facts.resources.map(\.nameValue), ["shop-web", "shop-config", "shop-web"])
        XCTAssertEqual(facts.resources.map { $0.namespace?.value }, ["shop", "shop", "shop"])
        XCTAssertEqual(facts.resources.map(\.documentIndex), [0, 1, 3])
        XCTAssertEqual(facts.resources.map { $0.location.span.start }, [mark(3, 1), mark(27, 1), mark(46, 1)])
        XCTAssertEqual(facts.resources.map { $0.source?.value }, [
            "shop/templates/service.yaml", "shop/templates/configmap.yaml", "shop/templates/deployment.yaml",
        ])
        XCTAssertEqual(facts.resources.map { $0.source?.location.line }, [2, 26, 45])
    }

    func testReaderNotesTheEmptyTemplateAsSkipped() {
        let facts = ManifestReader.read(.file(Fixture.path("helm-template.yaml")))
        XCTAssertEqual(facts.notices.map(\.kind), [.skipped])
        XCTAssertEqual(facts.notices.first?.message, "empty document")
        XCTAssertEqual(facts.notices.first?.location.file, Fixture.path("helm-template.yaml"))
        // The note points at the empty document's own separator, not into the next document.
        XCTAssertEqual(facts.notices.first?.location.line, 42)
    }

    func testDeploymentViewHasSelectorTemplateLabelsAndContainerPorts() throws {
        let facts = ManifestReader.read(.file(Fixture.path("helm-template.yaml")))
        let workload = try XCTUnwrap(facts.resources.last?.workload)

        XCTAssertEqual(workload.matchLabels?.pairs.map(\.key.value), ["app.kubernetes.io/name", "app.kubernetes.io/component"])
        assertLocated(workload.matchLabels?["app.kubernetes.io/component"]?.value, "web", at: 58, 36)
        XCTAssertEqual(workload.selectorLocation?.span.start, mark(56, 5))
        XCTAssertEqual(workload.templateLocation?.span.start, mark(60, 5))
        assertLocated(workload.templateLabels?["app.kubernetes.io/name"]?.key, "app.kubernetes.io/name", at: 62, 9)
        assertLocated(workload.templateLabels?["app.kubernetes.io/name"]?.value, "shop", at: 62, 33)
        assertLocated(workload.templateAnnotations?["checksum/config"]?.value, "abc123", at: 65, 26)

        XCTAssertEqual(workload.containers.map { $0.name?.value }, ["web", "migrate"])
        XCTAssertEqual(workload.containers.map(\.isInit), [false, true])
        let ports = workload.containers[0].ports
        XCTAssertEqual(ports.map { $0.name?.value }, ["http", "metrics"])
        assertLocated(ports[0].containerPort, .int(8080), at: 75, 30)
        assertLocated(ports[0].protocol, "TCP", at: 76, 25)
        assertLocated(ports[1].containerPort, .int(9090), at: 78, 30)
        XCTAssertNil(ports[1].protocol)
        XCTAssertEqual(ports[1].location.span.start, mark(77, 15))
    }
}

import ManifestModel
import XCTest

/// The Kubernetes views the checks read: Service type, selector and ports;
/// workload selectors, pod templates and container ports. Every value keeps
/// its own position.
final class ResourceViewTests: XCTestCase {
    private static func resources(_ fixture: String) -> [Resource] {
        let facts = ManifestReader.read(.file(Fixture.path(fixture)))
        XCTAssertNil(facts.error)
        return facts.resources
    }

    private func workload(_ kind: String, named name: String, file: StaticString = #filePath,
                          line: UInt = #line) throws -> WorkloadSpec {
        let resource = try XCTUnwrap(Self.resources("workloads.yaml").first { $0.kindName == kind && $0.nameValue == name },
                                     file: file, line: line)
        return try XCTUnwrap(resource.workload, file: file, line: line)
    }

    private func extract(_ text: String) throws -> (resources: [Resource], notices: [ManifestNotice]) {
        ResourceExtractor.resources(in: try XCTUnwrap(try parse(text).first))
    }

    // MARK: - Object metadata

    func testMetadataFieldsKeepTheirPositions() throws {
        let service = try XCTUnwrap(Self.resources("helm-template.yaml").first)
        assertLocated(service.apiVersion, "v1", at: 3, 13)
        assertLocated(service.kind, "Service", at: 4, 7)
        assertLocated(service.name, "shop-web", at: 6, 9)
        assertLocated(service.namespace, "shop", at: 7, 14)
        XCTAssertEqual(service.metadataLocation?.span.start, mark(6, 3))
        XCTAssertEqual(service.labels?.location.span.start, mark(9, 5))
        XCTAssertEqual(service.labels?.pairs.map(\.key.value), ["app.kubernetes.io/name", "tier"])
        assertLocated(service.labels?["tier"]?.value, "frontend", at: 10, 11)
        XCTAssertNil(service.workload)
        XCTAssertNil(service.itemIndex)
    }

    func testAnnotationsAreAStringMap() throws {
        let configMap = try XCTUnwrap(Self.resources("helm-template.yaml").dropFirst().first)
        XCTAssertEqual(configMap.kindName, "ConfigMap")
        assertLocated(configMap.annotations?["note"]?.value, "say \"hi\"", at: 33, 11)
        XCTAssertNil(configMap.labels)
        XCTAssertNil(configMap.service)
        XCTAssertNil(configMap.workload)
    }

    func testLeadingCommentThatIsNotASourceLeavesSourceEmpty() {
        XCTAssertNil(Self.resources("workloads.yaml").first?.source)
    }

    // MARK: - Service

    func testServiceTypeAndSelector() throws {
        let service = try XCTUnwrap(Self.resources("helm-template.yaml").first?.service)
        assertLocated(service.type, "NodePort", at: 12, 9)
        XCTAssertEqual(service.specLocation?.span.start, mark(12, 3))
        XCTAssertEqual(service.selector?.location.span.start, mark(14, 5))
        XCTAssertEqual(service.selector?.pairs.map(\.key.value), ["app.kubernetes.io/name", "app.kubernetes.io/component"])
        assertLocated(service.selector?["app.kubernetes.io/component"]?.key, "app.kubernetes.io/component", at: 15, 5)
        assertLocated(service.selector?["app.kubernetes.io/component"]?.value, "web", at: 15, 34)
        XCTAssertEqual(service.selector?.contains(all: [("app.kubernetes.io/name", "shop")]), true)
        XCTAssertEqual(service.selector?.contains(all: [("app.kubernetes.io/name", "other")]), false)
    }

    func testServicePortWithEveryField() throws {
        let port = try XCTUnwrap(Self.resources("helm-template.yaml").first?.service?.ports.first)
        XCTAssertEqual(port.location.span.start, mark(17, 7))
        assertLocated(port.name, "http", at: 17, 13)
        assertLocated(port.port, .int(80), at: 18, 13)
        assertLocated(port.targetPort, .name("http"), at: 19, 19)
        assertLocated(port.protocol, "TCP", at: 20, 17)
        assertLocated(port.nodePort, .int(30080), at: 21, 17)
    }

    func testServicePortWithNumericTargetPortAndStringTaggedPort() throws {
        let ports = try XCTUnwrap(Self.resources("helm-template.yaml").first?.service?.ports)
        XCTAssertEqual(ports.count, 2)
        assertLocated(ports[1].port, .string("8080"), at: 23, 13)
        assertLocated(ports[1].targetPort, .number(9090), at: 24, 19)
        XCTAssertNil(ports[1].protocol)
        XCTAssertNil(ports[1].nodePort)
    }

    func testQuotedTargetPortIsKeptAsAName() throws {
        // Kubernetes' IntOrString decodes a JSON string as a string, not a number.
        let port = try XCTUnwrap(try extract("kind: Service\nspec:\n  ports:\n    - port: 80\n      targetPort: \"8080\"\n")
            .resources.first?.service?.ports.first)
        assertLocated(port.targetPort, .name("8080"), at: 5, 19)
        XCTAssertEqual(port.targetPort?.value.description, "8080")
    }

    func testNullTargetPortIsAbsent() throws {
        let port = try XCTUnwrap(try extract("kind: Service\nspec:\n  ports:\n    - port: 80\n      targetPort:\n")
            .resources.first?.service?.ports.first)
        XCTAssertNil(port.targetPort)
    }

    func testServiceWithoutSpecHasAnEmptyView() throws {
        let service = try XCTUnwrap(try extract("kind: Service\nmetadata: {name: bare}\n").resources.first?.service)
        XCTAssertNil(service.type)
        XCTAssertNil(service.selector)
        XCTAssertNil(service.specLocation)
        XCTAssertEqual(service.ports.count, 0)
    }

    func testMalformedServicePortsAreInvalidNotices() throws {
        let extracted = try extract("kind: Service\nspec:\n  ports:\n    - 80\n    - port: 81\n")
        XCTAssertEqual(extracted.resources.first?.service?.ports.map { $0.port?.value }, [.int(81)])
        XCTAssertEqual(extracted.notices.map(\.kind), [.invalid])
        XCTAssertEqual(extracted.notices.first?.message, "a Service port is not a mapping")
        XCTAssertEqual(extracted.notices.first?.location.span.start, mark(4, 7))
    }

    func testPortsThatAreNotASequenceAreAnInvalidNotice() throws {
        let extracted = try extract("kind: Service\nspec:\n  ports: 80\n")
        XCTAssertEqual(extracted.resources.first?.service?.ports.count, 0)
        XCTAssertEqual(extracted.notices.map(\.message), ["expected a sequence"])
        XCTAssertEqual(extracted.notices.first?.location.span.start, mark(3, 10))
    }

    func testLabelWithANonScalarValueIsAnInvalidNotice() throws {
        let extracted = try extract("kind: Service\nmetadata:\n  labels:\n    app: web\n    nested: {a: b}\n")
        XCTAssertEqual(extracted.resources.first?.labels?.pairs.map(\.key.value), ["app"])
        XCTAssertEqual(extracted.notices.map(\.message), ["value of \"nested\" is not a string"])
        XCTAssertEqual(extracted.notices.first?.location.span.start, mark(5, 13))
    }

    // MARK: - Workload selectors

    func testStatefulSetMatchLabelsAndMatchExpressions() throws {
        let spec = try workload("StatefulSet", named: "db")
        XCTAssertEqual(spec.selectorLocation?.span.start, mark(9, 5))
        assertLocated(spec.matchLabels?["app"]?.value, "db", at: 10, 12)
        XCTAssertEqual(spec.matchExpressions.count, 2)
        assertLocated(spec.matchExpressions[0].key, "tier", at: 12, 14)
        assertLocated(spec.matchExpressions[0].operator, "In", at: 13, 19)
        XCTAssertEqual(spec.matchExpressions[0].values.map(\.value), ["data", "cache"])
        XCTAssertEqual(spec.matchExpressions[0].values.map(\.location.span.start), [mark(14, 18), mark(14, 24)])
        assertLocated(spec.matchExpressions[1].key, "legacy", at: 15, 14)
        assertLocated(spec.matchExpressions[1].operator, "DoesNotExist", at: 16, 19)
        XCTAssertEqual(spec.matchExpressions[1].values, [])
    }

    func testMatchExpressionWithoutOperatorIsAnInvalidNotice() throws {
        let extracted = try extract("""
            kind: Deployment
            spec:
              selector:
                matchExpressions:
                  - key: tier

            """)
        XCTAssertEqual(extracted.resources.first?.workload?.matchExpressions.count, 0)
        XCTAssertEqual(extracted.notices.map(\.message), ["a matchExpressions entry lacks key or operator"])
        XCTAssertEqual(extracted.notices.first?.location.span.start, mark(5, 9))
    }

    func testFlowStyleSelectorAndLabels() throws {
        let spec = try workload("DaemonSet", named: "agent")
        assertLocated(spec.matchLabels?["app"]?.value, "agent", at: 35, 24)
        XCTAssertEqual(spec.matchLabels?.location.span, span(35, 18, 35, 30))
        assertLocated(spec.templateLabels?["app"]?.value, "agent", at: 38, 21)
    }

    // MARK: - Pod templates and containers

    func testStatefulSetPodTemplate() throws {
        let spec = try workload("StatefulSet", named: "db")
        XCTAssertEqual(spec.templateLocation?.span.start, mark(18, 5))
        XCTAssertEqual(spec.templateLabels?.pairs.map(\.key.value), ["app", "tier"])
        assertLocated(spec.templateLabels?["tier"]?.value, "data", at: 21, 15)
        XCTAssertNil(spec.templateAnnotations)
        XCTAssertEqual(spec.containers.map { $0.name?.value }, ["postgres"])
        let port = try XCTUnwrap(spec.containers.first?.ports.first)
        assertLocated(port.name, "pg", at: 26, 21)
        assertLocated(port.containerPort, .int(5432), at: 27, 30)
        XCTAssertEqual(port.location.span.start, mark(26, 15))
    }

    func testFlowStyleContainerPort() throws {
        let port = try XCTUnwrap(try workload("DaemonSet", named: "agent").containers.first?.ports.first)
        XCTAssertNil(port.name)
        assertLocated(port.containerPort, .int(9100), at: 43, 31)
        assertLocated(port.protocol, "UDP", at: 43, 47)
        XCTAssertEqual(port.location.span, span(43, 15, 43, 51))
    }

    func testJobHasAPodTemplateButNoSelector() throws {
        let spec = try workload("Job", named: "migrate")
        XCTAssertNil(spec.matchLabels)
        XCTAssertNil(spec.selectorLocation)
        XCTAssertEqual(spec.templateLocation?.span.start, mark(51, 5))
        assertLocated(spec.templateLabels?["job"]?.value, "migrate", at: 53, 14)
        XCTAssertEqual(spec.containers.map { $0.name?.value }, ["migrate"])
        XCTAssertEqual(spec.containers.first?.ports.count, 0)
        XCTAssertEqual(spec.containers.first?.location.span.start, mark(57, 11))
    }

    func testCronJobPodTemplateComesFromItsJobTemplate() throws {
        let spec = try workload("CronJob", named: "nightly")
        XCTAssertEqual(spec.templateLocation?.span.start, mark(68, 9))
        assertLocated(spec.templateLabels?["job"]?.value, "nightly", at: 70, 18)
        XCTAssertEqual(spec.containers.map { $0.name?.value }, ["backup"])
        assertLocated(spec.containers.first?.ports.first?.containerPort, .int(8081), at: 75, 34)
    }

    func testPodIsItsOwnTemplate() throws {
        let spec = try workload("Pod", named: "debug")
        XCTAssertEqual(spec.templateLocation?.span.start, mark(77, 1))
        assertLocated(spec.templateLabels?["app"]?.value, "debug", at: 82, 10)
        assertLocated(spec.templateAnnotations?["owner"]?.value, "platform", at: 84, 12)
        XCTAssertNil(spec.matchLabels)
    }

    func testPodContainersComeBeforeInitContainers() throws {
        let spec = try workload("Pod", named: "debug")
        XCTAssertEqual(spec.containers.map { $0.name?.value }, ["shell", "wait"])
        XCTAssertEqual(spec.containers.map(\.isInit), [false, true])
        assertLocated(spec.containers[1].ports.first?.containerPort, .int(7000), at: 89, 26)
        XCTAssertEqual(spec.containers[1].location.span.start, mark(87, 7))
    }

    func testReplicaSetSelectorAndTemplate() throws {
        let spec = try workload("ReplicaSet", named: "web-7d9f")
        assertLocated(spec.matchLabels?["app"]?.value, "web", at: 100, 12)
        assertLocated(spec.templateLabels?["app"]?.value, "web", at: 104, 14)
        XCTAssertEqual(spec.containers.map { $0.name?.value }, ["web"])
    }

    func testRolloutWithAPodTemplate() throws {
        let spec = try workload("Rollout", named: "web-rollout")
        XCTAssertNil(spec.workloadReference)
        assertLocated(spec.matchLabels?["app"]?.value, "web", at: 116, 12)
        assertLocated(spec.templateLabels?["track"]?.value, "canary", at: 121, 16)
        assertLocated(spec.containers.first?.ports.first?.containerPort, .int(8080), at: 127, 30)
        assertLocated(spec.containers.first?.ports.first?.name, "http", at: 126, 21)
    }

    func testRolloutWithAWorkloadReferenceKeepsTheReference() throws {
        let spec = try workload("Rollout", named: "web-ref")
        let reference = try XCTUnwrap(spec.workloadReference)
        assertLocated(reference.apiVersion, "apps/v1", at: 138, 17)
        assertLocated(reference.kind, "Deployment", at: 139, 11)
        assertLocated(reference.name, "web", at: 140, 11)
        assertLocated(spec.matchLabels?["app"]?.value, "web", at: 136, 12)
        XCTAssertNil(spec.templateLocation)
        XCTAssertNil(spec.templateLabels)
        XCTAssertEqual(spec.containers.count, 0)
    }

    func testEveryWorkloadKindOfTheFixtureHasAWorkloadView() {
        let resources = Self.resources("workloads.yaml")
        XCTAssertEqual(resources.map(\.kindName),
                       ["StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet", "Rollout", "Rollout"])
        XCTAssertEqual(resources.filter { $0.workload != nil }.count, 8)
        XCTAssertEqual(resources.filter { $0.service != nil }.count, 0)
    }
}

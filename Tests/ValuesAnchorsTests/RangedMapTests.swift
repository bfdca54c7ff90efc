import Foundation
import ManifestModel
@testable import ValuesAnchors
import XCTest

/// A map of entry points read the ways community charts read one: ranged
/// with its keys spelled into the text, indexed by a key another value
/// names, and copied entry by entry into a dict that a helper then ranges.
/// Rendered by the real Helm binary; each claim is checked on Helm's output.
final class RangedMapTests: XCTestCase {
    static let values = """
        entryPoints:
          web:
            port: 8000
            exposedPort: 80
          websecure:
            port: 8443
            exposedPort: 443
        metrics:
          entryPoint: websecure
        service:
          spec:
            type: LoadBalancer
          additionalServices: {}
        flags:
          log:
            level: INFO
            format:
              style: plain
        """

    static let helpers = """
        {{- define "t.service-ports" }}
         {{- range $name, $config := .ports }}
          - port: {{ default $config.port $config.exposedPort }}
            name: {{ $name }}
         {{- end }}
        {{- end }}
        {{- define "t.flagsRec" -}}
        {{- $path := .path -}}
        {{- range $key, $value := .content }}
        {{- if kindIs "map" $value }}
        {{- include "t.flagsRec" (dict "path" (printf "%s.%s" $path $key) "content" $value) }}
        {{- else }}
        - "--{{ $path }}.{{ $key }}={{ $value }}"
        {{- end }}
        {{- end }}
        {{- end -}}
        {{- define "t.service-spec" -}}
          {{- with .service.spec }}
            {{- toYaml . | nindent 2 }}
          {{- end }}
        {{- end }}
        """

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app
          annotations:
            metrics-port: {{ quote (index .Values.entryPoints .Values.metrics.entryPoint).port }}
        spec:
          template:
            spec:
              containers:
                - name: app
                  args:
                    {{- range $name, $config := .Values.entryPoints }}
                    - "--entryPoints.{{ $name }}.address=:{{ $config.port }}"
                    {{- end }}
        """

    static let service = """
        {{- $served := dict -}}
        {{- range $name, $config := .Values.entryPoints -}}
          {{- if $config -}}
            {{ $_ := set $served $name $config -}}
          {{- end -}}
        {{- end -}}
        apiVersion: v1
        kind: Service
        metadata:
          name: app
        spec:
          ports:
          {{- template "t.service-ports" (dict "ports" $served) }}
        """

    static let services = """
        {{- $services := .Values.service.additionalServices -}}
        {{- $services = set $services "default" (omit .Values.service "additionalServices") }}
        {{- range $name, $service := $services }}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: extra
        spec:
          {{- template "t.service-spec" (dict "service" $service) }}
        {{- end }}
        """

    static let flags = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: flags
        spec:
          containers:
            - name: app
              args:
                {{- include "t.flagsRec" (dict "path" "x" "content" .Values.flags) | nindent 8 }}
        """

    var leaves: [ChartTreeOwnershipTests.Leaf] = []
    var files: ChartFiles!
    var values: ValuesNode!
    var ownership: ChartOwnership!

    override func setUpWithError() throws {
        guard let helm = ChartTreeOwnershipTests.helm() else { throw XCTSkip("no helm binary found") }
        let chart = try ValuesFixtures.chart(self, named: "ranged", files: [
            "values.yaml": Self.values, "templates/_helpers.tpl": Self.helpers, "templates/deployment.yaml": Self.deployment,
            "templates/service.yaml": Self.service, "templates/services.yaml": Self.services, "templates/flags.yaml": Self.flags,
        ])
        leaves = try ChartTreeOwnershipTests.leaves(of: try ChartTreeOwnershipTests.run(helm, ["template", "rel", chart]))
        files = try ChartFiles.load(chart)
        values = try ValuesLoader().load(chart: chart).values
        ownership = ChartOwnership(chart: files, values: values)
    }

    /// The values claims (anchor, then controlled_by) at a rendered path, and Helm's value there.
    func claims(_ path: String, in template: String? = nil) throws -> (claims: [String], value: String) {
        let leaf = try XCTUnwrap(leaves.first { RenderedSegment.describe($0.path) == path && (template == nil || $0.source == template) },
                                 "Helm rendered no \(path)")
        let owner = try XCTUnwrap(ownership.provenance(source: leaf.source, path: leaf.path, value: leaf.value))
        return ((owner.layer == .values ? [owner.anchor?.anchor ?? "values"] : []) + owner.controlledBy.map(\.anchor), leaf.value)
    }

    func testAnIndexByAnotherValueIsTheEntryThatValueNames() throws {
        let port = try claims("metadata.annotations.metrics-port")
        XCTAssertEqual(port.value, "8443")
        XCTAssertEqual(port.claims.first, "values.entryPoints.websecure.port")
        XCTAssertFalse(port.claims.contains("values.entryPoints.web.port"))
    }

    func testARangedKeySpelledInTheValueChoosesItsEntry() throws {
        let first = try claims("spec.template.spec.containers[name=app].args[0]")
        XCTAssertEqual(first.value, "--entryPoints.web.address=:8000")
        XCTAssertEqual(first.claims, ["values.entryPoints.web.port"])
        let second = try claims("spec.template.spec.containers[name=app].args[1]")
        XCTAssertEqual(second.value, "--entryPoints.websecure.address=:8443")
        XCTAssertEqual(second.claims, ["values.entryPoints.websecure.port"])
    }

    func testADictFilledFromARangedMapStandsForThatMapInAHelper() throws {
        // `set $served $name $config` in a range, then a helper ranging `.ports`
        // whose `- port:` items sit at the `ports:` key's own column.
        let web = try claims("spec.ports[name=web].port")
        XCTAssertEqual(web.value, "80")
        XCTAssertEqual(web.claims.first, "values.entryPoints.web.exposedPort")
        let websecure = try claims("spec.ports[name=websecure].port")
        XCTAssertEqual(websecure.value, "443")
        XCTAssertEqual(websecure.claims.first, "values.entryPoints.websecure.exposedPort")
    }

    func testAMapGivenOneNamedEntryByAssignmentRangesOverThatEntry() throws {
        // `$services = set $services "default" (omit .Values.service ...)` over an empty map:
        // the only Service is the one `.Values.service` describes.
        let type = try claims("spec.type", in: "ranged/templates/services.yaml")
        XCTAssertEqual(type.value, "LoadBalancer")
        XCTAssertEqual(type.claims, ["values.service.spec.type"])
    }

    func testAHelperThatWalksAMapByCallingItselfGoesAsDeepAsTheValues() throws {
        // Go ranges a map in key order: format before level.
        let deepest = try claims("spec.containers[name=app].args[0]")
        XCTAssertEqual(deepest.value, "--x.log.format.style=plain")
        XCTAssertEqual(deepest.claims, ["values.flags.log.format.style"])
        XCTAssertEqual(try claims("spec.containers[name=app].args[1]").claims, ["values.flags.log.level"])
        // Every branch read, for the unused-key check: the walk reaches the deepest key
        // (and ranges once more, over the scalar there), then stops, rather than going
        // on to the helper depth limit.
        let reads = TemplateIndex(TemplateIndex.Lexed(chart: files), extent: values).reads.filter { $0.first == .key("flags") }
        XCTAssertTrue(reads.contains([.key("flags"), .any, .any, .any]), "\(reads)")
        XCTAssertEqual(reads.map(\.count).max(), 5, "\(reads)")
    }
}
